/**
 * /patchbay/v1/Rooms/{Sid}/Call: the room's call (docs/rooms.md). POST starts one (`Members`
 * repeated or `All=true`, `OrganizerPhone`, `RingPhone=MB...:work`) or ends it
 * (`Status=completed`); GET answers the live roster (or the last call's); `Call/Participants`
 * rings more members, and `Call/Participants/{Key}` mutes, unmutes (POST `Muted`) or removes
 * (DELETE) one. Every change goes through rooms/call/commands.ts, as the control channel's will.
 */
import { callAccount } from '../../../api/auth.js';
import { type CommandDeps, noCall, type RoomCommand, runCommand } from '../../../rooms/call/commands.js';
import type { RoomCall } from '../../../rooms/call/state.js';
import { PHONE_TYPES, type PhoneType, type RoomRecord } from '../../../rooms/records.js';
import { bool, type Form, field, fields, invalid, notFound } from '../../http.js';
import type { Resource } from '../context.js';
import { isoDate } from '../voice-v1/paging.js';
import { V1 } from './json.js';

const PATH = /^Rooms\/(RM[0-9a-f]{32})\/Call(?:\/Participants(?:\/((?:MB|CA)[0-9a-f]{32}))?)?$/;

export function roomCallJson(call: RoomCall, base: string) {
  const url = `${base}${V1}/Rooms/${call.room.sid}/Call`;
  return {
    sid: call.sid,
    account_sid: call.room.accountSid,
    room_sid: call.room.sid,
    status: call.status,
    conference_sid: call.conferenceSid ?? null,
    organizer: call.organizerKey ?? null,
    date_started: isoDate(call.startedAt),
    date_ended: call.endedAt === undefined ? null : isoDate(call.endedAt),
    end_reason: call.endReason ?? null,
    error_code: call.error?.code ?? null,
    error_message: call.error?.message ?? null,
    participants: [...call.entries.values()].map((entry) => ({
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

export const roomCallResource =
  (deps: CommandDeps): Resource =>
  async (context) => {
    const match = PATH.exec(context.rest);
    if (!match) return undefined;
    const [, roomSid = '', key] = match;
    const participants = context.rest.includes('/Participants');
    const room = await context.store.get<RoomRecord>('room', context.account.sid, roomSid);
    if (!room) throw notFound(roomSid);
    const account = callAccount(context.account);
    const answer = (call: RoomCall, status = 200) => ({ status, body: roomCallJson(call, context.publicUrl) });
    const { method } = context;
    if (!participants) {
      if (method === 'GET') {
        const call = deps.engine.latest(room.sid);
        if (!call) throw noCall(room);
        return answer(call);
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
