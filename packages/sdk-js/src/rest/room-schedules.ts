/**
 * A room's scheduled calls in the REST client (`/patchbay/v1/Rooms/{Sid}/Schedules`,
 * docs/rooms.md): once at a time, or daily, weekly or monthly at HH:MM in an IANA time zone.
 * RestErrors carry the API's codes (91140 too many schedules, 91141 members may not schedule,
 * 91142 an invalid schedule).
 *
 * @example
 * const schedules = client.rooms.schedules(room.sid);
 * await schedules.create({ recurrence: 'monthly', dayOfMonth: 1, time: '09:00', timeZone: 'Europe/Paris', all: true });
 * for (const s of await schedules.list()) console.log(s.friendlyName, s.nextRun);
 */
import type { Http, ParamValue } from './http.js';
import { v1Listing } from './rooms.js';

export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
export type ScheduleRunOutcome = 'claimed' | 'started' | 'skipped-call-in-progress' | 'missed' | 'failed';

export interface ScheduleParams {
  recurrence?: 'once' | 'daily' | 'weekly' | 'monthly';
  /** When a `once` call runs. */
  startTime?: Date;
  /** HH:MM (24-hour) in `timeZone`, for daily, weekly and monthly calls. */
  time?: string;
  days?: readonly Weekday[];
  /** 1-31; a day the month lacks runs on its last day. */
  dayOfMonth?: number;
  /** IANA, like Europe/Paris. @default 'UTC' */
  timeZone?: string;
  endDate?: Date;
  count?: number;
  /** These members (the organizer is always rung too)... */
  members?: readonly string[];
  /** ...or every member. */
  all?: boolean;
  organizerPhone?: boolean;
  friendlyName?: string;
  /** The member who schedules it (the organizer; members when the room allows). @default the account */
  createdBy?: string;
}

export interface RoomScheduleInstance {
  sid: string;
  accountSid: string;
  roomSid: string;
  friendlyName: string | null;
  members: 'all' | string[];
  organizerPhone: boolean;
  recurrence: 'once' | 'daily' | 'weekly' | 'monthly';
  startTime: Date | null;
  time: string | null;
  days: Weekday[] | null;
  dayOfMonth: number | null;
  timeZone: string;
  /** ISO 8601. */
  endDate: string | null;
  count: number | null;
  status: 'active' | 'completed';
  /** The next occurrence (ISO 8601), null once the schedule is over. */
  nextRun: string | null;
  runs: number;
  lastRun: { date: string; outcome: ScheduleRunOutcome; callSid: string | null; errorCode: number | null } | null;
  createdBy: string;
  dateCreated: Date;
  dateUpdated: Date;
  url: string;
}

function form(params: ScheduleParams): Readonly<Record<string, ParamValue>> {
  // Instants go as full ISO 8601 (the client's Date parameters are dates only).
  return {
    ...params,
    startTime: params.startTime?.toISOString(),
    endDate: params.endDate?.toISOString(),
    days: params.days?.join(','),
  };
}

export type RoomSchedulesClient = ReturnType<typeof roomSchedulesClient>;

export function roomSchedulesClient(http: Http, path: string) {
  return {
    ...v1Listing<RoomScheduleInstance>(http, path, 'schedules'),
    create: (params: ScheduleParams) => http.request<RoomScheduleInstance>('POST', path, form(params)),
    get: (sid: string) => http.request<RoomScheduleInstance>('GET', `${path}/${sid}`),
    /** Fields left out keep their values; the next run counts again from now. */
    update: (sid: string, params: ScheduleParams) =>
      http.request<RoomScheduleInstance>('POST', `${path}/${sid}`, form(params)),
    remove: (sid: string) => http.request<void>('DELETE', `${path}/${sid}`),
  };
}
