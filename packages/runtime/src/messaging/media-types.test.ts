import { describe, expect, it } from 'vitest';
import { contentTypeOf, mediaContentTypes } from './media-types.js';

describe('media content types', () => {
  it('names the type by the URL path extension, ignoring query and fragment', () => {
    expect(contentTypeOf('https://cdn.example/cat.JPG?size=2#top')).toBe('image/jpeg');
    expect(contentTypeOf('https://cdn.example/a/clip.mp4')).toBe('video/mp4');
    expect(contentTypeOf('https://cdn.example/doc.pdf')).toBe('application/pdf');
    expect(contentTypeOf('https://cdn.example/media/ME123')).toBe('application/octet-stream');
    expect(contentTypeOf('not a url.png')).toBe('image/png');
  });

  it('prefers what the sender gave, and rejects what is not a content type', () => {
    expect(mediaContentTypes(['https://x/a', 'https://x/b.gif'], ['audio/amr'])).toEqual(['audio/amr', 'image/gif']);
    expect(mediaContentTypes(['https://x/a.png'], [''])).toEqual(['image/png']);
    expect(() => mediaContentTypes(['https://x/a'], ['jpeg'])).toThrowError(
      expect.objectContaining({ code: 'invalid-parameter', message: expect.stringContaining('MediaContentType0') }),
    );
    expect(() => mediaContentTypes([], ['image/png'])).toThrowError(expect.objectContaining({ numericCode: 21200 }));
  });
});
