/**
 * patchbayHttpClient: an `httpClient` for the official `twilio` helper library (3.x to 6.x) that
 * sends its REST requests to a Patchbay server. It implements the helper's `request()` contract
 * itself, with `fetch`, so this package does not depend on the helper: the app brings its own.
 *
 * @example
 * import twilio from 'twilio';
 * import { patchbayHttpClient } from '@patchbay/sdk';
 * const client = twilio(accountSid, authToken, { httpClient: patchbayHttpClient('http://localhost:3000') });
 * await client.calls.create({ to, from, url });
 */
import { patchbayBase, patchbayUri } from './target.js';

/** What the helper passes to `httpClient.request()` (every major version since 3.x). */
export interface HelperRequest {
  /** `get`/`post`/`delete` (4.x and later) or `GET`/`POST`/`DELETE` (3.x). */
  readonly method: string;
  readonly uri: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** OAuth and other strategies of later versions: yields the `Authorization` value. */
  readonly authStrategy?: { getAuthString(): Promise<string> } | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Query parameters; arrays become repeated keys. */
  readonly params?: Readonly<Record<string, unknown>> | undefined;
  /** The body: form fields (arrays repeated), or JSON when the Content-Type says so. */
  readonly data?: unknown;
  /** Milliseconds. */
  readonly timeout?: number | undefined;
  readonly allowRedirects?: boolean | undefined;
}

/** What the helper expects back: it parses `body` itself (a string in every version). */
export interface HelperResponse {
  readonly statusCode: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

export interface PatchbayHttpClient {
  request(options: HelperRequest): Promise<HelperResponse>;
  /** The last request sent (without credentials) and its response, as the helper's own client keeps them. */
  lastRequest: { method: string; url: string; params?: unknown; data?: unknown } | undefined;
  lastResponse: HelperResponse | undefined;
}

export interface PatchbayHttpClientOptions {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** For requests that give no timeout of their own. @default 30000 */
  readonly timeoutMs?: number;
}

/** Headers fetch sets itself, or that describe a connection rather than the request. */
const DROPPED = new Set(['connection', 'keep-alive', 'host', 'content-length', 'transfer-encoding']);

function appendAll(target: URLSearchParams, values: Readonly<Record<string, unknown>>): URLSearchParams {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined) continue;
      target.append(key, item === null ? '' : item instanceof Date ? item.toISOString() : String(item));
    }
  }
  return target;
}

function contentType(headers: Readonly<Record<string, string>>): string {
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type');
  return entry?.[1] ?? '';
}

/**
 * An `httpClient` for `twilio(sid, token, { httpClient })` that talks to the Patchbay server at
 * `url` (a PatchbayUrlError at once when it is not an http(s) URL).
 *
 * Its static type is the one its place expects (the helper's `RequestClient` in the options of
 * `twilio()`), so TypeScript apps need no cast: every helper version calls only `request()`.
 */
export function patchbayHttpClient<Client = PatchbayHttpClient>(
  url: string,
  options: PatchbayHttpClientOptions = {},
): Client {
  const base = patchbayBase(url);
  const send = options.fetch ?? globalThis.fetch;
  const client: PatchbayHttpClient = {
    lastRequest: undefined,
    lastResponse: undefined,
    async request(request) {
      const target = new URL(patchbayUri(base, request.uri));
      if (request.params) appendAll(target.searchParams, request.params);
      const method = request.method.toUpperCase();
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers ?? {})) {
        if (!DROPPED.has(name.toLowerCase())) headers[name] = value;
      }
      if (request.username && request.password) {
        headers.Authorization = `Basic ${Buffer.from(`${request.username}:${request.password}`).toString('base64')}`;
      } else if (request.authStrategy) {
        headers.Authorization = await request.authStrategy.getAuthString();
      }
      let body: string | undefined;
      if (request.data !== undefined && request.data !== null && method !== 'GET') {
        if (typeof request.data === 'string') body = request.data;
        else if (contentType(headers).startsWith('application/json')) body = JSON.stringify(request.data);
        else {
          body = appendAll(new URLSearchParams(), request.data as Record<string, unknown>).toString();
          if (!contentType(headers)) headers['Content-Type'] = 'application/x-www-form-urlencoded';
        }
      }
      client.lastRequest = { method, url: target.href, params: request.params, data: request.data };
      client.lastResponse = undefined;
      const response = await send(target, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: request.allowRedirects ? 'follow' : 'manual',
        signal: AbortSignal.timeout(request.timeout ?? options.timeoutMs ?? 30_000),
      });
      const answer: HelperResponse = {
        statusCode: response.status,
        body: await response.text(),
        headers: Object.fromEntries(response.headers),
      };
      client.lastResponse = answer;
      return answer;
    },
  };
  return client as Client;
}
