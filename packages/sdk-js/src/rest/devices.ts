/**
 * Devices bound to a number or email (`/patchbay/v1`, docs/registration.md) in the REST client,
 * for the app's server: the account's device settings (its registration number, its Web Push key),
 * its devices, and waking one up. Devices register themselves with `Registration`.
 *
 * @example
 * await client.devices.settings.update({ registrationNumber: '+15550100999' });
 * for await (const device of client.devices.each({ phoneNumber: '+15550100101' })) console.log(device.deviceId);
 * const woken = await client.devices.wake(device.sid, { reason: 'new-message', data: { from: 'Ann' } });
 */
import type { Http, ParamValue } from './http.js';
import { v1Listing } from './rooms.js';

const BASE = '/patchbay/v1';

export interface DeviceSettingsInstance {
  accountSid: string;
  registrationNumber: string | null;
  /** The account's VAPID public key: `applicationServerKey` for `pushManager.subscribe`. */
  vapidPublicKey: string | null;
  dateUpdated: Date;
  url: string;
}

export interface DeviceInstance {
  sid: string;
  accountSid: string;
  deviceId: string;
  identity: string;
  phoneNumber: string | null;
  email: string | null;
  wakeUp: { type: 'web-push'; endpoint: string } | null;
  /** ISO 8601. */
  lastWokenAt: string | null;
  lastWokenVia: 'channel' | 'web-push' | 'sms' | null;
  dateCreated: Date;
  dateUpdated: Date;
  url: string;
}

export interface WakeResult extends DeviceInstance {
  woken: boolean;
  via: 'channel' | 'web-push' | 'sms' | null;
  /** The ways tried before the one that worked, and why each failed. */
  failures: { via: string; error: string }[];
}

export interface DeviceFilters {
  phoneNumber?: string;
  email?: string;
  identity?: string;
}

export type DevicesClient = ReturnType<typeof devicesClient>;

export function devicesClient(http: Http) {
  const listing = (filters: DeviceFilters = {}) =>
    v1Listing<DeviceInstance>(http, `${BASE}/Devices`, 'devices', filters as Record<string, ParamValue>);
  return {
    ...listing(),
    /** The account's devices matching `filters`, page after page. */
    filtered: listing,
    get: (sid: string) => http.request<DeviceInstance>('GET', `${BASE}/Devices/${sid}`),
    /** Forgets the device: its credential stops working, its number no longer rings it. */
    remove: (sid: string) => http.request<void>('DELETE', `${BASE}/Devices/${sid}`),
    /**
     * Leaves a notice for the device and wakes it (its channel, else Web Push, else SMS). RestError
     * 91215 when no way worked.
     */
    wake: (sid: string, notice: { reason?: string; data?: Readonly<Record<string, string>> } = {}) =>
      http.request<WakeResult>('POST', `${BASE}/Devices/${sid}/WakeUp`, {
        reason: notice.reason,
        ...Object.fromEntries(Object.entries(notice.data ?? {}).map(([name, value]) => [`Data.${name}`, value])),
      }),
    settings: {
      get: () => http.request<DeviceSettingsInstance>('GET', `${BASE}/DeviceSettings`),
      /** `registrationNumber`: a number of the account nothing else uses (RestError 91201), or '' to release it. */
      update: (params: { registrationNumber: string }) =>
        http.request<DeviceSettingsInstance>('POST', `${BASE}/DeviceSettings`, params),
    },
  };
}
