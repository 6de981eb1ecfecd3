/**
 * Where the official helper library's requests go instead of the hosted API: its REST hosts
 * (`api.twilio.com`, `accounts.twilio.com`, and their edge/region forms such as
 * `api.sydney.au1.twilio.com`), and the voice host's `/v1/ByocTrunks` and `/v1/ConnectionPolicies`,
 * become the Patchbay server's URL, path and query kept. Any other
 * host is refused before a byte is sent, so credentials meant for Patchbay never leave for the
 * Internet.
 *
 * @example
 * const base = patchbayBase('http://localhost:3000');
 * patchbayUri(base, 'https://api.twilio.com/2010-04-01/Accounts.json'); // 'http://localhost:3000/2010-04-01/Accounts.json'
 */

/** Why a helper request cannot go to Patchbay. */
export type PatchbayUrlErrorCode = 'missing-url' | 'invalid-url' | 'unserved-host';

/** A Patchbay URL that is missing or not http(s), or a request for a host Patchbay does not serve. */
export class PatchbayUrlError extends Error {
  override readonly name = 'PatchbayUrlError';
  constructor(
    readonly code: PatchbayUrlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Hosts of the hosted API that Patchbay serves: `<product>[.<edge>][.<region>].twilio.com` with
 * these products (the 2010-04-01 API, and auth-token rotation under `accounts`).
 */
const SERVED_HOST = /^(?:api|accounts)(?:\.[a-z0-9-]+){0,2}\.twilio\.com$/i;

/** Of the voice host, the v1 resources Patchbay serves: trunks to carriers (BYOC trunks, connection policies). */
const VOICE_HOST = /^voice(?:\.[a-z0-9-]+){0,2}\.twilio\.com$/i;
const SERVED_VOICE_PATH = /^\/v1\/(?:ByocTrunks|ConnectionPolicies)(?:\/|$)/;

const served = (target: URL) =>
  SERVED_HOST.test(target.hostname) || (VOICE_HOST.test(target.hostname) && SERVED_VOICE_PATH.test(target.pathname));

/** The server URL, checked: an absolute http(s) URL (a path prefix, for a proxy, is kept). */
export function patchbayBase(url: string | undefined, name = 'the Patchbay URL'): URL {
  if (url === undefined || url.trim() === '') {
    throw new PatchbayUrlError('missing-url', `${name} is not set: give the server's http(s) URL`);
  }
  // `localhost:3000` parses as a URL with the scheme `localhost:`: a host and port alone is
  // the usual slip, so say how to write it, as the CLI does.
  if (/^[\w.-]+(:\d+)?(\/|$)/.test(url)) {
    throw new PatchbayUrlError('invalid-url', `${name} "${url}" has no scheme: write it as http://${url}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PatchbayUrlError('invalid-url', `${name} "${url}" is not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new PatchbayUrlError('invalid-url', `${name} "${url}" is not an http(s) URL`);
  }
  parsed.hash = '';
  parsed.search = '';
  return parsed;
}

/** The URL a helper request for `uri` goes to on the server at `base`. */
export function patchbayUri(base: URL, uri: string): string {
  const target = new URL(uri);
  const prefix = base.href.replace(/\/$/, '');
  // Already on the server (an absolute next-page URL the server wrote): unchanged.
  if (target.origin === base.origin && `${target.href}/`.startsWith(`${prefix}/`)) return target.href;
  if (target.protocol !== 'https:' || !served(target)) {
    throw new PatchbayUrlError(
      'unserved-host',
      `Patchbay serves the helper's api and accounts hosts (and voice v1 trunks); ${target.origin} is not sent to (request for ${target.pathname})`,
    );
  }
  return `${prefix}${target.pathname}${target.search}`;
}
