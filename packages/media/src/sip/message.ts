/**
 * SIP messages (RFC 3261 §7): parsing bytes into typed requests and responses and writing them
 * back. Compact header names are expanded, folded lines joined, comma-separated list headers split
 * into one value each, and Content-Length checked. Any input either parses or throws
 * `SipParseError`, never anything else, so a bad datagram cannot crash the agent.
 *
 * @example
 * const msg = parseMessage(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\n...'));
 * if (msg.kind === 'request') msg.headers.get('via');
 * serialize(msg); // Buffer with Content-Length set
 */
import { SipParseError } from './errors.js';
import { SipHeaders } from './headers.js';

export { SipHeaders } from './headers.js';

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: SipHeaders;
  body: string;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: SipHeaders;
  body: string;
}

export type SipMessage = SipRequest | SipResponse;

/** Headers every request needs (RFC 3261 §8.1.1); a response needs all but Max-Forwards. */
const REQUIRED = ['via', 'from', 'to', 'call-id', 'cseq'] as const;
const MAX_HEADERS = 200;
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

/** Where the header section ends: index of the blank line and the length of the separator. */
export function findHeaderEnd(buf: Buffer, from = 0): { end: number; sep: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n', from);
  const lf = buf.indexOf('\n\n', from);
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { end: crlf, sep: 4 };
  if (lf >= 0) return { end: lf, sep: 2 };
  return undefined;
}

/**
 * Parses one whole message (a datagram, or one framed by `StreamFramer`): the body is what follows
 * the headers, cut to Content-Length; a Content-Length longer than the body is an error. Over
 * `maxBytes` the error carries the request as far as parsed, so it can be answered 513.
 */
