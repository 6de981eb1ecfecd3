/**
 * The rooms control channel's server side: what a device session may do with a room (follow its
 * log, command its call), checked against its token and the room's members, and carried out by
 * the same commands as REST (commands.ts), so both behave alike. A session follows a room's
 * audit log: the entries after the sequence number it asks from (replayed from the store), then
 * each new one as it is appended.
 *
 * @example
 * const control = roomControl(calls.deps, calls.audit);
 * const stop = await control.subscribe(session, roomSid, 0, (entry) => push(entry));
 */
import {
  type RoomCommand as ChannelCommand,
  DeviceError,
  type RoomEntry,
  type RoomSchedule,
  type RoomSummary,
} from '@patchbay/sdk/protocol';
import { type AccountRecord, callAccount } from '../../api/auth.js';
import { RestError } from '../../api/http.js';
import { mayCommand, mayFollow, type RoomsAccess } from '../../bridge/room-grant.js';
import { ChatView, sendFrom } from '../chat/channel.js';
import { roomMembers } from '../members.js';
import type { RoomRecord } from '../records.js';
import { schedulesOf } from '../schedules/changes.js';
import { runScheduling, scheduleView } from '../schedules/channel.js';
import type { RoomScheduler } from '../schedules/scheduler.js';
import type { RoomAudit, RoomEventRecord } from './audit.js';
import { type CommandDeps, type RoomCommand, runLogged } from './commands.js';
import { type LeaveCommand, runLeave } from './leave.js';
import { runJoin, runProfile } from './member-commands.js';
import { roomsOf } from './my-rooms.js';

/** Who asks: a device session's account, identity and rooms grant. */
export interface RoomHolder {
  readonly accountSid: string;
  readonly identity: string;
  readonly rooms?: RoomsAccess | undefined;
}

export interface RoomControl {
  /** Follows the room from `after` on; resolves (with the stop function) once the replay was pushed. */
  subscribe(holder: RoomHolder, roomSid: string, after: number, push: (entry: RoomEntry) => void): Promise<() => void>;
  /** Runs the command; resolves with its sequence number in the room's log. */
  command(holder: RoomHolder, roomSid: string, command: ChannelCommand): Promise<number>;
  /** The rooms whose member the holder's identity is (my-rooms.ts). */
  rooms(holder: RoomHolder): Promise<RoomSummary[]>;
  /** The room's schedules, for a holder that may follow it. */
  schedules(holder: RoomHolder, roomSid: string): Promise<RoomSchedule[]>;
}

/** Entries replayed on subscribing, at most (the newest of those missed). @default 200 */
export const REPLAY_LIMIT = 200;

export function entryOf(record: RoomEventRecord): RoomEntry {
  const { sid: _sid, accountSid: _account, roomSid: _room, createdAt, ...fields } = record;
  return { ...fields, members: fields.members ? [...fields.members] : undefined, at: createdAt } as RoomEntry;
}

const REFUSALS: Readonly<Record<number, ConstructorParameters<typeof DeviceError>[0]>> = {
  20404: 'RoomNotFound',
  91109: 'RoomCallInProgress',
  91110: 'RoomCallNotFound',
  91111: 'RoomParticipantNotFound',
  91112: 'RoomNobodyToRing',
  91107: 'RoomNotAllowed',
  91160: 'RoomMessageInvalid',
  91161: 'RoomRecipientNotFound',
  91162: 'RoomChatRateLimited',
  91140: 'RoomScheduleLimit',
  91141: 'RoomScheduleForbidden',
  91142: 'RoomScheduleInvalid',
  91143: 'RoomScheduleNotFound',
};

/** A member's own commands: no organizer grant needed. */
type OwnCommand = LeaveCommand['type'] | 'join-call' | 'update-profile';
const OWN_COMMANDS: ReadonlySet<string> = new Set<OwnCommand>([
  'leave-call',
  'leave-room',
  'join-call',
  'update-profile',
]);
const isOwn = (command: ChannelCommand): command is Extract<ChannelCommand, { type: OwnCommand }> =>
  OWN_COMMANDS.has(command.type);

/** A REST refusal as the channel's typed error (same code where the protocol has one). */
function refusal(error: unknown): unknown {
  if (!(error instanceof RestError)) return error;
  return new DeviceError(REFUSALS[error.code] ?? 'RoomCommandRefused', error.message);
}

/** The organizer's commands (a member's own leave runs through leave.ts, a chat message through rooms/chat). */
function asCommand(
  command: Exclude<ChannelCommand, { type: 'send' | 'schedule' | 'unschedule' | OwnCommand }>,
): RoomCommand {
  switch (command.type) {
    case 'start':
      return { type: 'start', members: command.members ?? 'all', organizerPhone: command.organizerPhone === true };
    case 'add':
      return command;
    case 'remove':
      return command;
    case 'mute':
    case 'unmute':
      return { type: 'mute', key: command.key, muted: command.type === 'mute' };
    case 'end':
      return command;
  }
}

