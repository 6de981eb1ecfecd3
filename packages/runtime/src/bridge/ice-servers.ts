/**
 * The STUN and TURN servers handed to devices in their welcome, so a browser behind NAT can
 * reach Patchbay's WebRTC legs through a relay. TURN credentials follow coturn's TURN REST API
 * (`use-auth-secret`): the username is `<expiry in unix seconds>:<identity>` and the credential
 * base64(HMAC-SHA1(secret, username)); coturn checks both with the same shared secret, so
 * Patchbay never stores per-user TURN passwords and a leaked credential expires on its own.
 *
 * @example
 * iceServersFor({ urls: ['stun:turn.example.com', 'turn:turn.example.com:3478'], turnSecret: 's' }, 'alice', Date.now());
 * // [{ urls: ['stun:turn.example.com'] }, { urls: ['turn:turn.example.com:3478'], username: '1767225600:alice', credential: '...' }]
 */
import { createHmac } from 'node:crypto';

export interface IceSettings {
  /** `stun:`, `turn:` or `turns:` URLs (`turn:turn.example.com:3478?transport=udp`). */
  readonly urls: readonly string[];
  /** coturn's `static-auth-secret`: TURN URLs get time-limited credentials made with it. */
  readonly turnSecret?: string | undefined;
  /** How long TURN credentials last, in seconds. @default 3600 */
  readonly turnTtlS?: number | undefined;
}

export interface IceServer {
  readonly urls: string[];
  readonly username?: string;
  readonly credential?: string;
}

/** At most this many URLs (the welcome's limit is 16 servers of 8 URLs). */
export const MAX_ICE_URLS = 8;

const ICE_URL = /^(stun|stuns|turn|turns):(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/;

/** What is wrong with an ICE server URL (RFC 7064/7065 syntax), or undefined. */
export function checkIceUrl(value: string): string | undefined {
  if (value.length > 512) return 'is longer than 512 characters';
  return ICE_URL.test(value)
    ? undefined
    : `"${value}" is not a STUN or TURN URL (stun:host[:port], turn:host[:port][?transport=udp|tcp], turns:...)`;
}

/** coturn's TURN REST API credentials for `identity`, valid until now + ttl. */
export function turnCredentials(
  secret: string,
  identity: string,
  nowMs: number,
  ttlS = 3600,
): { username: string; credential: string } {
  const username = `${Math.floor(nowMs / 1000) + ttlS}:${identity}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** The servers for one device's welcome: STUN as they are, TURN with credentials when a secret is set. */
export function iceServersFor(settings: IceSettings | undefined, identity: string, nowMs: number): IceServer[] {
  if (!settings || settings.urls.length === 0) return [];
  const stun = settings.urls.filter((url) => url.startsWith('stun'));
  const turn = settings.urls.filter((url) => url.startsWith('turn'));
  const servers: IceServer[] = [];
  if (stun.length > 0) servers.push({ urls: stun });
  if (turn.length > 0)
    servers.push(
      settings.turnSecret
        ? { urls: turn, ...turnCredentials(settings.turnSecret, identity, nowMs, settings.turnTtlS) }
        : { urls: turn },
    );
  return servers;
}
