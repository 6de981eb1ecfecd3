/**
 * Each account's device settings: its registration number and the key its registration
 * signatures are made with (random, made on first use and stored, so every node sharing the
 * store and every restart verifies the same signatures).
 *
 * The registration number is one of the account's numbers that nothing else uses; claiming it
 * points its SmsUrl at the in-process registration app (`https://devices.patchbay.invalid/sms`,
 * see local-app.ts), so it routes like any number, shows what answers it over REST, and is "in
 * use" for rooms and everyone else. Setting another number releases the previous one.
 *
 * @example
 * const settings = await deviceSettings(store, accountSid, now);
 * await setRegistrationNumber(store, accountSid, '+15550100999', now); // RestError 91201 if taken
 */

import webpush from 'web-push';
import { RestError } from '../api/http.js';
import type { NumberRecord } from '../api/resources/numbers.js';
import { numberInUse } from '../rooms/numbers.js';
import { newSid } from '../sid.js';
import type { Store } from '../store/types.js';
import type { DeviceSettingsRecord } from './records.js';
import { newSecret } from './signing.js';

export const DEVICES_ORIGIN = 'https://devices.patchbay.invalid';
export const REGISTRATION_SMS_URL = `${DEVICES_ORIGIN}/sms`;

function vapidKeys(): { vapidPublicKey: string; vapidPrivateKey: string } {
  const keys = webpush.generateVAPIDKeys();
  return { vapidPublicKey: keys.publicKey, vapidPrivateKey: keys.privateKey };
}

/** One creation at a time per account (two first uses must not make two keys). */
const creating = new Map<string, Promise<DeviceSettingsRecord>>();

export async function deviceSettings(store: Store, accountSid: string, now: number): Promise<DeviceSettingsRecord> {
  const { items } = await store.list<DeviceSettingsRecord>('device-settings', { accountSid, page: 0, pageSize: 1 });
  if (items[0]) return items[0];
  const pending = creating.get(accountSid);
  if (pending) return pending;
  const created = (async () => {
    const record: DeviceSettingsRecord = {
      sid: newSid('DS'),
      accountSid,
      signingKey: newSecret(),
      ...vapidKeys(),
      createdAt: now,
      updatedAt: now,
    };
    await store.put('device-settings', record);
    return record;
  })();
  creating.set(accountSid, created);
  try {
    return await created;
  } finally {
    creating.delete(accountSid);
  }
}

class Taken extends Error {}

/** Makes `phoneNumber` (the account's, unused) the registration number; undefined clears it. */
export async function setRegistrationNumber(
  store: Store,
  accountSid: string,
  phoneNumber: string | undefined,
  now: number,
): Promise<DeviceSettingsRecord> {
  const settings = await deviceSettings(store, accountSid, now);
  if (phoneNumber === settings.registrationNumber) return settings;
  let claimed: NumberRecord | undefined;
  if (phoneNumber !== undefined) {
    const number = (
      await store.list<NumberRecord>('number', { accountSid, where: { phoneNumber }, page: 0, pageSize: 1 })
    ).items[0];
    const refused = () =>
      new RestError(409, 91201, `RegistrationNumber: ${phoneNumber} is not a free number of this account`);
    if (!number) throw refused();
    try {
      claimed = await store.update<NumberRecord>('number', accountSid, number.sid, (current) => {
        if (numberInUse(current)) throw new Taken();
        return { ...current, smsUrl: REGISTRATION_SMS_URL, smsMethod: 'POST', updatedAt: now };
      });
    } catch (error) {
      if (error instanceof Taken) throw refused();
      throw error;
    }
    if (!claimed) throw refused();
  }
  if (settings.registrationNumberSid)
    await store.update<NumberRecord>('number', accountSid, settings.registrationNumberSid, (current) => {
      if (current.smsUrl !== REGISTRATION_SMS_URL) return current;
      const { smsUrl: _released, ...rest } = current;
      return { ...rest, updatedAt: now };
    });
  const { registrationNumber: _n, registrationNumberSid: _s, ...rest } = settings;
  const next: DeviceSettingsRecord = {
    ...rest,
    ...(claimed ? { registrationNumber: claimed.phoneNumber, registrationNumberSid: claimed.sid } : {}),
    updatedAt: now,
  };
  await store.put('device-settings', next);
  return next;
}
