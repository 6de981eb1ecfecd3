/**
 * Schedules on the rooms control channel (docs/rooms.md, Schedules): every app that may follow a
 * room lists its schedules (`room-schedules`); a member's app schedules a call as that member
 * (`schedule`: the organizer always may, other members when the room has `MembersMaySchedule`)
 * and deletes one it made (`unschedule`; the organizer, or a token with the organizer grant, any
 * of the room's). Both run through changes.ts as REST does, each entered in the room's log as a
 * command with its outcome, followed by the `room-updated` entry of the change.
 *
 * @example
 * const sequence = await runScheduling(deps, parts, { member, organizerGrant: false }, room, command);
 */
import type { RoomCommand as ChannelCommand, RoomSchedule } from '@patchbay/sdk/protocol';
import type { Form } from '../../api/http.js';
import { RestError } from '../../api/http.js';
import { type CommandDeps, runAudited } from '../call/commands.js';
import type { RoomMemberRecord, RoomRecord } from '../records.js';
import { addSchedule, removeSchedule, type ScheduleParts, scheduleCreator } from './changes.js';
import type { RoomScheduleRecord } from './records.js';
import { WEEKDAYS } from './recurrence.js';

export type SchedulingCommand = Extract<ChannelCommand, { type: 'schedule' | 'unschedule' }>;

/** Who asks: the token's member in the room (if it is one), and whether its token may command the room. */
export interface Scheduler {
  readonly member: RoomMemberRecord | undefined;
  readonly organizerGrant: boolean;
}

/** A schedule as the channel shows it. */
export function scheduleView(schedule: RoomScheduleRecord): RoomSchedule {
  const rule = schedule.recurrence;
  const run = schedule.lastRun;
  return {
    sid: schedule.sid,
    ...(schedule.friendlyName === undefined ? {} : { name: schedule.friendlyName }),
    recurrence: rule.type,
    ...(rule.type === 'once' ? { startTime: rule.at } : { time: rule.time }),
    ...(rule.type === 'weekly' ? { days: rule.days.map((day) => WEEKDAYS[day] as (typeof WEEKDAYS)[number]) } : {}),
    ...(rule.type === 'monthly' ? { dayOfMonth: rule.day } : {}),
    timeZone: schedule.timeZone,
    ...(schedule.endsAt === undefined ? {} : { endDate: schedule.endsAt }),
    ...(schedule.count === undefined ? {} : { count: schedule.count }),
    members: schedule.members === 'all' ? 'all' : [...schedule.members],
    organizerPhone: schedule.organizerPhone,
    ...(schedule.nextRun === undefined ? {} : { nextRun: schedule.nextRun }),
    runs: schedule.runs,
    ...(run
      ? {
          lastRun: {
            at: run.at,
            outcome: run.outcome,
            ...(run.callSid ? { roomCallSid: run.callSid } : {}),
            ...(run.errorCode === undefined ? {} : { errorCode: run.errorCode }),
          },
        }
      : {}),
    createdBy: schedule.createdBy,
  };
}

/** The command as REST's form fields (rooms/schedules/spec.ts checks them, naming the field). */
function formOf(command: Extract<SchedulingCommand, { type: 'schedule' }>): Form {
  const form: Form = { Recurrence: command.recurrence };
  if (command.startTime !== undefined) form.StartTime = command.startTime;
  if (command.time !== undefined) form.Time = command.time;
  if (command.days) form.Days = [...command.days];
  if (command.dayOfMonth !== undefined) form.DayOfMonth = String(command.dayOfMonth);
  if (command.timeZone !== undefined) form.TimeZone = command.timeZone;
  if (command.endDate !== undefined) form.EndDate = command.endDate;
  if (command.count !== undefined) form.Count = String(command.count);
  if (command.members) form.Members = [...command.members];
  else form.All = 'true';
  if (command.organizerPhone) form.OrganizerPhone = 'true';
  if (command.name !== undefined) form.FriendlyName = command.name;
  return form;
}

/**
 * Who a `schedule` is made by: the member, when they may schedule (the organizer; others when the
 * room has `MembersMaySchedule`); else, for a token with the organizer grant, the account; else
 * refused (91141).
 */
async function creatorOf(deps: CommandDeps, who: Scheduler, room: RoomRecord): Promise<string> {
  const { member, organizerGrant } = who;
  if (member && (member.role === 'organizer' || room.membersMaySchedule || !organizerGrant))
    return scheduleCreator(deps.store, room, member.sid);
  if (organizerGrant) return room.accountSid;
  throw new RestError(
    403,
    91141,
    `this token's identity is not a member of room ${room.sid}: it may not schedule calls`,
  );
}

/** Runs `schedule` or `unschedule`; resolves with the command's sequence number in the room's log. */
export async function runScheduling(
  deps: CommandDeps,
  parts: ScheduleParts,
  who: Scheduler,
  room: RoomRecord,
  command: SchedulingCommand,
): Promise<number> {
  const { member } = who;
  const fields = {
    kind: 'command',
    type: command.type,
    ...(member ? { memberSid: member.sid } : {}),
    ...(command.type === 'unschedule' ? { scheduleSid: command.schedule } : {}),
    outcome: 'pending',
    source: 'channel',
  } as const;
  const now = deps.runtime.clock.now();
  const { sequence } = await runAudited(deps, room, fields, async () => {
    if (command.type === 'schedule') {
      await addSchedule(parts, room, formOf(command), await creatorOf(deps, who, room), now);
      return;
    }
    const schedule = await deps.store.get<RoomScheduleRecord>('room-schedule', room.accountSid, command.schedule);
    if (!schedule || schedule.roomSid !== room.sid)
      throw new RestError(404, 91143, `room ${room.sid} has no schedule ${command.schedule}`);
    const mayAny = who.organizerGrant || member?.role === 'organizer';
    if (!mayAny && schedule.createdBy !== member?.sid)
      throw new RestError(
        403,
        91141,
        `${command.schedule} was scheduled by someone else: only they or the organizer may delete it`,
      );
    await removeSchedule(parts, room, schedule.sid);
  });
  return sequence ?? 0;
}
