/**
 * /patchbay/v1/Rooms/{RoomSid}/Members: who a room rings. Adding the same person twice merges
 * into one member (200 with the member, 201 for a new one); the room's limit holds (91103); under
 * a directory-only policy contacts come from the directory (91104). Each member shows whether an
 * app of theirs is online and how they can be reached.
 */
import { tellAdded } from '../../../rooms/call/my-rooms.js';
import { changedFields } from '../../../rooms/call/room-updates.js';
import { applyContact, checkReachable, contactChanges, phoneType } from '../../../rooms/contacts.js';
import { addMember, roomMembers } from '../../../rooms/members.js';
import { presenceOfMembers } from '../../../rooms/online.js';
import { roomPolicy } from '../../../rooms/policy.js';
import type { RoomMemberRecord, RoomRecord } from '../../../rooms/records.js';
import { type Form, field, invalid, notFound } from '../../http.js';
import { pageOf, pageRequest } from '../../paging.js';
import type { Resource, ResourceContext } from '../context.js';
import { v1Page } from '../voice-v1/paging.js';
import type { RoomsApi } from './index.js';
import { memberJson, V1 } from './json.js';

function role(form: Form): 'organizer' | 'member' | undefined {
  const value = field(form, 'Role');
  if (value === undefined) return undefined;
  if (value !== 'organizer' && value !== 'member')
    throw invalid(21200, 'Role', `must be organizer or member, not "${value}"`);
  return value;
}

function directorySid(form: Form): string | undefined {
  const value = field(form, 'DirectoryEntrySid');
  if (value !== undefined && !/^DE[0-9a-f]{32}$/.test(value))
    throw invalid(21200, 'DirectoryEntrySid', `"${value}" is not a directory entry SID`);
  return value;
}

/** What a member's change may touch, as `room-updated` names it. */
const MEMBER_FIELDS = ['firstName', 'lastName', 'avatarUrl', 'identity', 'phones', 'ringPhone', 'role'] as const;

export const membersResource =
  (api: RoomsApi): Resource =>
  async (context: ResourceContext) => {
    const { store, account, rest, publicUrl, method, runtime } = context;
    const match = /^Rooms\/(RM[0-9a-f]{32})\/Members(?:\/(MB[0-9a-f]{32}))?$/.exec(rest);
    if (!match) return undefined;
    const [, roomSid, memberSid] = match as unknown as [string, string, string | undefined];
    const room = await store.get<RoomRecord>('room', account.sid, roomSid);
    if (!room) throw notFound(roomSid);
    // Presence as the cluster has it (a device on any node), read once for the members shown.
    const renderAll = async (shown: readonly RoomMemberRecord[]) => {
      const seen = await presenceOfMembers(runtime.devices, account.sid, shown);
      return (member: RoomMemberRecord) =>
        memberJson(member, publicUrl, member.identity ? seen.get(member.identity) : undefined);
    };
    const render = async (member: RoomMemberRecord) => (await renderAll([member]))(member);
    if (!memberSid) {
      if (method === 'POST') {
        const form = await context.form();
        const contact = applyContact({ phones: [] }, contactChanges(form));
        const ringPhone = phoneType(form, 'RingPhone');
        const asRole = role(form);
        const entrySid = directorySid(form);
        const { member, merged, before } = await addMember(
          { store, serial: api.serial, now: () => context.now, bus: context.bus },
          room,
          contact,
          {
            policy: await roomPolicy(store, account.sid),
            ...(ringPhone ? { ringPhone } : {}),
            ...(asRole ? { role: asRole } : {}),
            ...(entrySid ? { directoryEntrySid: entrySid } : {}),
          },
        );
        if (!merged) await api.memberAdded(context, room, member);
        else {
          await api.calls.updates?.changed(room, { change: 'member-changed', memberSid: member.sid });
          tellIfNewIdentity(api, room, before, member);
        }
        return { status: merged ? 200 : 201, body: await render(member) };
      }
      if (method === 'GET') {
        const request = pageRequest(context.query);
        // Members are few (the room's limit): shown in the order they were added.
        const members = (await roomMembers(store, room)).reverse();
        const page = pageOf(members, request);
        return {
          status: 200,
          body: v1Page(
            'members',
            `${publicUrl}${V1}/Rooms/${roomSid}/Members`,
            request,
            page,
            await renderAll(page.items),
          ),
        };
      }
      return undefined;
    }
    const member = await store.get<RoomMemberRecord>('room-member', account.sid, memberSid);
    if (!member || member.roomSid !== roomSid) throw notFound(memberSid);
    if (method === 'GET') return { status: 200, body: await render(member) };
    if (method === 'POST') {
      const form = await context.form();
      const changes = contactChanges(form);
      const ringPhone = phoneType(form, 'RingPhone');
      const newRole = role(form);
      const updated = await api.serial.run(roomSid, () =>
        store.update<RoomMemberRecord>('room-member', account.sid, memberSid, (current) => {
          const { ringPhone: before, ...next } = applyContact({ ...current, updatedAt: context.now }, changes);
          checkReachable(next, ringPhone);
          // A number removed takes its ring choice with it: the first number is rung instead.
          const ring = ringPhone ?? before;
          const kept = ring && next.phones.some((p) => p.type === ring) ? { ringPhone: ring } : {};
          return { ...next, ...kept, ...(newRole ? { role: newRole } : {}) };
        }),
      );
      if (!updated) throw notFound(memberSid);
      // The number rung by default is the first one until one is chosen: choosing it changes nothing.
      const rung = (m: RoomMemberRecord) => ({ ...m, ringPhone: m.ringPhone ?? m.phones[0]?.type });
      const fields = changedFields(rung(member), rung(updated), MEMBER_FIELDS);
      if (fields.length > 0) await api.calls.updates?.changed(room, { change: 'member-changed', memberSid, fields });
      tellIfNewIdentity(api, room, member, updated);
      return { status: 200, body: await render(updated) };
    }
    if (method === 'DELETE') {
      await api.serial.run(roomSid, () => store.delete('room-member', account.sid, memberSid));
      await api.calls.updates?.changed(room, { change: 'member-removed', memberSid });
      return { status: 204 };
    }
    return undefined;
  };

/** A member who gained an app identity (given one, or merged with a contact that had one) is told, as a new member is. */
function tellIfNewIdentity(
  api: RoomsApi,
  room: RoomRecord,
  before: RoomMemberRecord | undefined,
  after: RoomMemberRecord,
): void {
  if (after.identity && after.identity !== before?.identity) tellAdded(api.calls.runtime, room, after);
}
