/**
 * /patchbay/v1/Rooms: a group's standing room with its own phone number (docs/rooms.md). Create
 * (the number is assigned from the account's free ones, 91101 when none is), list, fetch, rename
 * and change its settings, delete (its members go, its number is free again).
 */

import { roomCallKey } from '../../../rooms/call/commands.js';
import { changedFields } from '../../../rooms/call/room-updates.js';
import { roomMembers } from '../../../rooms/members.js';
import { claimNumber, releaseNumber } from '../../../rooms/numbers.js';
import { defaultRoomSettings, NON_MEMBER_POLICIES, ROOM_LIMITS, type RoomRecord } from '../../../rooms/records.js';
import { newSid } from '../../../sid.js';
import { absoluteUrl, bool, type Form, field, httpMethod, invalid, notFound, RestError } from '../../http.js';
import { pageRequest } from '../../paging.js';
import type { Resource, ResourceContext } from '../context.js';
import { atCap } from '../counts.js';
import { allOf } from '../sip/common.js';
import { v1Page } from '../voice-v1/paging.js';
import type { RoomsApi } from './index.js';
import { roomJson, V1 } from './json.js';

function whole(form: Form, name: string, min: number, max: number): number | undefined {
  const value = field(form, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max)
    throw invalid(21200, name, `must be a whole number from ${min} to ${max}, not "${value}"`);
  return number;
}

/** The room fields a form sets. */
function roomChanges(form: Form, creating: boolean): Partial<Record<keyof RoomRecord, unknown>> {
  const changes: Partial<Record<keyof RoomRecord, unknown>> = {};
  const name = field(form, 'FriendlyName')?.trim();
  if (name !== undefined) {
    if (name === '' || name.length > ROOM_LIMITS.friendlyNameLength)
      throw invalid(21200, 'FriendlyName', `must be 1 to ${ROOM_LIMITS.friendlyNameLength} characters`);
    changes.friendlyName = name;
  } else if (creating) throw invalid(21200, 'FriendlyName', 'a room needs a name');
  const avatar = field(form, 'AvatarUrl');
  if (avatar !== undefined) changes.avatarUrl = avatar === '' ? undefined : absoluteUrl(form, 'AvatarUrl', 21200);
  const callback = field(form, 'StatusCallback');
  if (callback !== undefined)
    changes.statusCallback = callback === '' ? undefined : absoluteUrl(form, 'StatusCallback', 21200);
  const method = httpMethod(form, 'StatusCallbackMethod');
  if (method) changes.statusCallbackMethod = method;
  const numbers = {
    memberLimit: whole(form, 'MemberLimit', 1, ROOM_LIMITS.memberLimitMax),
    inactivityTimeout: whole(form, 'InactivityTimeout', 10, ROOM_LIMITS.inactivityTimeoutMax),
    maxDuration: whole(form, 'MaxDuration', 60, ROOM_LIMITS.maxDurationMax),
  };
  const flags = {
    endWhenOrganizerLeaves: bool(form, 'EndWhenOrganizerLeaves'),
    membersMayStart: bool(form, 'MembersMayStart'),
    membersMaySchedule: bool(form, 'MembersMaySchedule'),
  };
  for (const [key, value] of Object.entries({ ...numbers, ...flags }))
    if (value !== undefined) changes[key as keyof RoomRecord] = value;
  const nonMembers = field(form, 'NonMembers');
  if (nonMembers !== undefined) {
    if (!(NON_MEMBER_POLICIES as readonly string[]).includes(nonMembers))
      throw invalid(21200, 'NonMembers', `must be one of ${NON_MEMBER_POLICIES.join(', ')}, not "${nonMembers}"`);
    changes.nonMembers = nonMembers;
  }
  return changes;
}

