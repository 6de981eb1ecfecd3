/**
 * Adding people to a room: the same person twice merges into one member (contacts.ts), the
 * room's member limit holds (91103; a merge does not count again), and under a directory-only
 * policy a contact must come from the operator's directory, its names resolved from the entry
 * (91104 otherwise). One change at a time per room (Serial), so concurrent adds cannot pass the
 * limit together.
 *
 * In a cluster (`bus`), the node adding someone holds that person's keys on the bus while it adds
 * them (`room-person:<room>:<identity or number>`, one per identity and number, set if absent): an
 * add of the same person on another node at the same instant waits its turn, then finds the
 * member stored and merges into it, so the person is stored once.
 *
 * @example
 * const { member, merged } = await addMember(deps, room, contact, { policy });
 */
import { invalid, RestError } from '../api/http.js';
import { allOf } from '../api/resources/sip/common.js';
import { sleep } from '../clock/clock.js';
import type { Bus } from '../cluster/bus.js';
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
  /** In a cluster: where the person being added is held. */
  readonly bus?: Pick<Bus, 'claimKey' | 'deleteKey' | 'nodeId' | 'clock'> | undefined;
}

/** How long a node holds a person being added (it frees them sooner: when the add is done). */
const PERSON_HOLD_MS = 10_000;
/** How often an add of a person another node holds looks again. */
const PERSON_RETRY_MS = 20;

/**
 * Runs `work` holding the person's keys on the bus (each identity and number of the contact), so
 * the same person is not added on two nodes at once. Waits while another node holds any of them
 * (at most PERSON_HOLD_MS, should that node die holding them).
 */
async function holdingPerson<T>(
  bus: NonNullable<MemberDeps['bus']>,
  room: RoomRecord,
  contact: ContactFields,
  work: () => Promise<T>,
): Promise<T> {
  const keys = [
    ...(contact.identity ? [`id:${contact.identity}`] : []),
    ...contact.phones.map((phone) => `n:${phone.number}`),
  ].map((key) => `room-person:${room.sid}:${key}`);
  const holder = `${bus.nodeId}:${newSid('MB')}`;
  const release = (held: readonly string[]) =>
    Promise.all(held.map((key) => bus.deleteKey(key, holder).catch(() => false)));
  for (;;) {
    const held: string[] = [];
    for (const key of keys) {
      if (!(await bus.claimKey(key, holder, PERSON_HOLD_MS))) break;
      held.push(key);
    }
    if (held.length === keys.length) break;
    await release(held);
    await sleep(bus.clock, PERSON_RETRY_MS);
  }
  try {
    return await work();
  } finally {
    await release(keys);
  }
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
  const { bus } = deps;
  if (bus) return holdingPerson(bus, room, contact, () => added(deps, room, contact, options, directoryEntrySid));
  return added(deps, room, contact, options, directoryEntrySid);
}

/** The contact added (or merged into the same person), one change at a time in the room. */
function added(
  deps: MemberDeps,
  room: RoomRecord,
  contact: ContactFields,
  options: AddOptions,
  directoryEntrySid: string | undefined,
): Promise<{ member: RoomMemberRecord; merged: boolean; before?: RoomMemberRecord }> {
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