export function roomControl(deps: CommandDeps, audit: RoomAudit, scheduler?: RoomScheduler): RoomControl {
  const { store } = deps;
  const notFound = (roomSid: string) => new DeviceError('RoomNotFound', `no room ${roomSid} this token may follow`);

  /** The room's member whose identity the holder's token names, if one is. */
  const memberOf = async (holder: RoomHolder, room: RoomRecord) =>
    (await roomMembers(store, room)).find((m) => m.identity === holder.identity);

  /** The room, if the holder may follow it: named by its grant, or the holder is one of its members. */
  async function followable(holder: RoomHolder, roomSid: string): Promise<RoomRecord> {
    const room = await store.get<RoomRecord>('room', holder.accountSid, roomSid);
    if (!room) throw notFound(roomSid);
    if (mayFollow(holder.rooms, roomSid) || (await memberOf(holder, room))) return room;
    throw notFound(roomSid);
  }

  /** The holder's own member's command (leave, join, their profile): their identity names them, no organizer grant needed. */
  async function own(holder: RoomHolder, room: RoomRecord, command: Extract<ChannelCommand, { type: OwnCommand }>) {
    const member = await memberOf(holder, room);
    if (!member)
      throw new DeviceError(
        'RoomCommandForbidden',
        `${holder.identity} is not a member of room ${room.sid}: ${command.type} is a member's own command`,
      );
    try {
      if (command.type === 'join-call') return (await runJoin(deps, room, member, command)) ?? 0;
      if (command.type === 'update-profile') return (await runProfile(deps, room, member, command)) ?? 0;
      return (await runLeave(deps, room, { type: command.type, memberSid: member.sid }, 'channel')) ?? 0;
    } catch (error) {
      throw refusal(error);
    }
  }

  return {
    rooms: (holder) => roomsOf(deps, holder),

    async subscribe(holder, roomSid, after, push) {
      const room = await followable(holder, roomSid);
      // Private chat messages only to their recipients and author; messages attached to their entries.
      const chat = await ChatView.of(deps.chat, store, holder, room);
      // Live entries wait while the log is replayed, so none is pushed twice or out of order.
      let last = after;
      let held: RoomEventRecord[] | undefined = [];
      const stop = audit.onEntry((record) => {
        if (record.roomSid !== roomSid || record.accountSid !== holder.accountSid) return;
        if (held) held.push(record);
        else if (record.sequence > last) {
          last = record.sequence;
          if (chat.shows(record)) push(chat.attach(entryOf(record)));
        }
      });
      try {
        await audit.flush(roomSid);
        // The newest REPLAY_LIMIT entries after `after` (newest first in the store): a session
        // holds at most LIMITS.maxUnacked messages, and older ones are at GET .../Events.
        const missed = (
          await store.list<RoomEventRecord>('room-event', {
            accountSid: room.accountSid,
            where: { roomSid },
            ranges: { sequence: { min: after + 1 } },
            page: 0,
            pageSize: REPLAY_LIMIT,
          })
        ).items;
        await chat.load([...missed, ...held]);
        for (const record of [...missed.reverse(), ...held]) {
          if (record.sequence <= last) continue;
          last = record.sequence;
          if (chat.shows(record)) push(chat.attach(entryOf(record)));
        }
        held = undefined;
      } catch (error) {
        stop();
        throw error;
      }
      return stop;
    },

    async schedules(holder, roomSid) {
      const room = await followable(holder, roomSid);
      return (await schedulesOf(store, room)).map(scheduleView);
    },

    async command(holder, roomSid, command) {
      const room = await followable(holder, roomSid);
      if (command.type === 'schedule' || command.type === 'unschedule') {
        if (!scheduler) throw new DeviceError('TemporarilyUnavailable', 'schedules do not run on this server');
        const member = await memberOf(holder, room);
        const parts = { store, serial: deps.serial, scheduler, updates: deps.updates };
        const who = { member, organizerGrant: mayCommand(holder.rooms, roomSid) };
        return runScheduling(deps, parts, who, room, command).catch((error: unknown) => {
          throw refusal(error);
        });
      }
      if (command.type === 'send')
        return sendFrom(deps.chat, store, holder, room, command).catch((error: unknown) => {
          throw refusal(error);
        });
      if (isOwn(command)) return own(holder, room, command);
      if (!mayCommand(holder.rooms, roomSid))
        throw new DeviceError('RoomCommandForbidden', `this token may follow room ${roomSid} but not command it`);
      const account = await store.get<AccountRecord>('account', room.accountSid, room.accountSid);
      if (!account) throw notFound(roomSid);
      try {
        const { sequence } = await runLogged(deps, room, callAccount(account), asCommand(command), 'channel');
        return sequence ?? 0;
      } catch (error) {
        throw refusal(error);
      }
    },
  };
}
