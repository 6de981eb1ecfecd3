/**
 * /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers: claim a number on the network and
 * say where its calls and messages go (VoiceUrl, VoiceMethod, VoiceFallbackUrl, StatusCallback,
 * SmsUrl, SmsMethod, ...). A number belongs to one account at a time.
 */
import { newSid } from '../../sid.js';
import type { Store, StoredRecord } from '../../store/types.js';
import { apiDate, type Form, field, invalid, notFound, RestError } from '../http.js';
import { filtersFrom, pageBody, pageRequest } from '../paging.js';
import { type AppSettingsRecord, applySettings, DEFAULT_METHODS, settingsFrom, settingsJson } from './app-settings.js';
import type { Resource, ResourceContext } from './context.js';
import { checkCount } from './counts.js';

export interface NumberRecord extends StoredRecord, AppSettingsRecord {
  readonly phoneNumber: string;
  /** When set, calls to the number follow this Application's voice settings instead. */
  readonly voiceApplicationSid?: string;
  /** When set, messages to the number follow this Application's SMS settings instead. */
  readonly smsApplicationSid?: string;
  /** The room this number was assigned to (rooms/numbers.ts): its calls and messages are the room's. */
  readonly roomSid?: string;
  readonly updatedAt: number;
}

const E164 = /^\+[1-9][0-9]{6,14}$/;

export function numberJson(number: NumberRecord) {
  return {
    sid: number.sid,
    account_sid: number.accountSid,
    phone_number: number.phoneNumber,
    ...settingsJson(number),
    voice_application_sid: number.voiceApplicationSid ?? null,
    sms_application_sid: number.smsApplicationSid ?? null,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    status: 'in-use',
    origin: 'patchbay',
    type: 'local',
    beta: false,
    voice_receive_mode: 'voice',
    address_sid: null,
    address_requirements: 'none',
    identity_sid: null,
    trunk_sid: null,
    bundle_sid: null,
    emergency_status: 'Inactive',
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    api_version: '2010-04-01',
    date_created: apiDate(number.createdAt),
    date_updated: apiDate(number.updatedAt),
    uri: `/2010-04-01/Accounts/${number.accountSid}/IncomingPhoneNumbers/${number.sid}.json`,
  };
}

/** The settings in a form, with VoiceApplicationSid/SmsApplicationSid checked against the account's applications. */
async function numberSettings(form: Form, store: Store, accountSid: string) {
  const changes = settingsFrom(form);
  for (const name of ['VoiceApplicationSid', 'SmsApplicationSid'] as const) {
    const value = field(form, name);
    if (value === undefined) continue;
    if (value !== '' && !(await store.get('application', accountSid, value)))
      throw invalid(21200, name, `${value} is not an application of this account`);
    changes[name === 'VoiceApplicationSid' ? 'voiceApplicationSid' : 'smsApplicationSid'] = value;
  }
  return changes;
}

/** Empty application SIDs clear them, as empty URLs do. */
function withoutEmptyApps(number: NumberRecord): NumberRecord {
  const copy: Record<string, unknown> = { ...number };
  if (copy.voiceApplicationSid === '') delete copy.voiceApplicationSid;
  if (copy.smsApplicationSid === '') delete copy.smsApplicationSid;
  return copy as unknown as NumberRecord;
}

/** Numbers being claimed by requests in flight, per store (a number belongs to one account at a time). */
const claims = new WeakMap<Store, Set<string>>();

function claimsOf(store: Store): Set<string> {
  const claiming = claims.get(store) ?? new Set<string>();
  claims.set(store, claiming);
  return claiming;
}

async function claim(context: ResourceContext, phoneNumber: string, form: Form, taken: () => RestError) {
  const { store, account } = context;
  if (await store.findOne('number', { phoneNumber })) throw taken();
  const base: NumberRecord = {
    sid: newSid('PN'),
    accountSid: account.sid,
    createdAt: context.now,
    updatedAt: context.now,
    phoneNumber,
    friendlyName: phoneNumber,
    ...DEFAULT_METHODS,
  };
  const number = withoutEmptyApps(applySettings(base, await numberSettings(form, store, account.sid)));
  await checkCount(context, 'number');
  await store.put('number', number);
  return { status: 201, body: numberJson(number) };
}

export const numbersResource: Resource = async (context) => {
  const { store, account, rest, query } = context;
  const path = `/2010-04-01/Accounts/${account.sid}/IncomingPhoneNumbers.json`;
  if (rest === 'IncomingPhoneNumbers.json') {
    if (context.method === 'POST') {
      const form = await context.form();
      const phoneNumber = field(form, 'PhoneNumber');
      if (!phoneNumber || !E164.test(phoneNumber))
        throw invalid(21421, 'PhoneNumber', `"${phoneNumber ?? ''}" is not an E.164 phone number`);
      const taken = () => new RestError(400, 21422, `PhoneNumber: ${phoneNumber} is not available`);
      // Checked and reserved before the first await, so two requests cannot both see it free.
      const claiming = claimsOf(store);
      if (claiming.has(phoneNumber)) throw taken();
      claiming.add(phoneNumber);
      try {
        return await claim(context, phoneNumber, form, taken);
      } finally {
        claiming.delete(phoneNumber);
      }
    }
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const where = filtersFrom(query, ['PhoneNumber', 'FriendlyName']);
      const page = await store.list<NumberRecord>('number', { accountSid: account.sid, where, ...request });
      return { status: 200, body: pageBody('incoming_phone_numbers', path, query, request, page, numberJson) };
    }
    return undefined;
  }
  const match = /^IncomingPhoneNumbers\/(PN[0-9a-f]{32})\.json$/.exec(rest);
  if (!match) return undefined;
  const sid = match[1] as string;
  const number = await store.get<NumberRecord>('number', account.sid, sid);
  if (!number) throw notFound(sid);
  if (context.method === 'GET') return { status: 200, body: numberJson(number) };
  if (context.method === 'POST') {
    const changes = await numberSettings(await context.form(), store, account.sid);
    // The number as stored now: one released while the body arrived stays released.
    const updated = await store.update<NumberRecord>('number', account.sid, sid, (current) =>
      withoutEmptyApps(applySettings({ ...current, updatedAt: context.now }, changes)),
    );
    if (!updated) throw notFound(sid);
    return { status: 200, body: numberJson(updated) };
  }
  if (context.method === 'DELETE') {
    if (number.roomSid)
      throw new RestError(409, 91108, `${sid} is the number of room ${number.roomSid}: delete the room first`);
    await store.delete('number', account.sid, sid);
    return { status: 204 };
  }
  return undefined;
};
