/**
 * What proves a registration: the signed form texted back to a device (HMAC-SHA-256 with the
 * account's key over the number, device id, wake-up address, a nonce and the expiry; 16 bytes of
 * it kept, enough against forgery and short enough for one SMS), the six-digit code of the manual
 * flow, and the email link's token. Codes and tokens are stored as keyed digests only, and every
 * comparison is in constant time.
 *
 * @example
 * const signature = sign(key, { accountSid, number, deviceId, wakeUp, nonce, expiresAt });
 * // 'v1.q5e1Nf0bXr9kQm2z.lz3k1c.3vQ0nR0xJ8...'
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { type Binding, bindingText, type WakeUpAddress } from './records.js';

const VERSION = 'v1';
const MAC_BYTES = 16;

export interface SignedClaims {
  readonly accountSid: string;
  readonly binding: Binding;
  readonly deviceId: string;
  readonly wakeUp?: WakeUpAddress | undefined;
  readonly nonce: string;
  /** Unix ms (signed in whole seconds). */
  readonly expiresAt: number;
}

/** The parts of a signature as texted: its nonce finds the registration, its expiry is in clear. */
export interface ParsedSignature {
  readonly nonce: string;
  readonly expiresAt: number;
  readonly mac: string;
}

export const newNonce = (): string => randomBytes(12).toString('base64url');
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** A stable digest of a wake-up address (the empty string for none). */
export function wakeUpDigest(wakeUp: WakeUpAddress | undefined): string {
  if (!wakeUp) return '';
  return createHash('sha256')
    .update(JSON.stringify([wakeUp.type, wakeUp.endpoint, wakeUp.keys.p256dh, wakeUp.keys.auth]))
    .digest('base64url');
}

function mac(key: string, claims: SignedClaims): string {
  const seconds = Math.floor(claims.expiresAt / 1000).toString(36);
  const text = [
    'patchbay-registration',
    VERSION,
    claims.accountSid,
    claims.binding.type,
    bindingText(claims.binding),
    claims.deviceId,
    wakeUpDigest(claims.wakeUp),
    claims.nonce,
    seconds,
  ].join('\n');
  return createHmac('sha256', Buffer.from(key, 'base64url'))
    .update(text)
    .digest()
    .subarray(0, MAC_BYTES)
    .toString('base64url');
}

export function sign(key: string, claims: SignedClaims): string {
  return `${VERSION}.${claims.nonce}.${Math.floor(claims.expiresAt / 1000).toString(36)}.${mac(key, claims)}`;
}

const SIGNATURE = /^v1\.([A-Za-z0-9_-]{16})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$/;

/** The signature's parts, or undefined when it is not one at all. */
export function parseSignature(text: string): ParsedSignature | undefined {
  const match = SIGNATURE.exec(text.trim());
  if (!match) return undefined;
  return {
    nonce: match[1] as string,
    expiresAt: Number.parseInt(match[2] as string, 36) * 1000,
    mac: match[3] as string,
  };
}

/** Whether `given` is the MAC of `claims` (constant time). */
export function verifyMac(key: string, claims: SignedClaims, given: string): boolean {
  const expected = Buffer.from(mac(key, claims));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A six-digit code, uniformly drawn. */
export const newCode = (): string => randomInt(0, 1_000_000).toString().padStart(6, '0');

/** The keyed digest a code or link token is stored as. */
export const digestOf = (key: string, secret: string): string =>
  createHmac('sha256', Buffer.from(key, 'base64url')).update(`patchbay-challenge\n${secret}`).digest('base64url');

/** Whether `secret` has `digest` (constant time). */
export function sameDigest(key: string, secret: string, digest: string): boolean {
  const expected = Buffer.from(digest);
  const actual = Buffer.from(digestOf(key, secret));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
