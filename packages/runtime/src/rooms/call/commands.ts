/**
 * The organizer's commands on a room's call, one module for every way they arrive (REST now,
 * the device channel's control messages next): start, add members (rung now), remove one, mute
 * or unmute one, end (participants disconnected first, the organizer last). Each checks the room
 * and the roster and answers with the call, or a typed error (docs/rooms.md, 91109-91112).
 *
 * @example
 * const call = await runCommand(deps, room, account, { type: 'start', members: 'all', organizerPhone: true });
 */
import { notFound, RestError } from '../../api/http.js';
import type { RoomCallPlacement } from '../../cluster/room-call-placement.js';
import type { CallAccount } from '../../interpreter/session.js';
import type { Runtime } from '../../runtime.js';
import type { Store } from '../../store/types.js';
import type { RoomChat } from '../chat/chat.js';
import { displayName } from '../contacts.js';
import { roomMembers } from '../members.js';
import { onlineIdentities } from '../online.js';
import type { PhoneType, RoomMemberRecord, RoomRecord } from '../records.js';
import type { Serial } from '../serial.js';
import type { AuditFields, RoomAudit } from './audit.js';
import type { RoomCalls } from './engine.js';
import type { RoomCallStore } from './persist.js';
import { ringPlan } from './ringing.js';
import type { RoomUpdates } from './room-updates.js';
import { LIVE_STATES, type RosterEntry } from './roster.js';
import type { RingPlan, RoomCall } from './state.js';

export type RoomCommand =
  | {
      readonly type: 'start';
      /** Everyone, or these members (the organizer is always in). */
      readonly members: 'all' | readonly string[];
      /** Ring the organizer's phone first, the others once the organizer answered. */
      readonly organizerPhone?: boolean;
      /** Which number to ring, per member, for this call. */
      readonly ringPhone?: Readonly<Record<string, PhoneType>>;
    }
  | {
      readonly type: 'add';
      readonly members: readonly string[];
      readonly ringPhone?: Readonly<Record<string, PhoneType>>;
    }
  | { readonly type: 'remove'; readonly key: string }
  | { readonly type: 'mute'; readonly key: string; readonly muted: boolean }
  | { readonly type: 'end' };

export interface CommandDeps {
  readonly engine: RoomCalls;
  /** The rooms' audit log: each command is entered before it runs, and settled after. */
  readonly audit?: RoomAudit;
  readonly runtime: Runtime;
  readonly store: Store;
  readonly serial: Serial;
  /** The room's own changes (settings, members) as room events (room-updates.ts). */
  readonly updates?: RoomUpdates;
  /** The rooms' calls as stored (persist.ts): the last one after a restart, and the history. */
  readonly history?: RoomCallStore;
  /** The room's chat (rooms/chat), where the server runs it. */
  readonly chat?: RoomChat;
  /** In a cluster: where each room's call runs (cluster/room-call-placement.ts). */
  readonly cluster?: RoomCallPlacement;
}

export const noCall = (room: RoomRecord) =>
  new RestError(404, 91110, `room ${room.sid} has no call in progress: start one (POST .../Call)`);

const notInCall = (key: string) =>
  new RestError(404, 91111, `${key} is not in the room's call: add them first (POST .../Call/Participants)`);

/** The members a selection names; 91112 for a SID that is not a member of this room, or for none at all. */
function select(members: readonly RoomMemberRecord[], wanted: 'all' | readonly string[]): RoomMemberRecord[] {
  if (wanted === 'all') return [...members];
  if (wanted.length === 0) throw new RestError(400, 91112, 'Members: name at least one member, or give All=true');
  const bySid = new Map(members.map((m) => [m.sid, m]));
  return [...new Set(wanted)].map((sid) => {
    const member = bySid.get(sid);
    if (!member) throw new RestError(400, 91112, `Members: ${sid} is not a member of this room`);
    return member;
  });
}

async function plansFor(
  deps: CommandDeps,
  account: CallAccount,
  members: readonly RoomMemberRecord[],
  ringPhone: Readonly<Record<string, PhoneType>> | undefined,
  options: { organizerSid?: string | undefined; organizerPhone?: boolean } = {},
): Promise<{ plans: RingPlan[]; skipped: RosterEntry[]; organizer?: RingPlan }> {
  const online = await onlineIdentities(deps.runtime.devices, account.sid, members);
  const plans: RingPlan[] = [];
  const skipped: RosterEntry[] = [];
  let organizer: RingPlan | undefined;
  for (const member of members) {
    const wanted = ringPhone?.[member.sid];
    if (wanted && !member.phones.some((phone) => phone.type === wanted))
      throw new RestError(400, 91106, `RingPhone: member ${member.sid} has no ${wanted} number`);
    const isOrganizer = member.sid === options.organizerSid;
    const plan = ringPlan(member, {
      online: member.identity !== undefined && online.has(member.identity),
      ringPhone: wanted,
      phone: isOrganizer && options.organizerPhone === true,
    });
    if (!('to' in plan)) skipped.push(plan);
    // The organizer started the call: no invitation to accept, straight into the room.
    else if (isOrganizer) organizer = { ...plan, first: 'join' };
    else plans.push(plan);
  }
  return { plans, skipped, ...(organizer ? { organizer } : {}) };
}

