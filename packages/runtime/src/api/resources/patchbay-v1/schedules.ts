/**
 * /patchbay/v1/Rooms/{RoomSid}/Schedules: a room's scheduled calls (docs/rooms.md, Schedules).
 * POST creates one (form fields in rooms/schedules/spec.ts; `CreatedBy` names the member who
 * schedules it, allowed for the organizer, and for members when the room has
 * `MembersMaySchedule`; without it the account schedules), GET lists (v1 paging) or fetches,
 * POST on one changes it (its next run counts again from now), DELETE removes it. Bounded per
 * room and per account (91140). The scheduler hears of every change.
 */

import type { RoomMemberRecord, RoomRecord } from '../../../rooms/records.js';
import { type RoomScheduleRecord, SCHEDULE_INDEX_SID, SCHEDULE_LIMITS } from '../../../rooms/schedules/records.js';
import { WEEKDAYS } from '../../../rooms/schedules/recurrence.js';
import type { RoomScheduler } from '../../../rooms/schedules/scheduler.js';
import { newScheduleSpec, scheduleSpec } from '../../../rooms/schedules/spec.js';
import { newSid } from '../../../sid.js';
import { indexAccount } from '../../../store/account-index.js';
import type { Store } from '../../../store/types.js';
import { field, invalid, notFound, RestError } from '../../http.js';
import { pageOf, pageRequest } from '../../paging.js';
import type { Resource } from '../context.js';
import { allOf } from '../sip/common.js';
import { isoDate, v1Page } from '../voice-v1/paging.js';
import type { RoomsApi } from './index.js';
import { V1 } from './json.js';

const PATH = /^Rooms\/(RM[0-9a-f]{32})\/Schedules(?:\/(RS[0-9a-f]{32}))?$/;

export function scheduleJson(schedule: RoomScheduleRecord, base: string) {
  const rule = schedule.recurrence;
  return {
    sid: schedule.sid,
    account_sid: schedule.accountSid,
    room_sid: schedule.roomSid,
    friendly_name: schedule.friendlyName ?? null,
    members: schedule.members === 'all' ? 'all' : [...schedule.members],
    organizer_phone: schedule.organizerPhone,
    recurrence: rule.type,
    start_time: rule.type === 'once' ? isoDate(rule.at) : null,
    time: 'time' in rule ? rule.time : null,
    days: rule.type === 'weekly' ? rule.days.map((day) => WEEKDAYS[day]) : null,
    day_of_month: rule.type === 'monthly' ? rule.day : null,
    time_zone: schedule.timeZone,
    end_date: schedule.endsAt === undefined ? null : isoDate(schedule.endsAt),
    count: schedule.count ?? null,
    status: schedule.nextRun === undefined ? 'completed' : 'active',
    next_run: schedule.nextRun === undefined ? null : isoDate(schedule.nextRun),
    runs: schedule.runs,
    last_run: schedule.lastRun
      ? {
          date: isoDate(schedule.lastRun.at),
          outcome: schedule.lastRun.outcome,
          call_sid: schedule.lastRun.callSid ?? null,
          error_code: schedule.lastRun.errorCode ?? null,
        }
      : null,
    created_by: schedule.createdBy,
    date_created: isoDate(schedule.createdAt),
    date_updated: isoDate(schedule.updatedAt),
    url: `${base}${V1}/Rooms/${schedule.roomSid}/Schedules/${schedule.sid}`,
  };
}

/** Who schedules: the account, or a member allowed to (the organizer; members if the room lets them). */
async function creator(store: Store, room: RoomRecord, given: string | undefined): Promise<string> {
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

export const schedulesResource =
  (api: RoomsApi, scheduler: RoomScheduler): Resource =>
  async (context) => {
    const { store, account, publicUrl, method, runtime } = context;
    // The runtime's clock, which the scheduler fires on (a VirtualClock in tests).
    const now = runtime.clock.now();
    const match = PATH.exec(context.rest);
    if (!match) return undefined;
    const [, roomSid = '', scheduleSid] = match;
    const room = await store.get<RoomRecord>('room', account.sid, roomSid);
    if (!room) throw notFound(roomSid);
    const render = (schedule: RoomScheduleRecord) => scheduleJson(schedule, publicUrl);
    const ofRoom = () =>
      allOf<RoomScheduleRecord>(store, 'room-schedule', account.sid, { roomSid }, SCHEDULE_LIMITS.perRoom);
    if (scheduleSid === undefined) {
      if (method === 'GET') {
        const request = pageRequest(context.query);
        const url = `${publicUrl}${V1}/Rooms/${roomSid}/Schedules`;
        return { status: 200, body: v1Page('schedules', url, request, pageOf(await ofRoom(), request), render) };
      }
      if (method !== 'POST') return undefined;
      const form = await context.form();
      const { spec, nextRun } = newScheduleSpec(form, now);
      const createdBy = await creator(store, room, field(form, 'CreatedBy'));
      // One creation at a time per account: two at once cannot pass the bounds together.
      const schedule = await api.serial.run(`room-schedules:${account.sid}`, async () => {
        if ((await ofRoom()).length >= SCHEDULE_LIMITS.perRoom)
          throw new RestError(409, 91140, `room ${roomSid} has ${SCHEDULE_LIMITS.perRoom} schedules, its limit`);
        const inAccount = await allOf(store, 'room-schedule', account.sid, {}, SCHEDULE_LIMITS.perAccount);
        if (inAccount.length >= SCHEDULE_LIMITS.perAccount)
          throw new RestError(409, 91140, `the account has ${SCHEDULE_LIMITS.perAccount} schedules, its limit`);
        // The account is listed in the scheduler's index, so a restarted server reads its schedules.
        await indexAccount(store, SCHEDULE_INDEX_SID, account.sid, now);
        const record: RoomScheduleRecord = {
          ...spec,
          sid: newSid('RS'),
          accountSid: account.sid,
          roomSid,
          createdBy,
          nextRun,
          runs: 0,
          createdAt: now,
          updatedAt: now,
        };
        await store.put('room-schedule', record);
        return record;
      });
      scheduler.changed(schedule);
      return { status: 201, body: render(schedule) };
    }
    const schedule = await store.get<RoomScheduleRecord>('room-schedule', account.sid, scheduleSid);
    if (!schedule || schedule.roomSid !== roomSid) throw notFound(scheduleSid);
    if (method === 'GET') return { status: 200, body: render(schedule) };
    if (method === 'DELETE') {
      await store.delete('room-schedule', account.sid, scheduleSid);
      scheduler.removed(scheduleSid, account.sid);
      return { status: 204 };
    }
    if (method !== 'POST') return undefined;
    const form = await context.form();
    const updated = await store.update<RoomScheduleRecord>('room-schedule', account.sid, scheduleSid, (current) => {
      const { spec, nextRun } = scheduleSpec(form, now, current);
      const { endsAt: _e, count: _c, friendlyName: _f, nextRun: _n, ...kept } = current;
      return { ...kept, ...spec, ...(nextRun === undefined ? {} : { nextRun }), updatedAt: now };
    });
    if (!updated) throw notFound(scheduleSid);
    scheduler.changed(updated);
    return { status: 200, body: render(updated) };
  };
