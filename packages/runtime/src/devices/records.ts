/**
 * Durable device records (docs/registration.md): a device the account's app runs on, bound to
 * the phone number (or email address) it proved, with its credential and how to wake it up; the
 * registrations under way (one challenge each: a signature, a code or a link, usable once); and
 * each account's device settings (its registration number, its signing key).
 *
 * The command channel builds on these: `secret` authenticates the device's messages (and the
 * per-message authenticator of SMS commands), `wakeUp` says how a notifier reaches it.
 */
import type { StoredRecord } from '../store/types.js';

/** A Web Push subscription (the browser's `PushSubscription.toJSON()`). */
export interface WebPushAddress {
  readonly type: 'web-push';
  readonly endpoint: string;
  /** The user agent's P-256 public key (65 bytes, base64url) and auth secret (16 bytes, base64url), RFC 8291. */
  readonly keys: { readonly p256dh: string; readonly auth: string };
}

/** How a device is woken up besides its open channel and (for a number) an SMS. */
export type WakeUpAddress = WebPushAddress;

/** What a device proved it has: a phone number (E.164) or an email address (lower case). */
export type Binding =
  | { readonly type: 'phone'; readonly number: string }
  | { readonly type: 'email'; readonly address: string };

export interface DeviceRecord extends StoredRecord {
  /** The app's own id of the installation (1 to 64 characters of `[A-Za-z0-9._:-]`). */
  readonly deviceId: string;
  /** The identity of the access token that registered it: its open channel is this identity's sessions. */
  readonly identity: string;
  readonly binding: Binding;
  /** Index fields for lookups (`number` or `email`, whichever is bound). */
  readonly number?: string;
  readonly email?: string;
  readonly wakeUp?: WakeUpAddress;
  /**
   * The device credential's secret (32 random bytes, base64url): the device proves itself with
   * `<sid>:<secret>`; the command channel signs SMS commands with it. Never listed over REST.
   */
  readonly secret: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** What waits for the device (the newest DEVICE_LIMITS.notices), fetched once it is woken. */
  readonly notices?: readonly WaitingNotice[];
  /** The last notice's sequence number (notices are numbered from 1 per device). */
  readonly noticeSeq?: number;
  /** When a notifier last woke it, and how. */
  readonly lastWokenAt?: number;
  readonly lastWokenVia?: NotifierKind;
}

/** Something waiting for a device: why it was woken, and a few small values. */
export interface WaitingNotice {
  readonly seq: number;
  readonly reason: string;
  readonly data?: Readonly<Record<string, string>>;
  readonly at: number;
}

export type NotifierKind = 'channel' | 'web-push' | 'sms';

export type RegistrationMethod = 'sms-signature' | 'sms-code' | 'email-link';

export type RegistrationStatus = 'pending' | 'verified' | 'completed' | 'locked';

/** One challenge under way. `digest`: SHA-256 of the code or link token (never the secret itself). */
export interface RegistrationRecord extends StoredRecord {
  readonly method: RegistrationMethod;
  readonly deviceId: string;
  /** The phone number or email address the challenge went to. */
  readonly binding: Binding;
  readonly number?: string;
  readonly email?: string;
  readonly wakeUp?: WakeUpAddress;
  /** The registering identity (known from the start for codes and links; for signatures, at completion). */
  readonly identity?: string;
  /** The signed form's nonce: the record is found by it. */
  readonly nonce?: string;
  readonly digest?: string;
  readonly expiresAt: number;
  readonly attempts: number;
  readonly status: RegistrationStatus;
  /** The device record it made (once completed). */
  readonly deviceSid?: string;
  readonly updatedAt: number;
}

export interface DeviceSettingsRecord extends StoredRecord {
  /** The number devices text to register (one of the account's own, free of URLs and rooms). */
  readonly registrationNumber?: string;
  readonly registrationNumberSid?: string;
  /** The account's HMAC key for registration signatures (32 bytes, base64url), made on first use. */
  readonly signingKey: string;
  /** The account's VAPID key pair for Web Push (RFC 8292; P-256, base64url), made on first use. */
  readonly vapidPublicKey?: string;
  readonly vapidPrivateKey?: string;
  readonly updatedAt: number;
}

/** Bounds (docs/registration.md#limits). */
export const DEVICE_LIMITS = {
  devicesPerAccount: 10_000,
  devicesPerBinding: 10,
  /** Challenges sent to one number or address in `sendWindowMs`: no one can be texted or mailed without end. */
  sendsPerBinding: 5,
  sendWindowMs: 60 * 60_000,
  /** Wrong codes before a registration is locked. */
  attempts: 5,
  /** How long a signature, code or link is good for. */
  ttlMs: 10 * 60_000,
  deviceIdLength: 64,
  endpointLength: 1024,
  /** Notices kept per device (older ones are dropped). */
  notices: 20,
} as const;

/** The binding's index field and value, for store filters. */
export function bindingWhere(binding: Binding): Record<string, string> {
  return binding.type === 'phone' ? { number: binding.number } : { email: binding.address };
}

/** The binding as people read it. */
export const bindingText = (binding: Binding): string => (binding.type === 'phone' ? binding.number : binding.address);
