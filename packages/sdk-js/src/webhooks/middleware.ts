/**
 * Webhook validation as middleware for node:http and Express-style handlers: reconstructs the URL
 * Patchbay signed, reads the form (or takes `req.body` when a body parser ran first), checks
 * `X-Twilio-Signature` in constant time, and answers 403 on a mismatch without calling `next`.
 * JSON bodies are checked through their `bodySHA256` query parameter. During a token rotation,
 * pass both tokens.
 *
 * @example
 * const guard = webhook({ authToken: process.env.PATCHBAY_AUTH_TOKEN });
 * createServer((req, res) => guard(req, res, () => answer(req, res)));
 * // Express: app.post('/voice', webhook({ authToken }), (req, res) => ...)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateRequest, type WebhookParams } from './signature.js';

export interface WebhookOptions {
  /** The account's auth token; several during a rotation (primary and secondary). */
  readonly authToken: string | readonly string[];
  /**
   * The URL Patchbay requested, when it is not what this server sees (a path prefix stripped by a
   * proxy, say). @default protocol + Host + the request path
   */
  readonly url?: (req: IncomingMessage) => string;
  /** Believe X-Forwarded-Proto and X-Forwarded-Host (behind a proxy you run). @default false */
  readonly trustProxy?: boolean;
  /** Largest body read. @default 1048576 */
  readonly maxBodyBytes?: number;
}

type Next = (error?: unknown) => void;
type WithBody = IncomingMessage & { body?: unknown; originalUrl?: string };

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The URL as Patchbay signed it. */
export function requestUrl(req: IncomingMessage & { originalUrl?: string }, trustProxy = false): string {
  const forwardedProto = trustProxy ? header(req, 'x-forwarded-proto')?.split(',')[0]?.trim() : undefined;
  const forwardedHost = trustProxy ? header(req, 'x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const protocol = forwardedProto ?? (encrypted ? 'https' : 'http');
  return `${protocol}://${forwardedHost ?? header(req, 'host') ?? 'localhost'}${req.originalUrl ?? req.url ?? '/'}`;
}

/** The same URL with and without the scheme's default port: proxies add or drop it. */
function urlVariants(url: string): string[] {
  const parsed = new URL(url);
  const port = parsed.protocol === 'https:' ? '443' : '80';
  const withPort = new URL(url);
  withPort.port = port;
  const withoutPort = new URL(url);
  withoutPort.port = '';
  // URL drops default ports when serialising: splice the port in by hand.
  const explicit = withoutPort.toString().replace(withoutPort.host, `${withoutPort.hostname}:${port}`);
  return [...new Set([url, withPort.toString(), withoutPort.toString(), explicit])];
}

function formParams(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const existing = params[key];
    params[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return params;
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RangeError(`webhook body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Whether a request with this body carries a valid signature for one of the tokens. */
export function isValidWebhook(
  req: IncomingMessage,
  body: { readonly raw?: string; readonly params?: WebhookParams },
  options: WebhookOptions,
): boolean {
  const signature = header(req, 'x-twilio-signature');
  const tokens = typeof options.authToken === 'string' ? [options.authToken] : options.authToken;
  const url = options.url?.(req) ?? requestUrl(req, options.trustProxy);
  const bodyHash = new URL(url).searchParams.get('bodySHA256');
  const isJson = header(req, 'content-type')?.includes('json') === true;
  if (bodyHash !== null || isJson) {
    if (bodyHash === null || body.raw === undefined) return false;
    const actual = createHash('sha256').update(body.raw, 'utf8').digest('hex');
    if (!sameHex(actual, bodyHash)) return false;
  }
  const params = bodyHash !== null || req.method === 'GET' ? {} : (body.params ?? {});
  let valid = false;
  // Every combination is checked, so timing does not tell which one matched.
  for (const token of tokens)
    for (const candidate of urlVariants(url)) valid = validateRequest(token, signature, candidate, params) || valid;
  return valid;
}

/** Middleware: `next()` for a valid Patchbay webhook, 403 otherwise. Sets `req.body` to the form parameters. */
export function webhook(options: WebhookOptions) {
  if (!options?.authToken || options.authToken.length === 0) throw new TypeError('webhook() needs the authToken');
  return (req: WithBody, res: ServerResponse, next: Next): void => {
    const parsed = req.body !== undefined && typeof req.body === 'object' && req.body !== null;
    const body: Promise<{ raw?: string; params?: WebhookParams }> = parsed
      ? Promise.resolve({ params: req.body as WebhookParams })
      : readBody(req, options.maxBodyBytes ?? 1024 * 1024).then((raw) => ({
          raw,
          params: header(req, 'content-type')?.includes('json') ? {} : formParams(raw),
        }));
    body.then(
      (read) => {
        if (!isValidWebhook(req, read, options)) {
          res.writeHead(403, { 'content-type': 'text/plain' });
          res.end('Invalid X-Twilio-Signature');
          return;
        }
        if (!parsed) req.body = read.params;
        next();
      },
      (error: unknown) => {
        res.writeHead(error instanceof RangeError ? 413 : 400, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : 'bad request');
      },
    );
  };
}
