/**
 * Where a number's or application's calls and messages go: the URL and method fields shared by
 * IncomingPhoneNumbers and Applications (VoiceUrl, VoiceMethod, VoiceFallbackUrl, StatusCallback,
 * SmsUrl, SmsMethod, ...), read from a form and checked.
 */

import { urlRefusal } from '../../webhooks/egress.js';
import { type Form, field, invalid } from '../http.js';

type Method = 'GET' | 'POST';

export interface AppSettingsRecord {
  readonly friendlyName: string;
  readonly voiceUrl?: string;
  readonly voiceMethod: Method;
  readonly voiceFallbackUrl?: string;
  readonly voiceFallbackMethod: Method;
  readonly statusCallback?: string;
  readonly statusCallbackMethod: Method;
  readonly smsUrl?: string;
  readonly smsMethod: Method;
  readonly smsFallbackUrl?: string;
  readonly smsFallbackMethod: Method;
  readonly smsStatusCallback?: string;
}

export const DEFAULT_METHODS = {
  voiceMethod: 'POST',
  voiceFallbackMethod: 'POST',
  statusCallbackMethod: 'POST',
  smsMethod: 'POST',
  smsFallbackMethod: 'POST',
} as const;

const URL_FIELDS = ['VoiceUrl', 'VoiceFallbackUrl', 'StatusCallback', 'SmsUrl', 'SmsFallbackUrl', 'SmsStatusCallback'];
const METHOD_FIELDS = ['VoiceMethod', 'VoiceFallbackMethod', 'StatusCallbackMethod', 'SmsMethod', 'SmsFallbackMethod'];
type UrlKey = 'voiceUrl' | 'voiceFallbackUrl' | 'statusCallback' | 'smsUrl' | 'smsFallbackUrl' | 'smsStatusCallback';
const URL_KEYS: readonly UrlKey[] = [
  'voiceUrl',
  'voiceFallbackUrl',
  'statusCallback',
  'smsUrl',
  'smsFallbackUrl',
  'smsStatusCallback',
];

const camel = (name: string) => name[0]?.toLowerCase() + name.slice(1);

/** The settings given in a form, checked; an empty URL means "clear it". */
export function settingsFrom(form: Form): Partial<Record<string, string>> {
  const changes: Record<string, string> = {};
  for (const name of URL_FIELDS) {
    const value = field(form, name);
    if (value === undefined) continue;
    const problem = value === '' ? undefined : urlRefusal(value);
    if (problem) throw invalid(21502, name, problem);
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
  return changes;
}

/** `record` with `changes` applied: URLs given as empty strings are removed. */
export function applySettings<T extends AppSettingsRecord>(record: T, changes: Partial<Record<string, string>>): T {
  const merged: Record<string, unknown> = { ...record, ...changes };
  for (const key of URL_KEYS) if (merged[key] === '') delete merged[key];
  return merged as T;
}

/** The settings in the snake_case JSON of the 2010-04-01 API. */
export function settingsJson(record: AppSettingsRecord) {
  return {
    friendly_name: record.friendlyName,
    voice_url: record.voiceUrl ?? null,
    voice_method: record.voiceMethod,
    voice_fallback_url: record.voiceFallbackUrl ?? null,
    voice_fallback_method: record.voiceFallbackMethod,
    voice_caller_id_lookup: false,
    status_callback: record.statusCallback ?? null,
    status_callback_method: record.statusCallbackMethod,
    sms_url: record.smsUrl ?? null,
    sms_method: record.smsMethod,
    sms_fallback_url: record.smsFallbackUrl ?? null,
    sms_fallback_method: record.smsFallbackMethod,
  };
}
