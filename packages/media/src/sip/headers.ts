/**
 * SIP header storage and the structured headers the agent reads (Via, auth params). Names are
 * case-insensitive and may arrive in compact form (`v`, `i`, `m`, ...); lookups use the full
 * lowercase name. List headers (Via, Route, Contact, ...) hold one entry per comma-separated value,
 * so `getAll('via')` is the Via stack top first.
 *
 * @example
 * const h = new SipHeaders();
 * h.appendRaw('v', 'SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2');
 * h.getAll('via').length // 2
 * parseVia(h.get('via') ?? '').params.branch // 'z9hG4bK1'
 */
import { SipParseError } from './errors.js';
import { type Params, parseParams } from './uri.js';

const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  r: 'refer-to',
  b: 'referred-by',
  u: 'allow-events',
  x: 'session-expires',
};

const LIST_HEADERS = new Set([
  'via',
  'route',
  'record-route',
  'contact',
  'allow',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
  'allow-events',
]);

const DISPLAY: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
};

export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
}

function displayName(name: string): string {
  return DISPLAY[name] ?? name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** Splits on commas outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') depth++;
    else if (!quoted && c === '>') depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && c === ',') {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v !== '');
}

export class SipHeaders {
  private readonly list: Array<{ name: string; value: string }> = [];

  /** Adds a header as it appeared on the wire: compact names expanded, list values split. */
  appendRaw(name: string, value: string): void {
    const n = canonicalName(name);
    if (LIST_HEADERS.has(n) && !(n === 'contact' && value.trim() === '*'))
      for (const v of splitList(value)) this.list.push({ name: n, value: v });
    else this.list.push({ name: n, value });
  }

  /** Every header in order, by its display name (`X-Customer-Id`), one entry per value. */
  entries(): Array<readonly [string, string]> {
    return this.list.map(({ name, value }) => [displayName(name), value] as const);
  }

  append(name: string, value: string): this {
    this.list.push({ name: canonicalName(name), value });
    return this;
  }

  /** Puts `value` before the existing values of `name` (a new top Via). */
  prepend(name: string, value: string): this {
    const n = canonicalName(name);
    const i = this.list.findIndex((h) => h.name === n);
    this.list.splice(i < 0 ? this.list.length : i, 0, { name: n, value });
    return this;
  }

  set(name: string, value: string | readonly string[]): this {
    const n = canonicalName(name);
    const values = typeof value === 'string' ? [value] : value;
    const i = this.list.findIndex((h) => h.name === n);
    this.delete(n);
    const at = i < 0 ? this.list.length : Math.min(i, this.list.length);
    this.list.splice(at, 0, ...values.map((v) => ({ name: n, value: v })));
    return this;
  }

  get(name: string): string | undefined {
    const n = canonicalName(name);
    return this.list.find((h) => h.name === n)?.value;
  }

  getAll(name: string): string[] {
    const n = canonicalName(name);
    return this.list.filter((h) => h.name === n).map((h) => h.value);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  delete(name: string): this {
    const n = canonicalName(name);
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]?.name === n) this.list.splice(i, 1);
    return this;
  }

  /** Replaces the top value of `name` (the first). */
  replaceFirst(name: string, value: string): void {
    const n = canonicalName(name);
    const h = this.list.find((x) => x.name === n);
    if (h) h.value = value;
  }

  clone(): SipHeaders {
    const c = new SipHeaders();
    for (const h of this.list) c.list.push({ ...h });
    return c;
  }

  /** One `Name: value\r\n` line per value, in order. */
  toString(): string {
    let out = '';
    for (const h of this.list) out += `${displayName(h.name)}: ${h.value}\r\n`;
    return out;
  }
}

export interface Via {
  transport: string;
  host: string;
  port?: number;
  params: Params;
}

export function parseVia(value: string): Via {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(\[[0-9a-fA-F:.]+\]|[^\s;:]+)(?:\s*:\s*(\d{1,5}))?\s*(;.*)?$/.exec(
    value.trim(),
  );
  if (!m?.[1] || !m[2]) throw new SipParseError('sip-bad-header', 'bad Via', 'header Via');
  const via: Via = {
    transport: m[1].toUpperCase(),
    host: m[2].toLowerCase(),
    params: parseParams(m[4] ?? '', 'header Via'),
  };
  if (m[3] !== undefined) via.port = Number(m[3]);
  return via;
}

export function formatVia(via: Via): string {
  let out = `SIP/2.0/${via.transport} ${via.host}${via.port !== undefined ? `:${via.port}` : ''}`;
  for (const [k, v] of Object.entries(via.params)) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}

/** Parses `Digest a=b, c="d"` (RFC 7616 auth-params) into a scheme and lowercase-named params. */
export function parseAuthParams(value: string): { scheme: string; params: Record<string, string> } {
  const m = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(value);
  if (!m?.[1]) throw new SipParseError('sip-bad-header', 'bad auth header', 'header Authorization');
  const params: Record<string, string> = {};
  const re = /\s*([A-Za-z0-9\-_]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^\s,]*)\s*(,|$)/gy;
  const text = m[2] ?? '';
  let consumed = 0;
  re.lastIndex = 0;
  while (consumed < text.length) {
    const match = re.exec(text);
    if (match === null) break;
    const name = (match[1] ?? '').toLowerCase();
    params[name] = match[3] !== undefined ? match[3].replace(/\\(.)/g, '$1') : (match[2] ?? '');
    consumed = re.lastIndex;
    if (match[0] === '') break;
  }
  return { scheme: m[1], params };
}
