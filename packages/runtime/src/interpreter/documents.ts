/**
 * Getting the next document: fetch the URL, turn the response into a typed document by its
 * content type (markup is parsed, `audio/*` is played, `text/plain` is spoken), and on any
 * failure request the fallback URL with ErrorCode and ErrorUrl.
 */
import { type MarkupIssue, parseVoice, type VoiceDocument, VoiceResponse } from '@patchbay/markup';
import type { WebhookParams } from '@patchbay/sdk';
import type { Clock } from '../clock/clock.js';
import { PatchbayError } from '../errors.js';
import type { CookieJar } from '../webhooks/cookies.js';
import type { Egress } from '../webhooks/egress.js';
import { sendWebhook, type WebhookResult } from '../webhooks/fetch.js';
import { askLocal, type LocalApps } from './local-apps.js';
import type { WebhookExchange } from './types.js';

export type Loaded =
  | { ok: true; document: VoiceDocument; url: string }
  | { ok: false; error: PatchbayError; url: string };

export interface LoadRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly params: WebhookParams;
  readonly fallback?: { readonly url: string; readonly method: 'GET' | 'POST' } | undefined;
  readonly authToken: string;
  readonly cookies: CookieJar;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Where documents may be fetched from. @default DEFAULT_EGRESS */
  readonly egress?: Egress | undefined;
  /** Each failure, primary and fallback, as it happens. */
  readonly onError: (error: PatchbayError, url: string) => void;
  readonly onWarning: (issue: MarkupIssue, url: string) => void;
  /** Each request made and what it got (for the call's Events). */
  readonly onExchange?: ((exchange: WebhookExchange) => void) | undefined;
  /** In-process apps (reserved `.invalid` origins) and the account of the call asking them. */
  readonly local?: { readonly apps: LocalApps; readonly accountSid: string } | undefined;
}

/** Content types answered with markup (voice or messaging documents). */
export const MARKUP_TYPES: ReadonlySet<string> = new Set(['text/xml', 'application/xml', 'text/html']);

/** `url` against the document it came from, as a browser would; left as is when it cannot be. */
export function resolveUrl(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

/** The 12100 error for a document that did not parse, naming its first issue. */
export function parseFailure(url: string, errors: readonly MarkupIssue[]): PatchbayError {
  const [first] = errors;
  const detail = first
    ? `${first.code} at ${first.path || 'the document'} (line ${first.line}): ${first.message}`
    : 'invalid markup';
  return new PatchbayError('document-parse-failure', `the document at ${url} is invalid: ${detail}`);
}

/** A typed document from what the builder writes (so defaults are applied as for any other). */
function documentOf(build: (response: VoiceResponse) => void): VoiceDocument {
  const response = new VoiceResponse();
  build(response);
  const result = parseVoice(response.toString());
  if (!result.ok) throw new Error('built documents are valid');
  return result.document;
}

async function fetchAndParse(
  request: LoadRequest,
  url: string,
  method: 'GET' | 'POST',
  params: WebhookParams,
): Promise<Loaded> {
  const at = request.clock.now();
  const began = performance.now();
  const local = request.local?.apps.find(url);
  const response = local
    ? await askLocal(local, { url, method, params, accountSid: request.local?.accountSid ?? '' })
    : await sendWebhook({
        url,
        method,
        params,
        authToken: request.authToken,
        cookies: request.cookies,
        clock: request.clock,
        signal: request.signal,
        egress: request.egress,
      });
  request.onExchange?.(exchangeOf({ url, method, params, at, durationMs: performance.now() - began }, response));
  if (!response.ok) return response;
  const { contentType, body } = response;
  if (MARKUP_TYPES.has(contentType)) {
    const parsed = parseVoice(body);
    if (!parsed.ok) return { ok: false, error: parseFailure(response.url, parsed.errors), url };
    for (const warning of parsed.warnings) request.onWarning(warning, response.url);
    return { ok: true, document: parsed.document, url: response.url };
  }
  if (contentType.startsWith('audio/'))
    return { ok: true, document: documentOf((r) => r.play(response.url)), url: response.url };
  if (contentType === 'text/plain') return { ok: true, document: documentOf((r) => r.say(body)), url: response.url };
  const error = new PatchbayError(
    'invalid-content-type',
    `the response from ${response.url} has content type "${contentType}"`,
  );
  return { ok: false, error, url };
}

function exchangeOf(request: Omit<WebhookExchange, 'response' | 'error'>, result: WebhookResult): WebhookExchange {
  if (result.ok) {
    const { status, contentType, headers, body } = result;
    return { ...request, response: { status, contentType, headers, body } };
  }
  const error = { code: result.error.numericCode, message: result.error.message };
  if (!result.answer) return { ...request, error };
  const { status, headers, body } = result.answer;
  const contentType = headers['content-type']?.split(';')[0]?.trim() ?? '';
  return { ...request, error, response: { status, contentType, headers, body } };
}

export async function loadDocument(request: LoadRequest): Promise<Loaded> {
  const primary = await fetchAndParse(request, request.url, request.method, request.params);
  if (primary.ok || request.signal.aborted) return primary;
  request.onError(primary.error, request.url);
  if (!request.fallback) return primary;
  const params = { ...request.params, ErrorCode: String(primary.error.numericCode), ErrorUrl: request.url };
  const fallback = await fetchAndParse(request, request.fallback.url, request.fallback.method, params);
  if (!fallback.ok && !request.signal.aborted) request.onError(fallback.error, request.fallback.url);
  return fallback;
}
