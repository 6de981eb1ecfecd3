/**
 * /patchbay/v1/Rooms/{Sid}/Call: the room's call (docs/rooms.md). POST starts one (`Members`
 * repeated or `All=true`, `OrganizerPhone`, `RingPhone=MB...:work`) or ends it
 * (`Status=completed`); GET answers the live roster (or the last call's); `Call/Participants`
 * rings more members, and `Call/Participants/{Key}` mutes, unmutes (POST `Muted`) or removes
 * (DELETE) one. Every change goes through rooms/call/commands.ts, as the control channel's will.
 */
import { callAccount } from '../../../api/auth.js';
import { forwardRoomCall } from '../../../cluster/room-call-control.js';
import { type CommandDeps, noCall, type RoomCommand, runCommand } from '../../../rooms/call/commands.js';
import { type RoomCallRecord, roomCallRecord } from '../../../rooms/call/persist.js';
import type { RoomCall } from '../../../rooms/call/state.js';
import { PHONE_TYPES, type PhoneType, type RoomRecord } from '../../../rooms/records.js';
import { bool, type Form, field, fields, invalid, notFound } from '../../http.js';
import { pageRequest } from '../../paging.js';
import type { Resource, ResourceContext } from '../context.js';
import { isoDate, v1Page } from '../voice-v1/paging.js';
import { V1 } from './json.js';

const PATH = /^Rooms\/(RM[0-9a-f]{32})\/Call(?:\/Participants(?:\/((?:MB|CA)[0-9a-f]{32}))?)?$/;
const HISTORY = /^Rooms\/(RM[0-9a-f]{32})\/Calls(?:\/(RC[0-9a-f]{32}))?$/;

/** A room call's JSON, live (from the engine) or stored (persist.ts). */
export function roomCallJson(call: RoomCall | RoomCallRecord, base: string) {
  if ('room' in call) return roomCallJson(roomCallRecord(call, Date.now()), base);
  const url = `${base}${V1}/Rooms/${call.roomSid}/Calls/${call.sid}`;
  return {
    sid: call.sid,
    account_sid: call.accountSid,
    room_sid: call.roomSid,
    status: call.status,
    conference_sid: call.conferenceSid ?? null,
    organizer: call.organizerKey ?? null,
    date_started: isoDate(call.createdAt),
    date_ended: call.endedAt === undefined ? null : isoDate(call.endedAt),
    end_reason: call.endReason ?? null,
    error_code: call.error?.code ?? null,
    error_message: call.error?.message ?? null,
    participants: call.participants.map((entry) => ({
      key: entry.key,
      member_sid: entry.memberSid ?? null,
      call_sid: entry.callSid ?? null,
      display_name: entry.displayName ?? null,
      address: entry.address,
      role: entry.role,
      state: entry.state,
      muted: entry.muted,
      date_joined: entry.joinedAt === undefined ? null : isoDate(entry.joinedAt),
      date_left: entry.leftAt === undefined ? null : isoDate(entry.leftAt),
    })),
    url,
  };
}

/** `RingPhone=MB...:work`, repeated: which number each member is rung at for this call. */
function ringPhones(form: Form): Record<string, PhoneType> | undefined {
  const given = fields(form, 'RingPhone');
  if (given.length === 0) return undefined;
  return Object.fromEntries(
    given.map((value) => {
      const [sid = '', type = ''] = value.split(':');
      if (!/^MB[0-9a-f]{32}$/.test(sid) || !(PHONE_TYPES as readonly string[]).includes(type))
        throw invalid(21200, 'RingPhone', `must be <member SID>:<${PHONE_TYPES.join('|')}>, not "${value}"`);
      return [sid, type as PhoneType];
    }),
  );
}

function startOrEnd(form: Form): RoomCommand {
  const status = field(form, 'Status');
  if (status !== undefined) {
    if (status !== 'completed') throw invalid(21200, 'Status', `can only be completed (end the call), not "${status}"`);
    return { type: 'end' };
  }
  const all = bool(form, 'All') === true;
  const members = fields(form, 'Members');
  if (all && members.length > 0) throw invalid(21200, 'Members', 'give Members or All=true, not both');
  const ringPhone = ringPhones(form);
  return {
    type: 'start',
    members: all ? 'all' : members,
    organizerPhone: bool(form, 'OrganizerPhone') === true,
    ...(ringPhone ? { ringPhone } : {}),
  };
}

