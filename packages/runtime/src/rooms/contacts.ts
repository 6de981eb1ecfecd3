/**
 * Contacts as the rooms API takes them: names, an avatar, an app identity and typed phone numbers
 * from form fields, checked field by field (21200 naming the field, 91106 when nothing reaches
 * the contact); and what "the same person" means, so that adding someone twice merges into one
 * member: the same identity, or a phone number in common unless both name different identities
 * (two app users may share a home line).
 *
 * @example
 * const contact = contactFrom(form, { partial: false }); // { firstName, identity, phones: [...] }
 * const same = members.find((m) => samePerson(m, contact));
 * const merged = same ? mergeContact(same, contact) : contact;
 */
import { absoluteUrl, type Form, field, invalid } from '../api/http.js';
import { type ContactFields, type ContactPhone, PHONE_TYPES, type PhoneType, ROOM_LIMITS } from './records.js';

const E164 = /^\+[1-9][0-9]{6,14}$/;
const IDENTITY = /^[\w.@+-]{1,121}$/;
/** The form field of each phone type; `PhoneNumber` is the mobile unless `PhoneNumberType` says otherwise. */
const PHONE_FIELDS: Readonly<Record<PhoneType, string>> = {
  mobile: 'MobileNumber',
  work: 'WorkNumber',
  home: 'HomeNumber',
  other: 'OtherNumber',
};

/** What a request sets: a field absent is unchanged, `''` clears it. */
export type ContactChanges = {
  -readonly [K in keyof Omit<ContactFields, 'phones'>]?: ContactFields[K] | null;
} & {
  /** Numbers by type; null clears that type. */
  phones?: Partial<Record<PhoneType, string | null>>;
};

function text(form: Form, name: string, max: number): string | null | undefined {
  const value = field(form, name);
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed.length > max) throw invalid(21200, name, `must be at most ${max} characters`);
  return trimmed === '' ? null : trimmed;
}

export function phoneType(form: Form, name: string): PhoneType | undefined {
  const value = field(form, name);
  if (value === undefined) return undefined;
  if (!(PHONE_TYPES as readonly string[]).includes(value))
    throw invalid(21200, name, `must be one of ${PHONE_TYPES.join(', ')}, not "${value}"`);
  return value as PhoneType;
}

function phone(form: Form, name: string): string | null | undefined {
  const value = field(form, name);
  if (value === undefined) return undefined;
  if (value === '') return null;
  if (!E164.test(value)) throw invalid(21200, name, `must be a number in E.164 (+15550100100), not "${value}"`);
  return value;
}

/** The contact fields a form sets (unchanged where absent). */
export function contactChanges(form: Form): ContactChanges {
  const changes: ContactChanges = {};
  const firstName = text(form, 'FirstName', ROOM_LIMITS.nameLength);
  const lastName = text(form, 'LastName', ROOM_LIMITS.nameLength);
  if (firstName !== undefined) changes.firstName = firstName;
  if (lastName !== undefined) changes.lastName = lastName;
  const avatar = field(form, 'AvatarUrl');
  if (avatar !== undefined) {
    if (avatar.length > ROOM_LIMITS.urlLength)
      throw invalid(21200, 'AvatarUrl', `must be at most ${ROOM_LIMITS.urlLength} characters`);
    changes.avatarUrl = avatar === '' ? null : (absoluteUrl(form, 'AvatarUrl', 21200) ?? null);
  }
  const identity = field(form, 'Identity');
  if (identity !== undefined) {
    if (identity !== '' && !IDENTITY.test(identity))
      throw invalid(21200, 'Identity', 'must be 1-121 letters, digits or . _ - @ +');
    changes.identity = identity === '' ? null : identity;
  }
  const phones: Partial<Record<PhoneType, string | null>> = {};
  for (const type of PHONE_TYPES) {
    const value = phone(form, PHONE_FIELDS[type]);
    if (value !== undefined) phones[type] = value;
  }
  const primary = phone(form, 'PhoneNumber');
  if (primary !== undefined) {
    const type = phoneType(form, 'PhoneNumberType') ?? 'mobile';
    if (phones[type] !== undefined && phones[type] !== primary)
      throw invalid(21200, 'PhoneNumber', `and ${PHONE_FIELDS[type]} give two ${type} numbers`);
    phones[type] = primary;
  }
  if (Object.keys(phones).length > 0) changes.phones = phones;
  return changes;
}

/** `current` with `changes` applied (a new contact: `current` empty). */
export function applyContact<T extends ContactFields>(current: T, changes: ContactChanges): T {
  const next: Record<string, unknown> = { ...(current as object) };
  for (const key of ['firstName', 'lastName', 'avatarUrl', 'identity'] as const) {
    const value = changes[key];
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  if (changes.phones) {
    const byType = new Map(current.phones.map((p) => [p.type, p.number] as const));
    for (const [type, number] of Object.entries(changes.phones) as [PhoneType, string | null][]) {
      if (number === null) byType.delete(type);
      else byType.set(type, number);
    }
    next.phones = PHONE_TYPES.flatMap((type): ContactPhone[] => {
      const number = byType.get(type);
      return number ? [{ type, number }] : [];
    });
  }
  return next as T;
}

/** A contact must be reachable: an identity, a number, or both (91106 otherwise). */
export function checkReachable(contact: ContactFields, ringPhone?: PhoneType): void {
  if (!contact.identity && contact.phones.length === 0)
    throw invalid(91106, 'Identity', 'give an identity, a phone number, or both');
  if (ringPhone && !contact.phones.some((p) => p.type === ringPhone))
    throw invalid(91106, 'RingPhone', `the contact has no ${ringPhone} number`);
}

/** Whether two contacts are the same person (see the module comment). */
export function samePerson(a: ContactFields, b: ContactFields): boolean {
  if (a.identity && b.identity) return a.identity === b.identity;
  const numbers = new Set(a.phones.map((p) => p.number));
  return b.phones.some((p) => numbers.has(p.number));
}

/** `existing` with what `added` brings: its names, avatar and identity where given, its numbers by type. */
export function mergeContact<T extends ContactFields>(existing: T, added: ContactFields): T {
  const known = new Set(existing.phones.map((p) => p.number));
  const phones: Partial<Record<PhoneType, string>> = {};
  for (const p of added.phones) if (!known.has(p.number)) phones[p.type] = p.number;
  return applyContact(existing, {
    ...(added.firstName ? { firstName: added.firstName } : {}),
    ...(added.lastName ? { lastName: added.lastName } : {}),
    ...(added.avatarUrl ? { avatarUrl: added.avatarUrl } : {}),
    ...(added.identity && !existing.identity ? { identity: added.identity } : {}),
    phones,
  });
}

/** How a person is shown: their names, else their identity, else their first number. */
export function displayName(contact: ContactFields): string {
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  return name || contact.identity || contact.phones[0]?.number || '';
}