function apply(room: RoomRecord, changes: Partial<Record<keyof RoomRecord, unknown>>): RoomRecord {
  const next: Record<string, unknown> = { ...room, ...changes };
  for (const key of Object.keys(changes)) if (changes[key as keyof RoomRecord] === undefined) delete next[key];
  return next as unknown as RoomRecord;
}

async function create(context: ResourceContext, api: RoomsApi) {
  const { store, account, now } = context;
  const changes = roomChanges(await context.form(), true);
  return api.serial.run(`rooms:${account.sid}`, async () => {
    if (await atCap(store, 'room', account.sid, ROOM_LIMITS.roomsPerAccount))
      throw new RestError(
        409,
        91105,
        `the account has ${ROOM_LIMITS.roomsPerAccount} rooms, as many as Patchbay keeps`,
      );
    const sid = newSid('RM');
    const number = await claimNumber(store, account.sid, sid, now);
    const room = apply(
      {
        ...defaultRoomSettings(),
        sid,
        accountSid: account.sid,
        createdAt: now,
        updatedAt: now,
        friendlyName: '',
        phoneNumber: number.phoneNumber,
        phoneNumberSid: number.sid,
      },
      changes,
    );
    await store.put('room', room);
    return { status: 201, body: roomJson(room, context.publicUrl) };
  });
}

export const roomsResource =
  (api: RoomsApi): Resource =>
  async (context) => {
    const { store, account, rest, publicUrl, method } = context;
    if (rest === 'Rooms') {
      if (method === 'POST') return create(context, api);
      if (method === 'GET') {
        const request = pageRequest(context.query);
        const page = await store.list<RoomRecord>('room', { accountSid: account.sid, ...request });
        const running = new Set<string>();
        await Promise.all(page.items.map(async (r) => (await api.callInProgress(r)) && running.add(r.sid)));
        return {
          status: 200,
          body: v1Page('rooms', `${publicUrl}${V1}/Rooms`, request, page, (r) =>
            roomJson(r, publicUrl, running.has(r.sid)),
          ),
        };
      }
      return undefined;
    }
    const match = /^Rooms\/(RM[0-9a-f]{32})$/.exec(rest);
    if (!match) return undefined;
    const sid = match[1] as string;
    const room = await store.get<RoomRecord>('room', account.sid, sid);
    if (!room) throw notFound(sid);
    if (method === 'GET') return { status: 200, body: roomJson(room, publicUrl, await api.callInProgress(room)) };
    if (method === 'POST') {
      const changes = roomChanges(await context.form(), false);
      const updated = await store.update<RoomRecord>('room', account.sid, sid, (current) =>
        apply({ ...current, updatedAt: context.now }, changes),
      );
      if (!updated) throw notFound(sid);
      const changed = changedFields(room, updated, Object.keys(changes) as Array<keyof RoomRecord & string>);
      if (changed.length > 0) await api.calls.updates?.changed(updated, { change: 'settings', fields: changed });
      return { status: 200, body: roomJson(updated, publicUrl, await api.callInProgress(updated)) };
    }
    if (method === 'DELETE') {
      // After any call command that started first (one starting now would ring a deleted room's members).
      await api.serial.run(roomCallKey(sid), () =>
        api.serial.run(sid, async () => {
          if (await api.callInProgress(room))
            throw new RestError(409, 91102, `room ${sid} has a call in progress: end it first`);
          for (const member of await roomMembers(store, room))
            await store.delete('room-member', account.sid, member.sid);
          // Its schedules go with it (the scheduler drops one it finds gone at its time).
          for (const schedule of await allOf(store, 'room-schedule', account.sid, { roomSid: sid }))
            await store.delete('room-schedule', account.sid, schedule.sid);
          await store.delete('room', account.sid, sid);
          await api.calls.audit?.purge(room);
          await api.calls.chat?.purge(room);
          await releaseNumber(store, account.sid, room.phoneNumberSid, sid, context.now);
        }),
      );
      return { status: 204 };
    }
    return undefined;
  };