/**
 * The room's call to show: the one this process runs, else the newest of the one it ran last and
 * the last one stored (in a cluster, a later call may have run on another node).
 */
async function latestCall(deps: CommandDeps, room: RoomRecord): Promise<RoomCall | RoomCallRecord | undefined> {
  const here = deps.engine.latest(room.sid);
  if (here?.status === 'in-progress' || (here && !deps.cluster)) return here;
  await deps.history?.flush();
  const stored = await deps.history?.latest(room.accountSid, room.sid);
  if (!here) return stored;
  return stored && stored.sid !== here.sid && stored.createdAt > here.startedAt ? stored : here;
}

/** `GET .../Calls` (the room's calls, newest first, as stored) and `GET .../Calls/{RC...}`. */
async function history(deps: CommandDeps, context: ResourceContext, roomSid: string, callSid: string | undefined) {
  const room = await context.store.get<RoomRecord>('room', context.account.sid, roomSid);
  if (!room) throw notFound(roomSid);
  // In a cluster, a call in progress elsewhere has changes that node has not stored yet: it answers.
  const forwarded = deps.cluster && (await forwardRoomCall(context, deps.cluster, roomSid));
  if (forwarded) return forwarded;
  // The changes made so far are in the store before it is read.
  await deps.history?.flush();
  if (callSid) {
    const call = await context.store.get<RoomCallRecord>('room-call', room.accountSid, callSid);
    if (!call || call.roomSid !== roomSid) throw notFound(callSid);
    return { status: 200, body: roomCallJson(call, context.publicUrl) };
  }
  const request = pageRequest(context.query);
  const page = await context.store.list<RoomCallRecord>('room-call', {
    accountSid: room.accountSid,
    where: { roomSid },
    ...request,
  });
  const url = `${context.publicUrl}${V1}/Rooms/${roomSid}/Calls`;
  return { status: 200, body: v1Page('calls', url, request, page, (call) => roomCallJson(call, context.publicUrl)) };
}

export const roomCallResource =
  (deps: CommandDeps): Resource =>
  async (context) => {
    const past = HISTORY.exec(context.rest);
    if (past && context.method === 'GET') return history(deps, context, past[1] as string, past[2]);
    const match = PATH.exec(context.rest);
    if (!match) return undefined;
    const [, roomSid = '', key] = match;
    const participants = context.rest.includes('/Participants');
    const room = await context.store.get<RoomRecord>('room', context.account.sid, roomSid);
    if (!room) throw notFound(roomSid);
    // In a cluster, the node running the room's call answers (cluster/room-call-control.ts).
    const forwarded = deps.cluster && (await forwardRoomCall(context, deps.cluster, roomSid));
    if (forwarded) return forwarded;
    const account = callAccount(context.account);
    const answer = (call: RoomCall, status = 200) => ({ status, body: roomCallJson(call, context.publicUrl) });
    const { method } = context;
    if (!participants) {
      if (method === 'GET') {
        // The call this process runs or ran, else the last one stored (before a restart, or another node's).
        const call = await latestCall(deps, room);
        if (!call) throw noCall(room);
        return { status: 200, body: roomCallJson(call, context.publicUrl) };
      }
      if (method !== 'POST') return undefined;
      const command = startOrEnd(await context.form());
      const call = await runCommand(deps, room, account, command);
      return answer(call, command.type === 'start' ? 201 : 200);
    }
    if (key === undefined) {
      if (method !== 'POST') return undefined;
      const form = await context.form();
      const ringPhone = ringPhones(form);
      const command: RoomCommand = {
        type: 'add',
        members: fields(form, 'Members'),
        ...(ringPhone ? { ringPhone } : {}),
      };
      return answer(await runCommand(deps, room, account, command));
    }
    if (method === 'DELETE') return answer(await runCommand(deps, room, account, { type: 'remove', key }));
    if (method !== 'POST') return undefined;
    const muted = bool(await context.form(), 'Muted');
    if (muted === undefined) throw invalid(21200, 'Muted', 'give Muted=true or Muted=false');
    return answer(await runCommand(deps, room, account, { type: 'mute', key, muted }));
  };
