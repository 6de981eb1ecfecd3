/**
 * The webhook signature (`X-Twilio-Signature`): HMAC-SHA1 with the account's auth token over the
 * full URL followed by the form parameters, keys sorted in code-unit order, each key then value
 * with no separator (repeated keys: values de-duplicated and sorted). The official helper
 * library's `validateRequest` accepts what this signs, and this accepts what it signs.
 *
 * @example
 * const signature = getExpectedSignature(authToken, 'https://app.example.com/voice', { CallSid: 'CA..' });
 * validateRequest(authToken, signature, 'https://app.example.com/voice', { CallSid: 'CA..' }); // true
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Form parameters: a value, or the values of a repeated key. */
export type WebhookParams = Readonly<Record<string, string | readonly string[]>>;

/** The header apps read the signature from. */
export const SIGNATURE_HEADER = 'X-Twilio-Signature';

/** The text the signature is computed over: the URL, then each key and value. */
export function signatureBase(url: string, params: WebhookParams = {}): string {
  let base = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key] as string | readonly string[];
    if (typeof value === 'string') base += key + value;
    else for (const item of [...new Set(value)].sort()) base += key + item;
  }
  return base;
}

/** The signature of a form-encoded POST (or, with no params, of a GET whose query is in `url`). */
export function getExpectedSignature(authToken: string, url: string, params: WebhookParams = {}): string {
  return createHmac('sha1', authToken).update(signatureBase(url, params), 'utf8').digest('base64');
}

/**
 * For JSON bodies: the URL gains `bodySHA256=<hex sha256 of the body>` in its query and is signed
 * with no parameters. Returns that URL and its signature.
 */
export function signJsonBody(authToken: string, url: string, body: string): { url: string; signature: string } {
  const hash = createHash('sha256').update(body, 'utf8').digest('hex');
  const signedUrl = `${url}${url.includes('?') ? '&' : '?'}bodySHA256=${hash}`;
  return { url: signedUrl, signature: getExpectedSignature(authToken, signedUrl) };
}

/** True when `signature` is the one Patchbay would send for this request; constant time. */
export function validateRequest(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: WebhookParams = {},
): boolean {
  if (typeof signature !== 'string' || signature === '') return false;
  const expected = Buffer.from(getExpectedSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
