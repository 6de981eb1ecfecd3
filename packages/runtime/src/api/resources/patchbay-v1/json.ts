/**
 * The rooms API's JSON: snake_case properties, ISO 8601 dates, absolute URLs, every property
 * present (null when empty), as the hosted service's v1 APIs answer.
 */
import type { PresenceRecord } from '../../../bridge/presence.js';
import { displayName } from '../../../rooms/contacts.js';
import type {
  ContactFields,
  DirectoryEntryRecord,
  RoomMemberRecord,
  RoomPolicyRecord,
  RoomRecord,
} from '../../../rooms/records.js';
import { isoDate } from '../voice-v1/paging.js';

export const V1 = '/patchbay/v1';

export function roomJson(room: RoomRecord, base: string, callInProgress = false) {
  const url = `${base}${V1}/Rooms/${room.sid}`;
  return {
    sid: room.sid,
    account_sid: room.accountSid,
    friendly_name: room.friendlyName,
    avatar_url: room.avatarUrl ?? null,
    phone_number: room.phoneNumber,
    phone_number_sid: room.phoneNumberSid,
    member_limit: room.memberLimit,
    end_when_organizer_leaves: room.endWhenOrganizerLeaves,
    inactivity_timeout: room.inactivityTimeout,
    max_duration: room.maxDuration,
    members_may_start: room.membersMayStart,
    non_members: room.nonMembers,
    members_may_schedule: room.membersMaySchedule,
    status_callback: room.statusCallback ?? null,
    status_callback_method: room.statusCallbackMethod,
    call_in_progress: callInProgress,
    date_created: isoDate(room.createdAt),
    date_updated: isoDate(room.updatedAt),
    url,
    links: { members: `${url}/Members`, call: `${url}/Call`, calls: `${url}/Calls` },
  };
}

function contactJson(contact: ContactFields) {
  return {
    first_name: contact.firstName ?? null,
    last_name: contact.lastName ?? null,
    display_name: displayName(contact),
    avatar_url: contact.avatarUrl ?? null,
    identity: contact.identity ?? null,
    phone_numbers: contact.phones.map((phone) => ({ type: phone.type, number: phone.number })),
  };
}

/** How the member can be reached now: `app` while a device of theirs is online, `phone` with a number. */
export function memberJson(member: RoomMemberRecord, base: string, presence: PresenceRecord | undefined) {
  const online = presence?.status === 'online';
  return {
    sid: member.sid,
    account_sid: member.accountSid,
    room_sid: member.roomSid,
    ...contactJson(member),
    ring_phone: member.ringPhone ?? member.phones[0]?.type ?? null,
    role: member.role,
    opted_out: member.optedOut,
    directory_entry_sid: member.directoryEntrySid ?? null,
    /** Numbers proven by a code: the member may chat by text from them. */
    verified_numbers: (member.verifiedNumbers ?? []).filter((n) => member.phones.some((p) => p.number === n)),
    presence: member.identity ? (online ? 'online' : 'offline') : null,
    reachable_by: member.optedOut ? [] : [...(online ? ['app'] : []), ...(member.phones.length > 0 ? ['phone'] : [])],
    date_created: isoDate(member.createdAt),
    date_updated: isoDate(member.updatedAt),
    url: `${base}${V1}/Rooms/${member.roomSid}/Members/${member.sid}`,
  };
}

export function entryJson(entry: DirectoryEntryRecord, base: string) {
  return {
    sid: entry.sid,
    account_sid: entry.accountSid,
    ...contactJson(entry),
    date_created: isoDate(entry.createdAt),
    date_updated: isoDate(entry.updatedAt),
    url: `${base}${V1}/Directory/${entry.sid}`,
  };
}

export function policyJson(policy: RoomPolicyRecord, base: string) {
  return {
    account_sid: policy.accountSid,
    members_may_chat: policy.membersMayChat,
    members_may_send_media: policy.membersMaySendMedia,
    members_may_change_avatar: policy.membersMayChangeAvatar,
    contacts_from_directory_only: policy.contactsFromDirectoryOnly,
    member_added_template: policy.memberAddedTemplate,
    date_updated: policy.updatedAt ? isoDate(policy.updatedAt) : null,
    url: `${base}${V1}/RoomPolicy`,
  };
}
