/**
 * How long a fetched prompt may be replayed without asking the server again (RFC 9111, as a
 * private cache): `no-store` keeps nothing, `no-cache` keeps it but revalidates every time,
 * `max-age` (else `Expires`, else a tenth of the time since `Last-Modified`, at most a day) gives
 * its freshness. A stale entry with an `ETag` or `Last-Modified` is revalidated with a
 * conditional request; one without either is simply fetched again.
 *
 * @example
 * const policy = cachePolicy(response.headers, clock());
 * if (policy.store) cache.set(url, { audio, ...policy });
 */
const HEURISTIC_FRACTION = 0.1;
const HEURISTIC_MAX_MS = 24 * 3600 * 1000;

export interface CachePolicy {
  /** Whether to keep the audio at all. */
  readonly store: boolean;
  /** Until when (ms since the epoch) it may be replayed without asking the server. */
  readonly freshUntil: number;
  readonly etag?: string;
  readonly lastModified?: string;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function directives(cacheControl: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (cacheControl ?? '').split(',')) {
    const [name = '', value = ''] = part.split('=', 2).map((text) => text.trim());
    if (name) out.set(name.toLowerCase(), value.replace(/^"|"$/g, ''));
  }
  return out;
}

function freshnessMs(headers: Headers, control: Map<string, string>, now: number): number {
  if (control.has('no-cache')) return 0;
  const maxAge = control.get('max-age');
  if (maxAge !== undefined) return /^\d+$/.test(maxAge) ? Number(maxAge) * 1000 : 0;
  const date = Date.parse(header(headers, 'date') ?? '');
  const served = Number.isNaN(date) ? now : date;
  const expires = header(headers, 'expires');
  if (expires !== undefined) {
    const at = Date.parse(expires);
    return Number.isNaN(at) ? 0 : Math.max(0, at - served);
  }
  const modified = Date.parse(header(headers, 'last-modified') ?? '');
  if (Number.isNaN(modified)) return 0;
  return Math.min(HEURISTIC_MAX_MS, Math.max(0, (served - modified) * HEURISTIC_FRACTION));
}

/** The policy for a response with these (lower-case) headers, received at `now`. */
export function cachePolicy(headers: Headers, now: number): CachePolicy {
  const control = directives(header(headers, 'cache-control'));
  const etag = header(headers, 'etag');
  const lastModified = header(headers, 'last-modified');
  const fresh = freshnessMs(headers, control, now);
  const validators = { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
  const store = !control.has('no-store') && (fresh > 0 || etag !== undefined || lastModified !== undefined);
  return { store, freshUntil: now + fresh, ...validators };
}

/** The headers of a conditional request revalidating `cached`. */
export function conditionalHeaders(cached: CachePolicy): Record<string, string> {
  return {
    ...(cached.etag ? { 'if-none-match': cached.etag } : {}),
    ...(cached.lastModified ? { 'if-modified-since': cached.lastModified } : {}),
  };
}
