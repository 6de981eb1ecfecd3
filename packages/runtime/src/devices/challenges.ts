/**
 * The checks every registration challenge goes through before it is spent, in one order, each
 * failure its own code: issued for this device (91206) and this number or address (91207), not
 * used (91204), not locked (91209), not expired (91205); then spent with an atomic update, so two
 * requests racing with the same signature or code complete one registration, never two.
 */
import { RestError } from '../api/http.js';
import type { Store } from '../store/types.js';
import { type Binding, bindingText, DEVICE_LIMITS, type RegistrationRecord } from './records.js';

export const unknownRegistration = () =>
  new RestError(404, 20404, 'no such registration for this account (or its signature does not verify)');

/** Refuses a challenge that is not this device's and number's, or no longer usable. */
export function checkChallenge(record: RegistrationRecord, deviceId: string, binding: Binding, now: number): void {
  if (record.deviceId !== deviceId)
    throw new RestError(400, 91206, `the registration was issued to device "${record.deviceId}", not "${deviceId}"`);
  if (record.binding.type !== binding.type || bindingText(record.binding) !== bindingText(binding))
    throw new RestError(
      400,
      91207,
      `the registration was issued for another ${binding.type === 'phone' ? 'number' : 'address'}`,
    );
  checkUsable(record, now);
}

export function checkUsable(record: RegistrationRecord, now: number): void {
  if (record.status === 'completed') throw new RestError(409, 91204, 'this registration was completed already');
  if (record.status === 'locked') throw new RestError(429, 91209, `${DEVICE_LIMITS.attempts} wrong codes: start again`);
  if (now > record.expiresAt) throw new RestError(410, 91205, 'the registration expired: start again');
}

class Spent extends Error {}

/**
 * Moves the registration from `from` to `to` atomically: the request that does it goes on;
 * a concurrent one that finds it moved already gets 91204.
 */
export async function spend(
  store: Store,
  record: RegistrationRecord,
  from: RegistrationRecord['status'],
  to: RegistrationRecord['status'],
  now: number,
  extra: Partial<RegistrationRecord> = {},
): Promise<RegistrationRecord> {
  try {
    const spent = await store.update<RegistrationRecord>(
      'device-registration',
      record.accountSid,
      record.sid,
      (current) => {
        if (current.status !== from) throw new Spent();
        return { ...current, ...extra, status: to, updatedAt: now };
      },
    );
    if (!spent) throw new Spent();
    return spent;
  } catch (error) {
    if (error instanceof Spent) throw new RestError(409, 91204, 'this registration was completed already');
    throw error;
  }
}

/** Refuses a new challenge to a number or address that had DEVICE_LIMITS.sendsPerBinding in the last window. */
export async function checkSendRate(store: Store, accountSid: string, where: Record<string, string>, now: number) {
  const { items } = await store.list<RegistrationRecord>('device-registration', {
    accountSid,
    where,
    ranges: { createdAt: { min: now - DEVICE_LIMITS.sendWindowMs } },
    page: 0,
    pageSize: DEVICE_LIMITS.sendsPerBinding,
  });
  if (items.length < DEVICE_LIMITS.sendsPerBinding) return;
  const oldest = Math.min(...items.map((item) => item.createdAt));
  const retryAfter = Math.max(1, Math.ceil((oldest + DEVICE_LIMITS.sendWindowMs - now) / 1000));
  throw new RestError(429, 91210, `${DEVICE_LIMITS.sendsPerBinding} registrations in an hour went there already`, {
    'retry-after': String(retryAfter),
  });
}
