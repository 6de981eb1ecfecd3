/**
 * The account's side (HTTP Basic, like every REST resource), under `/patchbay/v1`:
 * `DeviceSettings` (GET, POST `RegistrationNumber`), `Devices` (GET, filters `PhoneNumber`,
 * `Email`, `Identity`), `Devices/{Sid}` (GET, DELETE), `Devices/{Sid}/WakeUp` (POST `Reason`,
 * `Data.<name>`: leaves a notice and wakes the device, answering how).
 */
import { field, notFound, RestError } from '../api/http.js';
import { pageRequest } from '../api/paging.js';
import type { Resource } from '../api/resources/context.js';
import { v1Page } from '../api/resources/voice-v1/paging.js';
import { deviceJson, settingsJson } from './json.js';
import type { WakeOutcome, Wakeup } from './notifier.js';
import type { DeviceRecord } from './records.js';
import { deviceSettings, setRegistrationNumber } from './settings.js';
import { leaveNotice } from './waiting.js';
import { parseEmail, parsePhoneNumber } from './wake-address.js';

const DEVICE = /^Devices\/(DV[0-9a-f]{32})(\/WakeUp)?$/;
const REASON = /^[A-Za-z0-9._:-]{1,64}$/;

export function outcomeJson(outcome: WakeOutcome) {
  return {
    woken: outcome.ok,
    via: outcome.ok ? outcome.via : null,
    failures: outcome.failures.map((failure) => ({ via: failure.via, error: failure.error })),
  };
}

export const devicesResource =
  (wakeup: Wakeup): Resource =>
  async (context) => {
    const { store, account, rest, method, publicUrl, now, query } = context;
    if (rest === 'DeviceSettings') {
      if (method === 'GET')
        return { status: 200, body: settingsJson(await deviceSettings(store, account.sid, now), publicUrl) };
      if (method !== 'POST') return undefined;
      const number = field(await context.form(), 'RegistrationNumber');
      const value = number === undefined || number === '' ? undefined : parsePhoneNumber(number, 'RegistrationNumber');
      return {
        status: 200,
        body: settingsJson(await setRegistrationNumber(store, account.sid, value, now), publicUrl),
      };
    }
    if (rest === 'Devices' && method === 'GET') {
      const where: Record<string, string> = {};
      const phone = query.get('PhoneNumber');
      const email = query.get('Email');
      const identity = query.get('Identity');
      if (phone) where.number = parsePhoneNumber(phone);
      if (email) where.email = parseEmail(email);
      if (identity) where.identity = identity;
      const request = pageRequest(query);
      const found = await store.list<DeviceRecord>('device', { accountSid: account.sid, where, ...request });
      const url = `${publicUrl}/patchbay/v1/Devices`;
      return { status: 200, body: v1Page('devices', url, request, found, (d) => deviceJson(d, publicUrl)) };
    }
    const match = DEVICE.exec(rest);
    if (!match) return undefined;
    const device = await store.get<DeviceRecord>('device', account.sid, match[1] as string);
    if (!device) throw notFound(match[1] as string);
    if (!match[2]) {
      if (method === 'GET') return { status: 200, body: deviceJson(device, publicUrl) };
      if (method === 'DELETE') {
        await store.delete('device', account.sid, device.sid);
        return { status: 204 };
      }
      return undefined;
    }
    if (method !== 'POST') return undefined;
    const form = await context.form();
    const reason = field(form, 'Reason') ?? 'waiting';
    if (!REASON.test(reason)) throw new RestError(400, 91202, 'Reason: 1 to 64 characters of letters, digits and ._:-');
    const data = Object.fromEntries(
      Object.keys(form)
        .filter((name) => name.startsWith('Data.'))
        .slice(0, 16)
        .map((name) => [name.slice(5, 69), (field(form, name) ?? '').slice(0, 512)]),
    );
    const payload = { reason, ...(Object.keys(data).length > 0 ? { data } : {}) };
    const stored = await leaveNotice(store, device, payload, now);
    if (!stored) throw notFound(device.sid);
    const outcome = await wakeup.wake(stored, payload);
    if (!outcome.ok)
      throw new RestError(
        502,
        91215,
        `the device could not be woken: ${outcome.failures.map((f) => `${f.via}: ${f.error}`).join('; ')}`,
      );
    return { status: 200, body: { ...deviceJson(stored, publicUrl), ...outcomeJson(outcome) } };
  };
