/**
 * For device registration tests: a harness whose account has a registration number, an API key
 * to mint device tokens with, simulated phones, and requests to the device endpoints.
 */
import { Registration, type RegistrationOptions } from '@patchbay/sdk';
import type { ApiHarness, ApiHarnessOptions } from '../api/harness.test-support.js';
import { harnessPerTest, startApiHarness } from '../api/harness.test-support.js';
import { addNumbers, roomsRequest } from '../api/rooms.test-support.js';
import { newKey, tokenFor } from '../bridge/devices.test-support.js';
import { SimulatedPhone } from './phones.test-support.js';

export const REGISTRATION_NUMBER = '+15550100999';
export const ANN = '+15550100101';
export const BOB = '+15550100102';

export interface DevicesHarness extends ApiHarness {
  /** A device access token for `identity`. */
  token(identity: string): string;
  phone(number: string): SimulatedPhone;
  registration(identity: string, deviceId: string, options?: Partial<RegistrationOptions>): Registration;
  /** A request to a device endpoint with `identity`'s token (none when `identity` is undefined). */
  device(
    method: 'GET' | 'POST',
    path: string,
    identity: string | undefined,
    form?: Record<string, string>,
  ): Promise<{ status: number; json: Record<string, unknown> }>;
}

type Options = ApiHarnessOptions & { registrationNumber?: boolean };

/** Harnesses closed after each test. */
export function devicesHarnessPerTest(): (options?: Options) => Promise<DevicesHarness> {
  const start = harnessPerTest();
  return (options = {}) => devicesHarness(start(options), options);
}

/** One harness, closed by the caller. */
export const startDevicesHarness = (options: Options = {}): Promise<DevicesHarness> =>
  devicesHarness(startApiHarness(options), options);

async function devicesHarness(started: Promise<ApiHarness>, options: Options): Promise<DevicesHarness> {
  const harness = await started;
  await addNumbers(harness, REGISTRATION_NUMBER);
  if (options.registrationNumber !== false) {
    const set = await roomsRequest(harness, 'POST', 'DeviceSettings', { RegistrationNumber: REGISTRATION_NUMBER });
    if (set.status !== 200) throw new Error(`DeviceSettings: ${JSON.stringify(set.json)}`);
  }
  const key = await newKey(harness);
  const phones: SimulatedPhone[] = [];
  const token = (identity: string) => tokenFor(harness, key, identity);
  const close = harness.close;
  return Object.assign(harness, {
    token,
    phone(number: string) {
      const phone = new SimulatedPhone(harness, number);
      phones.push(phone);
      return phone;
    },
    registration: (identity: string, deviceId: string, more: Partial<RegistrationOptions> = {}) =>
      new Registration({ server: harness.base, token: token(identity), deviceId, pollMs: 50, ...more }),
    async device(method: 'GET' | 'POST', path: string, identity: string | undefined, form?: Record<string, string>) {
      const response = await fetch(`${harness.base}/patchbay/v1/${path}`, {
        method,
        headers: {
          ...(identity ? { authorization: `Bearer ${token(identity)}` } : {}),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(form ? { body: new URLSearchParams(form) } : {}),
      });
      const text = await response.text();
      return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async close() {
      for (const phone of phones) phone.close();
      await close();
    },
  });
}