export function parseMessage(buf: Buffer, options: { maxBytes?: number } = {}): SipMessage {
  const max = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  // A datagram is at most 64 KiB, so an oversize one is still parsed far enough to answer 513.
  if (buf.length > Math.max(max, 65_536))
    throw new SipParseError('sip-too-large', `message of ${buf.length} bytes`, 'message');
  // Keep-alives (CRLF) and leading blank lines are allowed before the start line (§7.5).
  let start = 0;
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  const headerEnd = findHeaderEnd(buf, start);
  const head = buf.toString('utf8', start, headerEnd ? headerEnd.end : buf.length);
  const bodyBytes = headerEnd ? buf.subarray(headerEnd.end + headerEnd.sep) : Buffer.alloc(0);
  const lines = unfold(head.split(/\r?\n/));
  const startLine = lines.shift() ?? '';
  const headers = new SipHeaders();
  let message: SipMessage;
  const req = /^([A-Za-z0-9\-.!%*_+`'~]+) (\S+) SIP\/2\.0$/.exec(startLine);
  const res = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(startLine);
  if (req?.[1] && req[2]) message = { kind: 'request', method: req[1].toUpperCase(), uri: req[2], headers, body: '' };
  else if (res?.[1]) {
    const status = Number(res[1]);
    if (status < 100 || status > 699) throw new SipParseError('sip-bad-start-line', `status ${status}`, 'start line');
    message = { kind: 'response', status, reason: res[2] ?? '', headers, body: '' };
  } else
    throw new SipParseError(
      'sip-bad-start-line',
      `bad start line ${JSON.stringify(startLine.slice(0, 80))}`,
      'start line',
    );

  if (lines.length > MAX_HEADERS) throw new SipParseError('sip-bad-header', `${lines.length} header lines`, 'headers');
  let badHeader: string | undefined;
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!TOKEN.test(name)) {
      badHeader ??= line.slice(0, 40);
      continue;
    }
    headers.appendRaw(name, line.slice(colon + 1).trim());
  }
  const partial = message.kind === 'request' ? message : undefined;
  const answerable = REQUIRED.every((h) => headers.has(h)) ? partial : undefined;
  if (badHeader !== undefined)
    throw new SipParseError('sip-bad-header', `bad header line ${JSON.stringify(badHeader)}`, 'headers', answerable);
  for (const h of REQUIRED)
    if (!headers.has(h)) throw new SipParseError('sip-missing-header', `missing ${h}`, `header ${h}`, answerable);
  const cseq = /^(\d{1,10})\s+(\S+)$/.exec(headers.get('cseq') ?? '');
  if (!cseq?.[2] || Number(cseq[1]) > 2 ** 31 - 1)
    throw new SipParseError('sip-bad-header', 'bad CSeq', 'header CSeq', answerable);
  if (message.kind === 'request' && cseq[2].toUpperCase() !== message.method && message.method !== 'ACK')
    throw new SipParseError('sip-bad-header', 'CSeq method differs from request method', 'header CSeq', answerable);

  if (buf.length > max)
    throw new SipParseError('sip-too-large', `message of ${buf.length} bytes`, 'message', answerable);
  const cl = headers.get('content-length');
  let length = bodyBytes.length;
  if (cl !== undefined) {
    if (!/^\d{1,9}$/.test(cl))
      throw new SipParseError(
        'sip-bad-content-length',
        `Content-Length ${JSON.stringify(cl)}`,
        'header Content-Length',
        answerable,
      );
    length = Number(cl);
    if (length > bodyBytes.length)
      throw new SipParseError(
        'sip-bad-content-length',
        `Content-Length ${length} but ${bodyBytes.length} bytes of body`,
        'body',
        answerable,
      );
  }
  message.body = bodyBytes.toString('utf8', 0, length);
  return message;
}

/** Joins continuation lines (starting with space or tab) to the header line before (§7.3.1). */
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 1) out[out.length - 1] += ` ${line.trim()}`;
    else if (line !== '') out.push(line);
  }
  return out;
}

/** Writes a message; Content-Length is always set from the body's byte length. */
export function serialize(message: SipMessage): Buffer {
  const body = Buffer.from(message.body, 'utf8');
  message.headers.set('content-length', String(body.length));
  const start =
    message.kind === 'request'
      ? `${message.method} ${message.uri} SIP/2.0`
      : `SIP/2.0 ${message.status} ${message.reason}`;
  const head = `${start}\r\n${message.headers.toString()}\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), body]);
}

/** Default reason phrases for the statuses the agent sends. */
export const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  183: 'Session Progress',
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  415: 'Unsupported Media Type',
  420: 'Bad Extension',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  513: 'Message Too Large',
  600: 'Busy Everywhere',
  603: 'Decline',
};

/**
 * A response to `request` (§8.2.6): Via, From, To, Call-ID and CSeq copied; `toTag` added to To
 * when the request's To has none.
 */
export function buildResponse(request: SipRequest, status: number, reason?: string, toTag?: string): SipResponse {
  const headers = new SipHeaders();
  for (const v of request.headers.getAll('via')) headers.append('via', v);
  let to = request.headers.get('to') ?? '';
  if (toTag !== undefined && status > 100 && !/;\s*tag=/i.test(to)) to += `;tag=${toTag}`;
  headers.set('from', request.headers.get('from') ?? '');
  headers.set('to', to);
  headers.set('call-id', request.headers.get('call-id') ?? '');
  headers.set('cseq', request.headers.get('cseq') ?? '');
  if (status === 100 && request.headers.has('timestamp'))
    headers.set('timestamp', request.headers.get('timestamp') ?? '');
  return { kind: 'response', status, reason: reason ?? REASONS[status] ?? 'Unknown', headers, body: '' };
}

/** The CSeq number and method of a message (validated by the parser). */
export function cseqOf(message: SipMessage): { seq: number; method: string } {
  const [seq = '0', method = ''] = (message.headers.get('cseq') ?? '').trim().split(/\s+/);
  return { seq: Number(seq), method: method.toUpperCase() };
}
