/**
 * Sealed call tokens: what an invitation carries and the device hands back to accept or reject.
 * AES-256-GCM over the claims (call SID, the node that holds the caller, the account and
 * identity invited, an expiry), so the device can neither read nor alter them. Each token is
 * spent once; a second use is a replay.
 *
 * Format: `v1.<base64url(12-byte IV | ciphertext | 16-byte tag)>`. Sealed synchronously with
 * node:crypto: a JWE through jose goes through async WebCrypto for every token, which was the
 * largest cost on the accept path when many calls ring at once (see bench/devices.mjs).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DeviceError } from '@patchbay/sdk/protocol';

export interface CallClaims {
  readonly callSid: string;
  readonly node: string;
  readonly accountSid: string;
  readonly identity: string;
  /** Unix ms. */
  readonly expiresAt: number;
}

const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class CallTokens {
  private readonly key: Uint8Array;
  /** Spent tokens' ids until they expire: a token is good for one accept or reject. */
  private readonly used = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    /** 32 bytes shared by every node that may receive the callback. @default random per process */
    key?: Uint8Array,
  ) {
    this.key = key ?? randomBytes(32);
    if (this.key.length !== 32) throw new RangeError('the call token key must be 32 bytes');
  }

  seal(claims: CallClaims): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const plain = JSON.stringify({
      i: randomBytes(9).toString('base64url'),
      s: claims.callSid,
      n: claims.node,
      a: claims.accountSid,
      d: claims.identity,
      e: claims.expiresAt,
    });
    const sealed = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}${sealed.toString('base64url')}`;
  }

  /**
   * The claims of a token sealed here; throws CallTokenInvalid when tampered with or expired.
   * Opening does not use the token up: `spend` does, once the caller has checked the claims, so
   * a token shown by the wrong device is refused without being burnt.
   */
  open(token: string): CallClaims & { readonly id: string } {
    const invalid = (why = 'the call token is not valid') => new DeviceError('CallTokenInvalid', why);
    if (!token.startsWith(VERSION)) throw invalid();
    const sealed = Buffer.from(token.slice(VERSION.length), 'base64url');
    if (sealed.length < IV_BYTES + TAG_BYTES + 2) throw invalid();
    let claims: { i?: unknown; s?: unknown; n?: unknown; a?: unknown; d?: unknown; e?: unknown };
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
      claims = JSON.parse(plain.toString('utf8'));
    } catch (cause) {
      throw new DeviceError('CallTokenInvalid', 'the call token is not valid', { cause });
    }
    const { i, s, n, a, d, e } = claims;
    if (
      typeof i !== 'string' ||
      typeof s !== 'string' ||
      typeof a !== 'string' ||
      typeof d !== 'string' ||
      typeof e !== 'number'
    )
      throw invalid();
    if (e <= this.now()) throw invalid('the call token has expired');
    return { id: i, callSid: s, node: String(n), accountSid: a, identity: d, expiresAt: e };
  }

  /** Uses an opened token up; throws CallTokenInvalid when it was used before (a replay). */
  spend(claims: { readonly id: string; readonly expiresAt: number }): void {
    this.prune();
    if (this.used.has(claims.id)) throw new DeviceError('CallTokenInvalid', 'the call token was already used');
    this.used.set(claims.id, claims.expiresAt);
  }

  private prune(): void {
    const now = this.now();
    // Oldest first; stops at the first live one, so each call costs only what expired.
    for (const [id, expiresAt] of this.used) {
      if (expiresAt > now) break;
      this.used.delete(id);
    }
  }
}
