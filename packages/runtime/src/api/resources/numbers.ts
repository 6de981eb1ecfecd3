/**
 * /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers: claim a number on the network and
 * say where its calls and messages go (VoiceUrl, VoiceMethod, VoiceFallbackUrl, StatusCallback,
 * SmsUrl, SmsMethod, ...). A number belongs to one account at a time.
 */
import { newSid } from '../../sid.js';
import type { StoredRecord } from '../../store/types.js';
import { apiDate, type Form, field, invalid, notFound, RestError } from '../http.js';
import { pageBody, pageRequest } from '../paging.js';
import type { Resource } from './context.js';

export interface NumberRecord extends StoredRecord {
  readonly phoneNumber: string;
  readonly friendlyName: string;
  readonly voiceUrl?: string;
  readonly voiceMethod: 'GET' | 'POST';
  readonly voiceFallbackUrl?: string;
  readonly voiceFallbackMethod: 'GET' | 'POST';
  readonly statusCallback?: string;
  readonly statusCallbackMethod: 'GET' | 'POST';
  readonly smsUrl?: string;
  readonly smsMethod: 'GET' | 'POST';
  readonly smsFallbackUrl?: string;
  readonly smsFallbackMethod: 'GET' | 'POST';
  readonly updatedAt: number;
}

const E164 = /^\+[1-9][0-9]{6,14}$/;
const URL_FIELDS = ['VoiceUrl', 'VoiceFallbackUrl', 'StatusCallback', 'SmsUrl', 'SmsFallbackUrl'] as const;
const METHOD_FIELDS = [
  'VoiceMethod',
  'VoiceFallbackMethod',
  'StatusCallbackMethod',
  'SmsMethod',
  'SmsFallbackMethod',
] as const;

const camel = (name: string) => name[0]?.toLowerCase() + name.slice(1);

export function numberJson(number: NumberRecord) {
  return {
    sid: number.sid,
    account_sid: number.accountSid,
    friendly_name: number.friendlyName,
    phone_number: number.phoneNumber,
    voice_url: number.voiceUrl ?? null,
    voice_method: number.voiceMethod,
    voice_fallback_url: number.voiceFallbackUrl ?? null,
    voice_fallback_method: number.voiceFallbackMethod,
    voice_caller_id_lookup: false,
    voice_application_sid: null,
    status_callback: number.statusCallback ?? null,
    status_callback_method: number.statusCallbackMethod,
    sms_url: number.smsUrl ?? null,
    sms_method: number.smsMethod,
    sms_fallback_url: number.smsFallbackUrl ?? null,
    sms_fallback_method: number.smsFallbackMethod,
    sms_application_sid: null,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    status: 'in-use',
    origin: 'patchbay',
    api_version: '2010-04-01',
    date_created: apiDate(number.createdAt),
    date_updated: apiDate(number.updatedAt),
    uri: `/2010-04-01/Accounts/${number.accountSid}/IncomingPhoneNumbers/${number.sid}.json`,
  };
}

/** The URL and method settings given in a form, checked. */
function settings(form: Form): Partial<NumberRecord> {
  const changes: Record<string, string> = {};
  for (const name of URL_FIELDS) {
    const value = field(form, name);
    if (value === undefined) continue;
    if (value !== '') {
      try {
        const url = new URL(value);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
      } catch {
        throw invalid(21502, name, `"${value}" is not an absolute http(s) URL`);
      }
    }
    changes[camel(name)] = value;
  }
  for (const name of METHOD_FIELDS) {
    const value = field(form, name)?.toUpperCase();
    if (value === undefined) continue;
    if (value !== 'GET' && value !== 'POST') throw invalid(21200, name, 'must be GET or POST');
    changes[camel(name)] = value;
  }
  const friendlyName = field(form, 'FriendlyName');
  if (friendlyName !== undefined) changes.friendlyName = friendlyName.slice(0, 64);
  return changes as Partial<NumberRecord>;
}

/** Empty strings clear a URL, as in the hosted API. */
function withoutEmpty(record: NumberRecord): NumberRecord {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== '')) as unknown as NumberRecord;
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
      if (await store.findOne('number', { phoneNumber }))
        throw new RestError(400, 21422, `PhoneNumber: ${phoneNumber} is not available`);
      const number: NumberRecord = withoutEmpty({
        sid: newSid('PN'),
        accountSid: account.sid,
        createdAt: context.now,
        updatedAt: context.now,
        phoneNumber,
        friendlyName: phoneNumber,
        voiceMethod: 'POST',
        voiceFallbackMethod: 'POST',
        statusCallbackMethod: 'POST',
        smsMethod: 'POST',
        smsFallbackMethod: 'POST',
        ...settings(form),
      });
      await store.put('number', number);
      return { status: 201, body: numberJson(number) };
    }
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const where: Record<string, string> = {};
      const phoneNumber = query.get('PhoneNumber');
      const friendlyName = query.get('FriendlyName');
      if (phoneNumber !== null) where.phoneNumber = phoneNumber;
      if (friendlyName !== null) where.friendlyName = friendlyName;
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
    const { voiceUrl, voiceFallbackUrl, statusCallback, smsUrl, smsFallbackUrl, ...kept } = number;
    const previousUrls = Object.fromEntries(
      Object.entries({ voiceUrl, voiceFallbackUrl, statusCallback, smsUrl, smsFallbackUrl }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    const updated = withoutEmpty({
      ...kept,
      ...previousUrls,
      ...settings(await context.form()),
      updatedAt: context.now,
    } as NumberRecord);
    await store.put('number', updated);
    return { status: 200, body: numberJson(updated) };
  }
  if (context.method === 'DELETE') {
    await store.delete('number', account.sid, sid);
    return { status: 204 };
  }
  return undefined;
};
