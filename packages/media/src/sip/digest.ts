/**
 * HTTP Digest for SIP (RFC 3261 §22, RFC 7616 / RFC 8760): answering a 401/407 as a client, and
 * challenging and verifying as a server. Server nonces are self-validating (HMAC over a timestamp)
 * so nothing is stored per challenge; they expire, and each (nonce, nc) pair is accepted once, so a
 * captured Authorization cannot be replayed. Responses are compared in constant time.
 *
 * @example
 * const server = new DigestServer({ timers });
 * res.headers.append('www-authenticate', ...server.challenge('example.com'));
 * // retry arrives:
 * const result = await server.verify(req, 'authorization', 'example.com', (u) => passwords[u]);
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseAuthParams } from './headers.js';
import type { SipRequest } from './message.js';
import { realTimers, type Timers } from './timers.js';
import { parseUri } from './uri.js';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

const HASH: Record<DigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256' };
const hash = (alg: DigestAlgorithm, s: string) => createHash(HASH[alg]).update(s, 'utf8').digest('hex');

export interface DigestInput {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  /** With qop=auth: nonce count (8 hex digits) and client nonce. */
  qop?: { nc: string; cnonce: string };
}

/** The `response` value (RFC 7616 §3.4.1, qop=auth or none). */
export function digestResponse(i: DigestInput): string {
  const ha1 = hash(i.algorithm, `${i.username}:${i.realm}:${i.password}`);
  const ha2 = hash(i.algorithm, `${i.method}:${i.uri}`);
  return i.qop
    ? hash(i.algorithm, `${ha1}:${i.nonce}:${i.qop.nc}:${i.qop.cnonce}:auth:${ha2}`)
    : hash(i.algorithm, `${ha1}:${i.nonce}:${ha2}`);
}

const quote = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

function algorithmOf(name: string | undefined): DigestAlgorithm | undefined {
  const a = (name ?? 'MD5').toUpperCase();
  return a === 'MD5' || a === 'SHA-256' ? a : undefined;
}

/**
 * The Authorization / Proxy-Authorization value answering one of `challenges` (the values of
 * WWW-Authenticate or Proxy-Authenticate); prefers SHA-256. Undefined when none is usable.
 */
