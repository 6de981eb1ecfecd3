/**
 * Parsing what devices send: their id, and their wake-up address in either form, the JSON of a
 * browser's `PushSubscription` (REST) or the compact `wp:<base64url of that JSON>` that fits in a
 * registration SMS. Every refusal is a RestError 91202 naming the field.
 *
 * @example
 * const wakeUp = parseWakeUp('wp:eyJlbmRwb2ludCI6Imh0dHBzOi8v...'); // { type: 'web-push', endpoint, keys }
 */
import { RestError } from '../api/http.js';
import { urlRefusal } from '../webhooks/egress.js';
import { DEVICE_LIMITS, type WakeUpAddress } from './records.js';

const invalid = (field: string, why: string) => new RestError(400, 91202, `${field}: ${why}`);

const DEVICE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const E164 = /^\+[1-9][0-9]{6,14}$/;
const EMAIL = /^[^\s@<>()",;]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$/;
const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

export function parseDeviceId(value: string | undefined): string {
  if (value === undefined || !DEVICE_ID.test(value))
    throw invalid('DeviceId', 'must be 1 to 64 characters of letters, digits and ._:-');
  return value;
}

export function parsePhoneNumber(value: string | undefined, field = 'PhoneNumber'): string {
  const trimmed = value?.trim() ?? '';
  if (!E164.test(trimmed)) throw invalid(field, `"${value ?? ''}" is not an E.164 number (+ and 7 to 15 digits)`);
  return trimmed;
}

export function parseEmail(value: string | undefined): string {
  const trimmed = value?.trim().toLowerCase() ?? '';
  if (trimmed.length > 254 || !EMAIL.test(trimmed)) throw invalid('Email', `"${value ?? ''}" is not an email address`);
  return trimmed;
}

function key(value: unknown, name: string, bytes: number): string {
  if (typeof value !== 'string' || !B64URL.test(value) || Buffer.from(value, 'base64url').length !== bytes)
    throw invalid('WakeUp', `keys.${name} must be ${bytes} bytes, base64url`);
  return value.replace(/=+$/, '');
}

/** A wake-up address from its JSON or compact form; undefined for none (absent, empty or `-`). */
export function parseWakeUp(value: string | undefined): WakeUpAddress | undefined {
  const text = value?.trim() ?? '';
  if (text === '' || text === '-') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text.startsWith('wp:') ? Buffer.from(text.slice(3), 'base64url').toString('utf8') : text);
  } catch {
    throw invalid('WakeUp', 'is neither a push subscription (JSON) nor its wp: form');
  }
  const subscription = json as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
  const endpoint = subscription?.endpoint;
  if (typeof endpoint !== 'string' || endpoint.length > DEVICE_LIMITS.endpointLength)
    throw invalid('WakeUp', `endpoint must be a URL of at most ${DEVICE_LIMITS.endpointLength} characters`);
  const refused = urlRefusal(endpoint);
  if (refused) throw invalid('WakeUp', `endpoint ${refused}`);
  return {
    type: 'web-push',
    endpoint,
    keys: { p256dh: key(subscription.keys?.p256dh, 'p256dh', 65), auth: key(subscription.keys?.auth, 'auth', 16) },
  };
}

/** The compact form, for an SMS. */
export const compactWakeUp = (wakeUp: WakeUpAddress | undefined): string =>
  wakeUp
    ? `wp:${Buffer.from(JSON.stringify({ endpoint: wakeUp.endpoint, keys: wakeUp.keys })).toString('base64url')}`
    : '-';
