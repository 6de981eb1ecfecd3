/**
 * Creating, changing and deleting a room's schedules, the same for REST (`/patchbay/v1/Rooms/{Sid}/Schedules`)
 * and a member's app on the control channel (`schedule`, `unschedule`): who may schedule (the
 * account; the organizer; other members when the room has `MembersMaySchedule`), the bounds per
 * room and per account (91140), the account listed in the scheduler's index, the scheduler told,
 * and one `room-updated` entry (`schedule-added`, `schedule-changed`, `schedule-removed`, with the
 * schedule's SID) in the room's log, so every app following the room sees it.
 *
 * @example
 * const schedule = await addSchedule(parts, room, form, await scheduleCreator(store, room, memberSid), now);
 */
import { type Form, invalid, RestError } from '../../api/http.js';
import { allOf } from '../../api/resources/sip/common.js';
import { newSid } from '../../sid.js';
import { indexAccount } from '../../store/account-index.js';
import type { Store } from '../../store/types.js';
import type { RoomUpdates } from '../call/room-updates.js';
import type { RoomMemberRecord, RoomRecord } from '../records.js';
import type { Serial } from '../serial.js';
import { type RoomScheduleRecord, SCHEDULE_INDEX_SID, SCHEDULE_LIMITS } from './records.js';
import type { RoomScheduler } from './scheduler.js';
import { newScheduleSpec, scheduleSpec } from './spec.js';

export interface ScheduleParts {
  readonly store: Store;
  readonly serial: Serial;
  readonly scheduler: RoomScheduler;
  readonly updates?: RoomUpdates | undefined;
}

/** The room's schedules (at most its bound). */
export function schedulesOf(store: Store, room: RoomRecord): Promise<RoomScheduleRecord[]> {
  return allOf<RoomScheduleRecord>(
    store,
    'room-schedule',
    room.accountSid,
    { roomSid: room.sid },
    SCHEDULE_LIMITS.perRoom,
  );
}

/** Who schedules: the account (`given` absent or the account), or a member allowed to (91141 when not). */
export async function scheduleCreator(store: Store, room: RoomRecord, given: string | undefined): Promise<string> {
  if (given === undefined || given === room.accountSid) return room.accountSid;
  const member = /^MB[0-9a-f]{32}$/.test(given)
    ? await store.get<RoomMemberRecord>('room-member', room.accountSid, given)
    : undefined;
  if (!member || member.roomSid !== room.sid)
    throw invalid(21200, 'CreatedBy', `"${given}" is neither the account nor a member of this room`);
  if (member.role !== 'organizer' && !room.membersMaySchedule)
    throw new RestError(403, 91141, `room ${room.sid} does not let members schedule calls (MembersMaySchedule)`);
  return member.sid;
}

/** A new schedule from REST's form fields (rooms/schedules/spec.ts), made by `createdBy`. */
export async function addSchedule(
  parts: ScheduleParts,
  room: RoomRecord,
  form: Form,
  createdBy: string,
  now: number,
): Promise<RoomScheduleRecord> {
  const { store } = parts;
  const { spec, nextRun } = newScheduleSpec(form, now);
  const { accountSid } = room;
  // One creation at a time per account: two at once cannot pass the bounds together.
  const schedule = await parts.serial.run(`room-schedules:${accountSid}`, async () => {
    if ((await schedulesOf(store, room)).length >= SCHEDULE_LIMITS.perRoom)
      throw new RestError(409, 91140, `room ${room.sid} has ${SCHEDULE_LIMITS.perRoom} schedules, its limit`);
    const inAccount = await allOf(store, 'room-schedule', accountSid, {}, SCHEDULE_LIMITS.perAccount);
    if (inAccount.length >= SCHEDULE_LIMITS.perAccount)
      throw new RestError(409, 91140, `the account has ${SCHEDULE_LIMITS.perAccount} schedules, its limit`);
    // The account is listed in the scheduler's index, so a restarted server reads its schedules.
    await indexAccount(store, SCHEDULE_INDEX_SID, accountSid, now);
    const record: RoomScheduleRecord = {
      ...spec,
      sid: newSid('RS'),
      accountSid,
      roomSid: room.sid,
      createdBy,
      nextRun,
      runs: 0,
      createdAt: now,
      updatedAt: now,
    };
    await store.put('room-schedule', record);
    return record;
  });
  parts.scheduler.changed(schedule);
  await parts.updates?.changed(room, { change: 'schedule-added', scheduleSid: schedule.sid });
  return schedule;
}

/** The schedule with REST's form fields applied (those left out keep their values); undefined when it is gone. */
export async function changeSchedule(
  parts: ScheduleParts,
  room: RoomRecord,
  scheduleSid: string,
  form: Form,
  now: number,
): Promise<RoomScheduleRecord | undefined> {
  const updated = await parts.store.update<RoomScheduleRecord>(
    'room-schedule',
    room.accountSid,
    scheduleSid,
    (current) => {
      const { spec, nextRun } = scheduleSpec(form, now, current);
      const { endsAt: _e, count: _c, friendlyName: _f, nextRun: _n, ...kept } = current;
      return { ...kept, ...spec, ...(nextRun === undefined ? {} : { nextRun }), updatedAt: now };
    },
  );
  if (!updated) return undefined;
  parts.scheduler.changed(updated);
  await parts.updates?.changed(room, { change: 'schedule-changed', scheduleSid });
  return updated;
}

/** Deletes the schedule; every node's timer forgets it. */
export async function removeSchedule(parts: ScheduleParts, room: RoomRecord, scheduleSid: string): Promise<void> {
  await parts.store.delete('room-schedule', room.accountSid, scheduleSid);
  parts.scheduler.removed(scheduleSid, room.accountSid);
  await parts.updates?.changed(room, { change: 'schedule-removed', scheduleSid });
}
