import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessaging, parseVoice } from './parse.js';
import { serialize } from './serialize.js';
import { documentArbitrary } from './test-support/arbitraries.js';
import type { MessagingDocument, VoiceDocument } from './verbs/index.js';

describe('parse(serialize(document)) equals document', () => {
  it('for generated voice documents covering every element and attribute', () => {
    fc.assert(
      fc.property(documentArbitrary('voice'), (document) => {
        const xml = serialize(document as VoiceDocument);
        const result = parseVoice(xml);
        if (!result.ok) expect.fail(`${xml}\n${JSON.stringify(result.errors, null, 1)}`);
        expect(result.document).toEqual(document);
        expect(result.warnings).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('for generated messaging documents', () => {
    fc.assert(
      fc.property(documentArbitrary('messaging'), (document) => {
        const result = parseMessaging(serialize(document as MessagingDocument));
        expect(result.ok && result.document).toEqual(document);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps opaque elements and unknown attributes through a round trip', () => {
    const xml =
      '<Response><Say flavour="x">Hi</Say><Pay chargeAmount="1.00"><Prompt for="payment-card-number">' +
      '<Say>Card?</Say></Prompt></Pay><Frobnicate a="1">t<B/></Frobnicate><Hangup/></Response>';
    const first = parseVoice(xml);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const again = parseVoice(serialize(first.document));
    expect(again.ok && again.document).toEqual(first.document);
    expect(serialize(first.document)).toBe(`<?xml version="1.0" encoding="UTF-8"?>${xml}`);
  });

  it('leaves out attributes equal to their default', () => {
    const result = parseVoice('<Response><Gather method="POST" timeout="5" numDigits="2"/></Response>');
    expect(result.ok && serialize(result.document)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Gather numDigits="2"/></Response>',
    );
  });

  it('refuses to write a hand-made document with an invalid value, naming the attribute', () => {
    const document = {
      name: 'Response',
      attributes: {},
      children: [{ name: 'Say', attributes: { voice: 'man', language: 'en-US', loop: -1 }, content: ['x'] }],
    } as unknown as VoiceDocument;
    expect(() => serialize(document)).toThrowError(
      expect.objectContaining({ name: 'MarkupError', code: 13510, path: 'Response/Say[1]@loop' }),
    );
  });
});