export function authorize(
  challenges: readonly string[],
  credentials: { username: string; password: string },
  method: string,
  uri: string,
): string | undefined {
  const usable = challenges
    .map((c) => {
      try {
        return parseAuthParams(c);
      } catch {
        return undefined;
      }
    })
    .filter((c) => c?.scheme.toLowerCase() === 'digest' && algorithmOf(c.params.algorithm) && c.params.nonce)
    .sort(
      (a, b) =>
        (algorithmOf(b?.params.algorithm) === 'SHA-256' ? 1 : 0) -
        (algorithmOf(a?.params.algorithm) === 'SHA-256' ? 1 : 0),
    );
  const c = usable[0]?.params;
  const algorithm = algorithmOf(c?.algorithm);
  if (!c?.nonce || !algorithm) return undefined;
  const realm = c.realm ?? '';
  const qops = (c.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
  const qop = qops.includes('auth') ? { nc: '00000001', cnonce: randomBytes(8).toString('hex') } : undefined;
  const response = digestResponse({
    algorithm,
    username: credentials.username,
    realm,
    password: credentials.password,
    method,
    uri,
    nonce: c.nonce,
    ...(qop ? { qop } : {}),
  });
  let out = `Digest username=${quote(credentials.username)}, realm=${quote(realm)}, nonce=${quote(c.nonce)}, uri=${quote(uri)}, response=${quote(response)}, algorithm=${algorithm}`;
  if (qop) out += `, qop=auth, nc=${qop.nc}, cnonce=${quote(qop.cnonce)}`;
  if (c.opaque !== undefined) out += `, opaque=${quote(c.opaque)}`;
  return out;
}

/**
 * The digest-uri must name the request's target (RFC 2617 §3.2.2.5). Some clients (sipp 3.6)
 * send only the host and port of the Request-URI, so the same host:port is accepted too.
 */
function sameTarget(digestUri: string, requestUri: string): boolean {
  if (digestUri === requestUri) return true;
  try {
    const a = parseUri(digestUri);
    const b = parseUri(requestUri);
    return a.host === b.host && (a.port ?? 5060) === (b.port ?? 5060);
  } catch {
    return false;
  }
}

export type DigestVerdict = { ok: true; user: string } | { ok: false; stale: boolean };

export interface DigestServerOptions {
  timers?: Timers;
  /** How long a nonce is accepted. @default 300000 */
  nonceTtlMs?: number;
  /** HMAC key for nonces. @default 32 random bytes */
  secret?: Buffer;
  /** Most (nonce, nc) records kept for replay protection. @default 10000 */
  maxTracked?: number;
}

export class DigestServer {
  private readonly timers: Timers;
  private readonly ttl: number;
  private readonly secret: Buffer;
  private readonly maxTracked: number;
  /** Highest nonce count accepted per nonce; oldest entries evicted first. */
  private readonly seen = new Map<string, number>();

  constructor(options: DigestServerOptions = {}) {
    this.timers = options.timers ?? realTimers;
    this.ttl = options.nonceTtlMs ?? 300_000;
    this.secret = options.secret ?? randomBytes(32);
    this.maxTracked = options.maxTracked ?? 10_000;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url').slice(0, 22);
  }

  private newNonce(): string {
    const payload = `${this.timers.now().toString(36)}.${randomBytes(9).toString('base64url')}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** WWW-Authenticate / Proxy-Authenticate values: SHA-256 first, then MD5 (RFC 8760 §2.4). */
  challenge(realm: string, stale = false, algorithms: ReadonlyArray<DigestAlgorithm> = ['SHA-256', 'MD5']): string[] {
    const nonce = this.newNonce();
    const tail = `, qop="auth"${stale ? ', stale=true' : ''}`;
    return algorithms.map((a) => `Digest realm=${quote(realm)}, nonce=${quote(nonce)}, algorithm=${a}${tail}`);
  }

  /** Checks the credentials in `header` ('authorization' or 'proxy-authorization') of `request`. */
  async verify(
    request: SipRequest,
    header: 'authorization' | 'proxy-authorization',
    realm: string,
    password: (username: string) => string | undefined | Promise<string | undefined>,
  ): Promise<DigestVerdict> {
    for (const value of request.headers.getAll(header)) {
      let p: Record<string, string>;
      try {
        const parsed = parseAuthParams(value);
        if (parsed.scheme.toLowerCase() !== 'digest') continue;
        p = parsed.params;
      } catch {
        continue;
      }
      if (p.realm !== realm) continue;
      const algorithm = algorithmOf(p.algorithm);
      const { nonce, username, uri, response, nc, cnonce } = p;
      if (!algorithm || !nonce || username === undefined || !uri || !response) return { ok: false, stale: false };
      if (p.qop?.toLowerCase() !== 'auth' || !nc || !/^[0-9a-fA-F]{8}$/.test(nc) || !cnonce)
        return { ok: false, stale: false };
      if (!sameTarget(uri, request.uri)) return { ok: false, stale: false };
      const freshness = this.checkNonce(nonce);
      if (freshness !== 'fresh') return { ok: false, stale: freshness === 'expired' };
      const secret = await password(username);
      if (secret === undefined) return { ok: false, stale: false };
      const expected = digestResponse({
        algorithm,
        username,
        realm,
        password: secret,
        method: request.method,
        uri,
        nonce,
        qop: { nc, cnonce },
      });
      const a = Buffer.from(expected, 'utf8');
      const b = Buffer.from(response.toLowerCase(), 'utf8');
      if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, stale: false };
      const count = Number.parseInt(nc, 16);
      const last = this.seen.get(nonce) ?? 0;
      if (count <= last) return { ok: false, stale: true };
      this.seen.delete(nonce);
      this.seen.set(nonce, count);
      if (this.seen.size > this.maxTracked) {
        const oldest = this.seen.keys().next().value;
        if (oldest !== undefined) this.seen.delete(oldest);
      }
      return { ok: true, user: username };
    }
    return { ok: false, stale: false };
  }

  private checkNonce(nonce: string): 'fresh' | 'expired' | 'forged' {
    const dot = nonce.lastIndexOf('.');
    if (dot < 0) return 'forged';
    const payload = nonce.slice(0, dot);
    const sig = Buffer.from(nonce.slice(dot + 1));
    const good = Buffer.from(this.sign(payload));
    if (sig.length !== good.length || !timingSafeEqual(sig, good)) return 'forged';
    const issued = Number.parseInt(payload.split('.')[0] ?? '', 36);
    if (!Number.isFinite(issued)) return 'forged';
    return this.timers.now() - issued > this.ttl ? 'expired' : 'fresh';
  }
}
