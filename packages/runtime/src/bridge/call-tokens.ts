/**
 * Sealed call tokens: what an invitation carries and the device hands back to accept or reject.
 * A JWE (direct AES-256-GCM), so the device can neither read nor alter it: call SID, the node
 * that holds the caller, the account and identity invited, and an expiry. Each token is spent
 * once; a second use is a replay.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DeviceError } from '@patchbay/sdk/protocol';
import { EncryptJWT, jwtDecrypt } from 'jose';

export interface CallClaims {
  readonly callSid: string;
  readonly node: string;
  readonly accountSid: string;
  readonly identity: string;
  /** Unix ms. */
  readonly expiresAt: number;
}

export class CallTokens {
  private readonly key: Uint8Array;
  /** Opened tokens' ids until they expire: a token is good for one accept or reject. */
  private readonly used = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    /** 32 bytes shared by every node that may receive the callback. @default random per process */
    key?: Uint8Array,
  ) {
    this.key = key ?? randomBytes(32);
    if (this.key.length !== 32) throw new RangeError('the call token key must be 32 bytes');
  }

  async seal(claims: CallClaims): Promise<string> {
    return new EncryptJWT({ sid: claims.callSid, node: claims.node, acc: claims.accountSid, idn: claims.identity })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setJti(randomUUID())
      .setExpirationTime(Math.ceil(claims.expiresAt / 1000))
      .encrypt(this.key);
  }

  /**
   * The claims of a token sealed here; throws CallTokenInvalid when tampered with or expired.
   * Opening does not use the token up: `spend` does, once the caller has checked the claims, so
   * a token shown by the wrong device is refused without being burnt.
   */
  async open(token: string): Promise<CallClaims & { readonly id: string }> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtDecrypt(token, this.key, { currentDate: new Date(this.now()) }));
    } catch (cause) {
      const expired = cause instanceof Error && 'code' in cause && cause.code === 'ERR_JWT_EXPIRED';
      throw new DeviceError(
        'CallTokenInvalid',
        expired ? 'the call token has expired' : 'the call token is not valid',
        {
          cause,
        },
      );
    }
    const { jti, sid, node, acc, idn, exp } = payload;
    if (typeof jti !== 'string' || typeof sid !== 'string' || typeof acc !== 'string' || typeof idn !== 'string')
      throw new DeviceError('CallTokenInvalid', 'the call token is not valid');
    const expiresAt = Number(exp) * 1000;
    return { id: jti, callSid: sid, node: String(node), accountSid: acc, identity: idn, expiresAt };
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
    for (const [jti, expiresAt] of this.used) {
      if (expiresAt > now) break;
      this.used.delete(jti);
    }
  }
}
