/**
 * The endpoints a device calls itself, under `/patchbay/v1` (docs/registration.md#endpoints). They
 * authenticate as the device does on its channel, with its access token
 * (`Authorization: Bearer <token>`): the token's account and identity are who registers. Two
 * exceptions: the email link (opened in any browser: its one-use token is the proof) and the
 * notices of a registered device (its credential, `Basic <device SID>:<secret>`).
 *
 * @example
 * const answer = deviceRoutes(feature)(req, url, publicUrl); // undefined: not a device endpoint
 */
import type { IncomingMessage } from 'node:http';
import type { DeviceError } from '@patchbay/sdk/protocol';
import { type Form, field, notFound, RestError, readForm } from '../api/http.js';
import type { ResourceResult } from '../api/resources/context.js';
import type { VerifiedToken } from '../bridge/access-tokens.js';
import type { Store } from '../store/types.js';
import { authenticateDevice } from './credentials.js';
import { deviceJson, registrationJson, settingsJson } from './json.js';
import { linkPage, wantsJson } from './link-page.js';
import { type Binding, bindingText } from './records.js';
import type { Registrant, Registrations } from './registrations.js';
import { deviceSettings } from './settings.js';
import { noticesAfter } from './waiting.js';
import { parseDeviceId, parseEmail, parsePhoneNumber, parseWakeUp } from './wake-address.js';

const PREFIX = '/patchbay/v1/';
const REGISTRATION = /^DeviceRegistrations\/(DR[0-9a-f]{32})(?:\/(Code|Complete|Verify))?$/;

export interface DeviceRouteDeps {
  readonly store: Store;
  readonly registrations: Registrations;
  readonly now: () => number;
  /** Verifies a device's access token (the bridge's checks). */
  verify(token: string): Promise<VerifiedToken>;
}

type Answer = NonNullable<ResourceResult>;

async function registrant(req: IncomingMessage, deps: DeviceRouteDeps): Promise<Registrant> {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Bearer '))
    throw new RestError(401, 91212, 'send the device access token: Authorization: Bearer <token>');
  try {
    const token = await deps.verify(header.slice(7).trim());
    return { accountSid: token.accountSid, identity: token.identity };
  } catch (error) {
    throw new RestError(401, 91212, `the access token does not verify: ${(error as DeviceError).message}`);
  }
}

function binding(form: Form): Binding {
  const email = field(form, 'Email');
  return email !== undefined
    ? { type: 'email', address: parseEmail(email) }
    : { type: 'phone', number: parsePhoneNumber(field(form, 'PhoneNumber')) };
}

export function deviceRoutes(deps: DeviceRouteDeps, maxBodyBytes = 64 * 1024) {
  const { registrations, store } = deps;
  /** The email link: a page for a person (docs/registration.md#by-email), JSON for an API client. */
  const emailLink = async (req: IncomingMessage, sid: string, method: 'GET' | 'POST', url: URL, base: string) => {
    const json = wantsJson(req);
    try {
      const record =
        method === 'GET'
          ? await registrations.checkLink(sid, url.searchParams.get('Token') ?? '')
          : await registrations.verifyLink(sid, field(await readForm(req, maxBodyBytes), 'Token') ?? '');
      if (json) return { status: 200, body: registrationJson(record, base) };
      const address = bindingText(record.binding);
      return method === 'GET'
        ? linkPage({ type: 'confirm', deviceId: record.deviceId, address, token: url.searchParams.get('Token') ?? '' })
        : linkPage({ type: 'confirmed', address });
    } catch (error) {
      if (json || !(error instanceof RestError)) throw error;
      return linkPage({ type: 'refused', error });
    }
  };
  return (req: IncomingMessage, url: URL, base: string): Promise<Answer> | undefined => {
    if (!url.pathname.startsWith(PREFIX)) return undefined;
    const rest = url.pathname.slice(PREFIX.length);
    const method = req.method ?? 'GET';
    const form = () => readForm(req, maxBodyBytes);
    if (rest === 'DeviceNotices' && method === 'GET')
      return (async () => {
        const device = await authenticateDevice(req, store);
        const after = Number(url.searchParams.get('After') ?? '0');
        return {
          status: 200,
          body: { device_sid: device.sid, notices: noticesAfter(device, Number.isFinite(after) ? after : 0) },
        };
      })();
    const match = REGISTRATION.exec(rest);
    // The link only shows what would be confirmed: mail scanners that open links confirm nothing.
    if (match?.[2] === 'Verify' && (method === 'GET' || method === 'POST'))
      return emailLink(req, match[1] as string, method, url, base);
    if (!rest.startsWith('DeviceRegistrations')) return undefined;
    return (async (): Promise<Answer> => {
      const who = await registrant(req, deps);
      if (rest === 'DeviceRegistrations/PushKey' && method === 'GET')
        return { status: 200, body: settingsJson(await deviceSettings(store, who.accountSid, deps.now()), base) };
      if (rest === 'DeviceRegistrations' && method === 'POST') {
        const values = await form();
        const record = await registrations.start(who, {
          deviceId: parseDeviceId(field(values, 'DeviceId')),
          binding: binding(values),
          wakeUp: parseWakeUp(field(values, 'WakeUp')),
          linkBase: `${base}${PREFIX}DeviceRegistrations`,
        });
        return { status: 201, body: registrationJson(record, base) };
      }
      if (rest === 'DeviceRegistrations/Signed' && method === 'POST') {
        const values = await form();
        const done = await registrations.completeSigned(who, {
          number: parsePhoneNumber(field(values, 'PhoneNumber')),
          deviceId: parseDeviceId(field(values, 'DeviceId')),
          wakeUp: parseWakeUp(field(values, 'WakeUp')),
          signature: field(values, 'Signature') ?? '',
        });
        return { status: 201, body: { ...deviceJson(done.device, base), credential: done.credential } };
      }
      if (!match) throw notFound(url.pathname);
      const sid = match[1] as string;
      if (!match[2] && method === 'GET')
        return { status: 200, body: registrationJson(await registrations.get(who, sid), base) };
      if (match[2] === 'Code' && method === 'POST') {
        const values = await form();
        const done = await registrations.completeCode(who, sid, {
          deviceId: parseDeviceId(field(values, 'DeviceId')),
          binding: binding(values),
          code: field(values, 'Code') ?? '',
        });
        return { status: 201, body: { ...deviceJson(done.device, base), credential: done.credential } };
      }
      if (match[2] === 'Complete' && method === 'POST') {
        const values = await form();
        const done = await registrations.completeVerified(who, sid, parseDeviceId(field(values, 'DeviceId')));
        return { status: 201, body: { ...deviceJson(done.device, base), credential: done.credential } };
      }
      throw notFound(url.pathname);
    })();
  };
}
