/**
 * Adding people to a room: the same person twice merges into one member (contacts.ts), the
 * room's member limit holds (91103; a merge does not count again), and under a directory-only
 * policy a contact must come from the operator's directory, its names resolved from the entry
 * (91104 otherwise). One change at a time per room (Serial), so concurrent adds cannot pass the
 * limit together.
 *
 * @example
 * const { member, merged } = await addMember(deps, room, contact, { policy });
 */
import { invalid, RestError } from '../api/http.js';
import { allOf } from '../api/resources/sip/common.js';
import { newSid } from '../sid.js';
import type { Store } from '../store/types.js';
import { checkReachable, mergeContact, samePerson } from './contacts.js';
import { sameInDirectory } from './directory.js';
import type {
  ContactFields,
  DirectoryEntryRecord,
  PhoneType,
  RoomMemberRecord,
  RoomPolicyRecord,
  RoomRecord,
} from './records.js';
import { ROOM_LIMITS } from './records.js';
import type { Serial } from './serial.js';

export interface MemberDeps {
  readonly store: Store;
  readonly serial: Serial;
  readonly now: () => number;
}

export interface AddOptions {
  readonly policy: RoomPolicyRecord;
  readonly role?: 'organizer' | 'member';
  readonly ringPhone?: PhoneType;
  readonly directoryEntrySid?: string;
}

export function roomMembers(store: Store, room: RoomRecord): Promise<RoomMemberRecord[]> {
  return allOf<RoomMemberRecord>(
    store,
    'room-member',
    room.accountSid,
    { roomSid: room.sid },
    ROOM_LIMITS.memberLimitMax,
  );
}

/** The directory entry a contact resolves to: the named one, else the one with its identity or a number of its. */
async function fromDirectory(
  store: Store,
  accountSid: string,
  contact: ContactFields,
  entrySid: string | undefined,
): Promise<DirectoryEntryRecord> {
  if (entrySid) {
    const entry = await store.get<DirectoryEntryRecord>('room-directory-entry', accountSid, entrySid);
    if (!entry) throw invalid(91104, 'DirectoryEntrySid', `${entrySid} is not an entry of this account's directory`);
    return entry;
  }
  const entry = await sameInDirectory(store, accountSid, contact);
  if (entry) return entry;
  throw invalid(91104, 'PhoneNumber', 'the account takes contacts from its directory only, and this one is not there');
}

export async function addMember(
  deps: MemberDeps,
  room: RoomRecord,
  given: ContactFields,
  options: AddOptions,
): Promise<{ member: RoomMemberRecord; merged: boolean; before?: RoomMemberRecord }> {
  let contact = given;
  let directoryEntrySid: string | undefined;
  if (options.policy.contactsFromDirectoryOnly || options.directoryEntrySid) {
    const entry = await fromDirectory(deps.store, room.accountSid, given, options.directoryEntrySid);
    // Names, avatar and numbers are the operator's: what the request typed does not override them.
    contact = mergeContact({ phones: [] }, entry);
    directoryEntrySid = entry.sid;
  }
  checkReachable(contact, options.ringPhone);
  return deps.serial.run(room.sid, async () => {
    const members = await roomMembers(deps.store, room);
    const same = members.find((member) => samePerson(member, contact));
    const now = deps.now();
    if (same) {
      const member = await deps.store.update<RoomMemberRecord>('room-member', room.accountSid, same.sid, (current) => ({
        ...mergeContact(current, contact),
        ...(options.ringPhone ? { ringPhone: options.ringPhone } : {}),
        ...(options.role === 'organizer' ? { role: 'organizer' as const } : {}),
        ...(directoryEntrySid ? { directoryEntrySid } : {}),
        updatedAt: now,
      }));
      if (member) return { member, merged: true, before: same };
    }
    const overLimit = () =>
      new RestError(
        409,
        91103,
        `room ${room.sid} has ${room.memberLimit} members, its limit: remove one or raise MemberLimit`,
      );
    if (members.length >= room.memberLimit) throw overLimit();
    const member: RoomMemberRecord = {
      ...contact,
      sid: newSid('MB'),
      accountSid: room.accountSid,
      roomSid: room.sid,
      createdAt: now,
      updatedAt: now,
      role: options.role ?? 'member',
      optedOut: false,
      ...(options.ringPhone ? { ringPhone: options.ringPhone } : {}),
      ...(directoryEntrySid ? { directoryEntrySid } : {}),
    };
    await deps.store.put('room-member', member);
    // Nodes of a cluster add at once past each other's look: the limit's first members (by
    // creation, then SID, the same order for every node) stay, a later one is taken back.
    const order = (await roomMembers(deps.store, room)).sort(
      (a, b) => a.createdAt - b.createdAt || (a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0),
    );
    if (order.findIndex((m) => m.sid === member.sid) >= room.memberLimit) {
      await deps.store.delete('room-member', room.accountSid, member.sid);
      throw overLimit();
    }
    return { member, merged: false };
  });
}
