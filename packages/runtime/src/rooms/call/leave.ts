/**
 * A member leaving by themselves (docs/rooms.md, the control channel): `leave-call` takes their
 * participant out of the room's call (the rest goes on), `leave-room` removes them from the room
 * (and from its call first, when they are in it). The organizer leaving the call ends it, as
 * their hanging up does, unless the room has `EndWhenOrganizerLeaves=false`. Each is one command
 * in the room's log (`leave-call`, `leave-room`), and leaving the room is a `room-updated` change
 * (`member-removed`) after it.
 *
 * @example
 * await runLeave(deps, room, { type: 'leave-call', memberSid }, 'channel');
 */
import { notFound, RestError } from '../../api/http.js';
import type { RoomMemberRecord, RoomRecord } from '../records.js';
import { type CommandDeps, noCall, roomCallKey, runAudited } from './commands.js';
import { LIVE_STATES, type RosterEntry } from './roster.js';
import type { RoomCall } from './state.js';

export interface LeaveCommand {
  readonly type: 'leave-call' | 'leave-room';
  readonly memberSid: string;
}

/** Takes the person out of the call: the organizer's leaving ends it when the room says so. */
export function leaveCall(deps: CommandDeps, call: RoomCall, entry: RosterEntry): void {
  const { engine } = deps;
  if (entry.key === call.organizerKey && call.room.endWhenOrganizerLeaves) engine.end(call, 'organizer-left');
  else if (entry.state === 'joined' && entry.callSid) engine.kick(call, entry.callSid);
  else if (entry.state === 'ringing' && entry.callSid) engine.hangUp(entry.callSid);
  else if (entry.state === 'waiting') engine.unqueue(call, entry.key);
}

/** The member's live place in the room's call, if they have one. */
function inCall(
  deps: CommandDeps,
  room: RoomRecord,
  memberSid: string,
): { call: RoomCall; entry: RosterEntry } | undefined {
  const call = deps.engine.live(room.sid);
  const entry = call?.entries.get(memberSid);
  return call && entry && LIVE_STATES.has(entry.state) ? { call, entry } : undefined;
}

/** Runs the member's leaving, entered in the room's log; resolves with the command's sequence number. */
export async function runLeave(
  deps: CommandDeps,
  room: RoomRecord,
  command: LeaveCommand,
  source: 'api' | 'channel',
): Promise<number | undefined> {
  const fields = {
    kind: 'command',
    type: command.type,
    participantKey: command.memberSid,
    memberSid: command.memberSid,
    outcome: 'pending',
    source,
  } as const;
  const { sequence } = await runAudited(deps, room, fields, () =>
    deps.serial.run(roomCallKey(room.sid), async () => {
      const found = inCall(deps, room, command.memberSid);
      if (command.type === 'leave-call') {
        if (!deps.engine.live(room.sid)) throw noCall(room);
        if (!found)
          throw new RestError(404, 91111, `${command.memberSid} is not in the room's call: there is nothing to leave`);
        leaveCall(deps, found.call, found.entry);
        return;
      }
      if (found) leaveCall(deps, found.call, found.entry);
      const gone = await deps.serial.run(room.sid, async () => {
        const member = await deps.store.get<RoomMemberRecord>('room-member', room.accountSid, command.memberSid);
        if (!member || member.roomSid !== room.sid) return false;
        return deps.store.delete('room-member', room.accountSid, command.memberSid);
      });
      if (!gone) throw notFound(command.memberSid);
    }),
  );
  if (command.type === 'leave-room')
    await deps.updates?.changed(room, { change: 'member-removed', memberSid: command.memberSid });
  return sequence;
}
