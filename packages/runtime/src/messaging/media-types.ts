/**
 * The content type of each media URL of an inbound message (`MediaContentType{N}` on the app's
 * webhook): the one the sender gave, else the one its URL's file extension names (the IANA
 * registry via `mime-types`), else `application/octet-stream`. Patchbay does not fetch the media
 * to find out: that would send requests to any URL a sender names, and hold up the webhook.
 *
 * @example
 * mediaContentTypes(['https://cdn.example/cat.jpg?size=2', 'https://x/y'], [undefined, 'audio/amr']);
 * // ['image/jpeg', 'audio/amr']
 */
import { lookup } from 'mime-types';
import { PatchbayError } from '../errors.js';

/** `type/subtype`, optionally with parameters (`; charset=...`). */
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;.*)?$/i;

export const UNKNOWN_MEDIA_TYPE = 'application/octet-stream';

/** The content type a URL's path names by its extension (query and fragment ignored). */
export function contentTypeOf(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split(/[?#]/, 1)[0] ?? '';
  }
  return lookup(path) || UNKNOWN_MEDIA_TYPE;
}

/** One content type per media URL: given ones (checked), the rest found by extension. */
export function mediaContentTypes(urls: readonly string[], given: readonly (string | undefined)[] = []): string[] {
  if (given.length > urls.length)
    throw new PatchbayError(
      'invalid-parameter',
      `MediaContentType: ${given.length} given for ${urls.length} media URLs`,
    );
  return urls.map((url, index) => {
    const type = given[index]?.trim();
    if (type === undefined || type === '') return contentTypeOf(url);
    if (!CONTENT_TYPE.test(type) || type.length > 255)
      throw new PatchbayError('invalid-parameter', `MediaContentType${index}: "${type}" is not a content type`);
    return type;
  });
}