async function start(
  deps: CommandDeps,
  room: RoomRecord,
  account: CallAccount,
  command: Extract<RoomCommand, { type: 'start' }>,
): Promise<RoomCall> {
  if (deps.engine.live(room.sid))
    throw new RestError(409, 91109, `room ${room.sid} has a call in progress: add members to it instead`);
  const members = await roomMembers(deps.store, room);
  const organizer = members.find((m) => m.role === 'organizer');
  const selected = select(members, command.members);
  if (organizer && !selected.includes(organizer)) selected.unshift(organizer);
  if (command.organizerPhone && (!organizer || organizer.phones.length === 0 || organizer.optedOut))
    throw new RestError(400, 91106, 'OrganizerPhone: the room has no organizer with a phone number to ring');
  const {
    plans,
    skipped,
    organizer: first,
  } = await plansFor(deps, account, selected, command.ringPhone, {
    organizerSid: organizer?.sid,
    organizerPhone: command.organizerPhone === true,
  });
  if (plans.length === 0 && !first) throw new RestError(400, 91112, 'nobody to ring: every member selected opted out');
  const caller = organizer ? displayName(organizer) : undefined;
  return deps.engine.start(room, account, {
    plans: command.organizerPhone ? [first as RingPlan] : [...(first ? [first] : []), ...plans],
    ...(command.organizerPhone ? { later: plans } : {}),
    skipped,
    organizerKey: organizer?.sid,
    caller,
  });
}

function entry(call: RoomCall, key: string): RosterEntry {
  const found = call.entries.get(key);
  if (!found) throw notInCall(key);
  return found;
}

/** The Serial key of a room's call: its commands, dial-ins and the room's deletion take turns on it. */
export const roomCallKey = (roomSid: string) => `room-call:${roomSid}`;

function commandFields(command: RoomCommand, source: 'api' | 'channel'): AuditFields {
  const base = { kind: 'command', outcome: 'pending', source } as const;
  if (command.type === 'start' || command.type === 'add')
    return { ...base, type: command.type, ...(command.members === 'all' ? {} : { members: command.members }) };
  if (command.type === 'mute') return { ...base, type: command.muted ? 'mute' : 'unmute', participantKey: command.key };
  if (command.type === 'remove') return { ...base, type: command.type, participantKey: command.key };
  return { ...base, type: command.type };
}

/** Runs the command (as REST sends it). */
export async function runCommand(
  deps: CommandDeps,
  room: RoomRecord,
  account: CallAccount,
  command: RoomCommand,
): Promise<RoomCall> {
  return (await runLogged(deps, room, account, command, 'api')).call;
}

/** Runs the command, entered in the room's audit log (when there is one) with its outcome: the call, and the entry's sequence number. */
export async function runLogged(
  deps: CommandDeps,
  room: RoomRecord,
  account: CallAccount,
  command: RoomCommand,
  source: 'api' | 'channel',
): Promise<{ call: RoomCall; sequence?: number }> {
  const { result, sequence } = await runAudited(deps, room, commandFields(command, source), () =>
    perform(deps, room, account, command),
  );
  return { call: result, ...(sequence === undefined ? {} : { sequence }) };
}

/** Runs `work` entered in the room's audit log as the command `fields` say, settled with its outcome. */
export async function runAudited<T>(
  deps: CommandDeps,
  room: RoomRecord,
  fields: AuditFields,
  work: () => Promise<T>,
): Promise<{ result: T; sequence?: number }> {
  const entered = await deps.audit?.append(room, fields);
  try {
    const result = await work();
    if (entered) await deps.audit?.settle(entered, 'accepted');
    return { result, ...(entered ? { sequence: entered.sequence } : {}) };
  } catch (error) {
    if (entered) await deps.audit?.settle(entered, 'refused', error instanceof RestError ? error.code : undefined);
    throw error;
  }
}

function perform(deps: CommandDeps, room: RoomRecord, account: CallAccount, command: RoomCommand): Promise<RoomCall> {
  // One command at a time per room: two starts at once make one call, not two.
  return deps.serial.run(roomCallKey(room.sid), async () => {
    if (command.type === 'start') {
      // The room as it is now: deleted meanwhile (404), or with settings changed since the request read it.
      const current = await deps.store.get<RoomRecord>('room', room.accountSid, room.sid);
      if (!current) throw notFound(room.sid);
      return start(deps, current, account, command);
    }
    const call = deps.engine.live(room.sid);
    if (!call) throw noCall(room);
    switch (command.type) {
      case 'add': {
        const members = select(await roomMembers(deps.store, room), command.members).filter(
          (m) => !LIVE_STATES.has(call.entries.get(m.sid)?.state ?? 'left'),
        );
        const { plans, skipped } = await plansFor(deps, account, members, command.ringPhone);
        for (const s of skipped) call.entries.set(s.key, s);
        deps.engine.ringOrQueue(call, plans);
        return call;
      }
      case 'remove': {
        const found = entry(call, command.key);
        if (found.callSid && found.state === 'joined') deps.engine.kick(call, found.callSid);
        else if (found.callSid && found.state === 'ringing') deps.engine.hangUp(found.callSid);
        else if (found.state === 'waiting') deps.engine.unqueue(call, found.key);
        return call;
      }
      case 'mute': {
        const found = entry(call, command.key);
        if (found.state !== 'joined' || !found.callSid || !call.conferenceSid)
          throw new RestError(409, 91111, `${command.key} has not joined the room's call: nothing to mute`);
        await deps.runtime.conferences.participants.update(call.conferenceSid, found.callSid, { muted: command.muted });
        return call;
      }
      case 'end':
        deps.engine.end(call, 'ended-by-request');
        return call;
    }
  });
}
