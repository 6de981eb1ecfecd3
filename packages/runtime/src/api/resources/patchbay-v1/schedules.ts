/**
 * /patchbay/v1/Rooms/{RoomSid}/Schedules: a room's scheduled calls (docs/rooms.md, Schedules).
 * POST creates one (form fields in rooms/schedules/spec.ts; `CreatedBy` names the member who
 * schedules it, allowed for the organizer, and for members when the room has
 * `MembersMaySchedule`; without it the account schedules), GET lists (v1 paging) or fetches,
 * POST on one changes it (its next run counts again from now), DELETE removes it. Bounded per
 * room and per account (91140). The scheduler hears of every change, and the room's log gets a
 * `room-updated` entry for each (rooms/schedules/changes.ts, shared with the control channel).
 */

import type { RoomRecord } from '../../../rooms/records.js';
import {
  addSchedule,
  changeSchedule,
  removeSchedule,
  scheduleCreator,
  schedulesOf,
} from '../../../rooms/schedules/changes.js';
import type { RoomScheduleRecord } from '../../../rooms/schedules/records.js';
import { WEEKDAYS } from '../../../rooms/schedules/recurrence.js';
import type { RoomScheduler } from '../../../rooms/schedules/scheduler.js';
import { field, notFound } from '../../http.js';
import { pageOf, pageRequest } from '../../paging.js';
import type { Resource } from '../context.js';
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
    const parts = { store, serial: api.serial, scheduler, updates: api.calls.updates };
    if (scheduleSid === undefined) {
      if (method === 'GET') {
        const request = pageRequest(context.query);
        const url = `${publicUrl}${V1}/Rooms/${roomSid}/Schedules`;
        return {
          status: 200,
          body: v1Page('schedules', url, request, pageOf(await schedulesOf(store, room), request), render),
        };
      }
      if (method !== 'POST') return undefined;
      const form = await context.form();
      const createdBy = await scheduleCreator(store, room, field(form, 'CreatedBy'));
      const schedule = await addSchedule(parts, room, form, createdBy, now);
      return { status: 201, body: render(schedule) };
    }
    const schedule = await store.get<RoomScheduleRecord>('room-schedule', account.sid, scheduleSid);
    if (!schedule || schedule.roomSid !== roomSid) throw notFound(scheduleSid);
    if (method === 'GET') return { status: 200, body: render(schedule) };
    if (method === 'DELETE') {
      await removeSchedule(parts, room, scheduleSid);
      return { status: 204 };
    }
    if (method !== 'POST') return undefined;
    const updated = await changeSchedule(parts, room, scheduleSid, await context.form(), now);
    if (!updated) throw notFound(scheduleSid);
    return { status: 200, body: render(updated) };
  };
