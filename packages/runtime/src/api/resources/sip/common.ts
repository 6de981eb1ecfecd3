/**
 * What the SIP resources share: caps (59200 past them), the voice settings of domains and trunks
 * read from a form (the hosted names differ: a domain's `VoiceStatusCallbackUrl` is a trunk's
 * `StatusCallbackUrl`), and a bounded walk over a list's records for cascades.
 */
import type { VoiceSettings } from '../../../sip/records.js';
import type { FilterValue, RecordKind, Store, StoredRecord } from '../../../store/types.js';
import { urlRefusal } from '../../../webhooks/egress.js';
import { type Form, field, httpMethod, invalid, RestError } from '../../http.js';
import { atCap } from '../counts.js';

/** Refuses (400, 59200) a new record when `accountSid` has `cap` of them (matching `where`) already. */
export async function checkCap(
  store: Store,
  kind: RecordKind,
  accountSid: string,
  cap: number,
  what: string,
  where: Readonly<Record<string, FilterValue>> = {},
): Promise<void> {
  if (await atCap(store, kind, accountSid, cap, where))
    throw new RestError(400, 59200, `there are ${cap} ${what} already, as many as Patchbay allows: delete some first`);
}

/** Every record of `kind` matching `where` (at most `max`: the caps bound them). */
export async function allOf<T extends StoredRecord>(
  store: Store,
  kind: RecordKind,
  accountSid: string,
  where: Readonly<Record<string, FilterValue>>,
  max = 1000,
): Promise<T[]> {
  return (await store.list<T>(kind, { accountSid, where, page: 0, pageSize: max })).items;
}

/** The form names of the voice settings. */
export interface VoiceFieldNames {
  readonly statusCallbackUrl: string;
  readonly statusCallbackMethod: string;
}

export const DOMAIN_FIELDS: VoiceFieldNames = {
  statusCallbackUrl: 'VoiceStatusCallbackUrl',
  statusCallbackMethod: 'VoiceStatusCallbackMethod',
};
export const TRUNK_FIELDS: VoiceFieldNames = {
  statusCallbackUrl: 'StatusCallbackUrl',
  statusCallbackMethod: 'StatusCallbackMethod',
};

type Changes = { -readonly [K in keyof VoiceSettings]?: VoiceSettings[K] | null };

/** The voice settings a form changes, checked (21502 for a URL, 21200 for a method); null clears a URL. */
export function voiceChanges(form: Form, names: VoiceFieldNames): Changes {
  const changes: Changes = {};
  const urls = [
    ['voiceUrl', 'VoiceUrl'],
    ['voiceFallbackUrl', 'VoiceFallbackUrl'],
    ['statusCallbackUrl', names.statusCallbackUrl],
  ] as const;
  for (const [key, name] of urls) {
    const value = field(form, name);
    if (value === undefined) continue;
    const problem = value === '' ? undefined : urlRefusal(value);
    if (problem) throw invalid(21502, name, problem);
    changes[key] = value === '' ? null : value;
  }
  const methods = [
    ['voiceMethod', 'VoiceMethod'],
    ['voiceFallbackMethod', 'VoiceFallbackMethod'],
    ['statusCallbackMethod', names.statusCallbackMethod],
  ] as const;
  for (const [key, name] of methods) {
    const method = httpMethod(form, name);
    if (method) changes[key] = method;
  }
  return changes;
}

/** `record` with `changes` applied (null removes a field). */
export function applyChanges<T extends object>(record: T, changes: Record<string, unknown>): T {
  const next = { ...record } as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next as T;
}

/** A FriendlyName of at most `max` characters (21200 past it); `required` refuses a missing or empty one. */
export function friendlyName(form: Form, max: number, required: boolean, code: 21200 | 21240 = 21200) {
  const value = field(form, 'FriendlyName');
  if (required && !value) throw invalid(code, 'FriendlyName', 'is required');
  if (value !== undefined && value.length > max)
    throw invalid(code, 'FriendlyName', `must be at most ${max} characters`);
  return value;
}
