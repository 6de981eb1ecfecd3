/**
 * HTTP plumbing of the REST API: bounded form bodies (repeated keys become lists), JSON
 * responses, and errors in the shape the helper libraries turn into RestException
 * (`{ code, message, more_info, status }`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DocumentedCode, moreInfoUrl } from '../error-codes/index.js';
import { urlRefusal } from '../webhooks/egress.js';

/** An error answered to the client: HTTP status and the compatible numeric code (documented, so `more_info` leads somewhere). */
export class RestError extends Error {
  override readonly name = 'RestError';

  constructor(
    readonly status: number,
    readonly code: DocumentedCode,
    message: string,
    /** Headers the answer carries (`Retry-After` on a 429). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new RestError(404, 20404, `The requested resource ${what} was not found`);
export const invalid = (code: DocumentedCode, parameter: string, message: string) =>
  new RestError(400, code, `${parameter}: ${message}`);

export type Form = Record<string, string | string[]>;

/**
 * The request's URL, or undefined when its target does not parse (`GET http://[ HTTP/1.1`):
 * `new URL` would throw inside the request handler, where nothing catches it.
 */
export function requestUrl(req: IncomingMessage): URL | undefined {
  const target = req.url ?? '/';
  return URL.canParse(target, 'http://localhost') ? new URL(target, 'http://localhost') : undefined;
}

/** Reads an `application/x-www-form-urlencoded` body of at most `maxBytes`. */
/** A request body of at most `maxBytes` (declared or sent); `tooLarge` makes the error thrown past it. */
export async function readBody(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readForm(req: IncomingMessage, maxBytes: number): Promise<Form> {
  const body = await readBody(
    req,
    maxBytes,
    () => new RestError(413, 20413, `The request body is larger than ${maxBytes} bytes`),
  );
  const type = String(req.headers['content-type'] ?? '');
  if (body.length > 0 && !type.startsWith('application/x-www-form-urlencoded')) {
    throw new RestError(415, 20415, 'Send parameters as application/x-www-form-urlencoded');
  }
  const form: Form = {};
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
    const existing = form[key];
    form[key] = existing === undefined ? value : [...(typeof existing === 'string' ? [existing] : existing), value];
  }
  return form;
}

/** One value of a form field (the first when repeated). */
export function field(form: Form, name: string): string | undefined {
  const value = form[name];
  return typeof value === 'string' ? value : value?.[0];
}

/** Every value of a repeated form field. */
export function fields(form: Form, name: string): string[] {
  const value = form[name];
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** The error as JSON; `more_info` is its entry in the reference the server at `base` serves. */
export function sendError(
  res: ServerResponse,
  error: RestError,
  base: string,
  headers: Record<string, string> = {},
): void {
  headers = { ...error.headers, ...headers };
  sendJson(
    res,
    error.status,
    { code: error.code, message: error.message, more_info: moreInfoUrl(base, error.code), status: error.status },
    headers,
  );
}

/** RFC 2822 dates, as the 2010-04-01 API writes them. */
export function apiDate(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** A GET/POST method field, checked (21200 otherwise). */
export function httpMethod(form: Form, name: string): 'GET' | 'POST' | undefined {
  const value = field(form, name);
  if (value === undefined) return undefined;
  const upper = value.toUpperCase();
  if (upper !== 'GET' && upper !== 'POST') throw invalid(21200, name, `must be GET or POST, not "${value}"`);
  return upper as 'GET' | 'POST';
}

/**
 * An absolute http(s) URL field, checked (`code` otherwise), that may never lead to a link-local
 * or cloud metadata address (private ones are the egress policy's to refuse, when fetched).
 */
export function absoluteUrl(form: Form, name: string, code: DocumentedCode): string | undefined {
  const value = field(form, name);
  if (value === undefined) return undefined;
  const problem = urlRefusal(value);
  if (problem) throw invalid(code, name, problem);
  return value;
}

/** A `true`/`false` form field (21200 otherwise). */
export function bool(form: Form, name: string): boolean | undefined {
  const value = field(form, name);
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  throw invalid(21200, name, `must be true or false, not "${value}"`);
}
