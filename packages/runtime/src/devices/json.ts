/** The devices API's JSON: snake_case, ISO 8601 dates, absolute URLs; never a secret except the credential when issued. */
import { isoDate } from '../api/resources/voice-v1/paging.js';
import type { Binding, DeviceRecord, DeviceSettingsRecord, RegistrationRecord } from './records.js';

const V1 = '/patchbay/v1';

const bindingJson = (binding: Binding) => ({
  phone_number: binding.type === 'phone' ? binding.number : null,
  email: binding.type === 'email' ? binding.address : null,
});

export function deviceJson(device: DeviceRecord, base: string) {
  return {
    sid: device.sid,
    account_sid: device.accountSid,
    device_id: device.deviceId,
    identity: device.identity,
    ...bindingJson(device.binding),
    wake_up: device.wakeUp ? { type: device.wakeUp.type, endpoint: device.wakeUp.endpoint } : null,
    last_woken_at: device.lastWokenAt ? isoDate(device.lastWokenAt) : null,
    last_woken_via: device.lastWokenVia ?? null,
    date_created: isoDate(device.createdAt),
    date_updated: isoDate(device.updatedAt),
    url: `${base}${V1}/Devices/${device.sid}`,
  };
}

export function registrationJson(record: RegistrationRecord, base: string) {
  return {
    sid: record.sid,
    account_sid: record.accountSid,
    method: record.method,
    device_id: record.deviceId,
    ...bindingJson(record.binding),
    status: record.status,
    attempts: record.attempts,
    device_sid: record.deviceSid ?? null,
    date_expires: isoDate(record.expiresAt),
    date_created: isoDate(record.createdAt),
    url: `${base}${V1}/DeviceRegistrations/${record.sid}`,
  };
}

export function settingsJson(settings: DeviceSettingsRecord, base: string) {
  return {
    account_sid: settings.accountSid,
    registration_number: settings.registrationNumber ?? null,
    vapid_public_key: settings.vapidPublicKey ?? null,
    date_updated: isoDate(settings.updatedAt),
    url: `${base}${V1}/DeviceSettings`,
  };
}
