/**
 * One signed webhook request over undici, with the hosted API's failure behaviour: connect
 * timeout 5 s, read and total timeout 15 s, one retry, per-URL overrides in the fragment
 * (`#ct=ms&rt=ms&tt=ms&rc=count`, never sent), 301/302/303/307/308 followed (re-signed), cookies
 * kept in the call's jar, and the body capped at 64 KiB. Every URL, redirects included, and every
 * address connected to passes the egress policy (egress.ts) first.
 *
 * @example
 * const result = await sendWebhook({ url, method: 'POST', params, authToken, cookies, clock });
 * if (result.ok) result.body;
 */
import { getExpectedSignature, SIGNATURE_HEADER, type WebhookParams } from '@patchbay/sdk';
import { request, errors as undiciErrors } from 'undici';
import { type Clock, holding } from '../clock/clock.js';
import { PatchbayError } from '../errors.js';
import type { CookieJar } from './cookies.js';
import { DEFAULT_EGRESS, EGRESS_REFUSED, type Egress } from './egress.js';

export interface WebhookRequest {
  /** Absolute http(s) URL as configured, fragment overrides included. */
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly params: WebhookParams;
  /** The account's auth token: the signing key. */
  readonly authToken: string;
  readonly cookies?: CookieJar;
  readonly clock: Clock;
  /** Aborts the request (the call was interrupted or ended). */
  readonly signal?: AbortSignal;
  /** Largest body accepted, in bytes. @default 65536 */
  readonly maxBytes?: number;
  /** Extra request headers (an idempotency token). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Where requests may go. @default DEFAULT_EGRESS (allow-private) */
  readonly egress?: Egress | undefined;
}

/** What the server answered: headers, and (for a failure) the start of its body. */
export interface WebhookAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type WebhookResult =
  | { ok: true; status: number; contentType: string; body: string; url: string; headers: Record<string, string> }
  | { ok: false; error: PatchbayError; url: string; answer?: WebhookAnswer };

/** Bytes of a failed answer's body kept for the call's Events and Notifications. */
const FAILED_BODY_BYTES = 4096;

export interface Limits {
  /** Connect timeout. @default 5000 */
  connectMs: number;
  /** Time to wait for headers, and between body chunks. @default 15000 */
  readMs: number;
  /** Whole request, retries excluded. @default 15000 */
  totalMs: number;
  /** Retries after a connection failure, a timeout or a 5xx. @default 1 */
  retries: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = { connectMs: 5000, readMs: 15000, totalMs: 15000, retries: 1 };
const MAX_REDIRECTS = 5;
const USER_AGENT = 'Patchbay/0.1';

const OVERRIDES = {
  ct: { key: 'connectMs', min: 100, max: 10000 },
  rt: { key: 'readMs', min: 100, max: 15000 },
  tt: { key: 'totalMs', min: 100, max: 15000 },
  rc: { key: 'retries', min: 0, max: 5 },
} as const;

/** Splits `#ct=..&rt=..&tt=..&rc=..` off a URL; values out of range keep the default. */
export function parseOverrides(url: URL): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of new URLSearchParams(url.hash.slice(1))) {
    const rule = OVERRIDES[name as keyof typeof OVERRIDES];
    const number = Number(value);
    if (rule && /^\d+$/.test(value) && number >= rule.min && number <= rule.max) limits[rule.key] = number;
  }
  return limits;
}

/** Sends the request, following redirects and retrying as the limits say. Never throws. */
export async function sendWebhook(req: WebhookRequest): Promise<WebhookResult> {
  let target: URL;
  try {
    target = new URL(req.url);
  } catch {
    return fail('invalid-url', `"${req.url}" is not a valid URL`, req.url);
  }
  const egress = req.egress ?? DEFAULT_EGRESS;
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return fail('invalid-url', `"${req.url}" is not an http(s) URL`, req.url);
  }
  const limits = parseOverrides(target);
  target.hash = '';
  let method = req.method;
  for (let redirects = 0; ; redirects++) {
    // Checked at each hop: a redirect may lead anywhere.
    const refused = egress.refuseUrl(target);
    if (refused)
      return fail(target.protocol.startsWith('http') ? 'egress-refused' : 'invalid-url', refused, target.href);
    let outcome = await holding(req.clock, () => attemptOnce(req, target, method, limits));
    for (let retry = 0; retry < limits.retries && outcome.kind === 'failed' && outcome.retry; retry++) {
      if (req.signal?.aborted) break;
      outcome = await holding(req.clock, () => attemptOnce(req, target, method, limits));
    }
    if (outcome.kind !== 'redirect') return outcome.result;
    if (redirects === MAX_REDIRECTS) {
      return fail('too-many-redirects', `more than ${MAX_REDIRECTS} redirects`, target.href);
    }
    target = outcome.url;
    if (outcome.asGet) method = 'GET';
  }
}

type Attempt =
  | { kind: 'done'; result: WebhookResult }
  | { kind: 'failed'; result: WebhookResult; retry: boolean }
  | { kind: 'redirect'; url: URL; asGet: boolean };

async function attemptOnce(req: WebhookRequest, target: URL, method: 'GET' | 'POST', limits: Limits): Promise<Attempt> {
  const url = new URL(target);
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    accept: 'text/xml, application/xml, text/html, text/plain, audio/*',
  };
  let body: string | undefined;
  if (method === 'GET') {
    for (const [key, value] of Object.entries(req.params)) {
      for (const item of typeof value === 'string' ? [value] : value) url.searchParams.append(key, item);
    }
    headers[SIGNATURE_HEADER.toLowerCase()] = getExpectedSignature(req.authToken, url.href);
  } else {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(req.params)) {
      for (const item of typeof value === 'string' ? [value] : value) form.append(key, item);
    }
    body = form.toString();
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    headers[SIGNATURE_HEADER.toLowerCase()] = getExpectedSignature(req.authToken, url.href, req.params);
  }
  for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value;
  const cookie = req.cookies?.header(url);
  if (cookie) headers.cookie = cookie;

  const timeout = AbortSignal.timeout(limits.totalMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  try {
    const response = await request(url, {
      method,
      headers,
      body: body ?? null,
      signal,
      dispatcher: (req.egress ?? DEFAULT_EGRESS).dispatcher(limits.connectMs),
      headersTimeout: limits.readMs,
      bodyTimeout: limits.readMs,
    });
    req.cookies?.store(url, response.headers['set-cookie']);
    const { statusCode } = response;
    const location = response.headers.location;
    if ([301, 302, 303, 307, 308].includes(statusCode) && typeof location === 'string') {
      await response.body.dump();
      // 307 and 308 repeat the request as it was; the others continue with GET, as browsers do.
      const asGet = statusCode !== 307 && statusCode !== 308;
      return { kind: 'redirect', url: new URL(location, url), asGet };
    }
    const answered = flatHeaders(response.headers);
    if (statusCode < 200 || statusCode >= 300) {
      const body = await readCapped(response.body, FAILED_BODY_BYTES, true);
      const failed = fail('http-retrieval-failure', `the server answered HTTP ${statusCode}`, url.href);
      const result = { ...failed, answer: { status: statusCode, headers: answered, body: body ?? '' } };
      return { kind: 'failed', result, retry: statusCode >= 500 };
    }
    const text = await readCapped(response.body, req.maxBytes ?? 65536);
    if (text === undefined) {
      const failed = fail('response-too-large', `the response is larger than ${req.maxBytes ?? 65536} bytes`, url.href);
      const result = { ...failed, answer: { status: statusCode, headers: answered, body: '' } };
      return { kind: 'failed', result, retry: false };
    }
    const contentType =
      String(response.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase() ?? '';
    return {
      kind: 'done',
      result: { ok: true, status: statusCode, contentType, body: text, url: target.href, headers: answered },
    };
  } catch (error) {
    if (req.signal?.aborted) {
      return {
        kind: 'failed',
        result: fail('http-retrieval-failure', 'the call ended during the request', url.href, error),
        retry: false,
      };
    }
    const result = classify(error, url.href, timeout.aborted);
    return { kind: 'failed', result, retry: result.ok || result.error.code !== 'egress-refused' };
  }
}

/** The body as text, or undefined past `maxBytes` (with `truncate`, its first `maxBytes` instead). */
async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): void },
  maxBytes: number,
  truncate = false,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      if (!truncate) return undefined;
      chunks.push(chunk.subarray(0, chunk.length - (size - maxBytes)));
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function classify(error: unknown, url: string, timedOut: boolean): WebhookResult {
  if (timedOut) return fail('http-retrieval-failure', 'the request took longer than its total timeout', url, error);
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return fail('http-retrieval-failure', 'the server did not answer within the read timeout', url, error);
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return fail('connection-failure', 'the connection timed out', url, error);
  }
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (code === EGRESS_REFUSED) {
    const reason = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    return fail('egress-refused', `refused by the egress policy: ${reason}`, url, error);
  }
  return fail('connection-failure', `the connection failed${code ? ` (${code})` : ''}`, url, error);
}

function fail(
  code: ConstructorParameters<typeof PatchbayError>[0],
  message: string,
  url: string,
  cause?: unknown,
): WebhookResult {
  return { ok: false, error: new PatchbayError(code, `${message}: ${url}`, { cause }), url };
}
