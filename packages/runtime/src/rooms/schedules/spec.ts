/**
 * A schedule from REST form fields (docs/rooms.md, Schedules): `Recurrence` (once, daily, weekly,
 * monthly), `StartTime` (ISO 8601, for once), `Time` (HH:MM), `Days` (mon..sun, repeated or
 * comma-separated), `DayOfMonth` (1-31), `TimeZone` (IANA, default UTC), `EndDate`, `Count`,
 * `Members` or `All=true`, `OrganizerPhone`, `FriendlyName`. On an update, fields left out keep
 * their values. Every bad field is a typed error naming it (91142, 21200).
 */
import { bool, type Form, field, fields, invalid } from '../../api/http.js';
import { ROOM_LIMITS } from '../records.js';
import { SCHEDULE_LIMITS, type ScheduleSpec } from './records.js';
import { isTimeZone, parseTime, type Recurrence, WEEKDAYS } from './recurrence.js';
import { upcoming } from './runs.js';

const bad = (parameter: string, message: string) => invalid(91142, parameter, message);

function instant(form: Form, name: string): number | undefined {
  const value = field(form, name);
  if (value === undefined) return undefined;
  // A date and time with its offset (or Z): an instant, whatever the schedule's zone.
  const at = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(at))
    throw bad(name, `must be an ISO 8601 date and time with an offset, like 2026-05-01T09:00:00Z, not "${value}"`);
  return at;
}

function time(form: Form, before: Recurrence | undefined): string {
  const value = field(form, 'Time') ?? (before && 'time' in before ? before.time : undefined);
  if (value === undefined) throw bad('Time', 'give the time of day as HH:MM (24-hour)');
  if (!parseTime(value)) throw bad('Time', `must be HH:MM (24-hour), not "${value}"`);
  return value;
}

function days(form: Form, before: Recurrence | undefined): number[] {
  const given = fields(form, 'Days').flatMap((value) => value.split(','));
  if (given.length === 0 && before?.type === 'weekly') return [...before.days];
  if (given.length === 0) throw bad('Days', `give the days of a weekly call (${WEEKDAYS.join(', ')})`);
  return [
    ...new Set(
      given.map((day) => {
        const index = (WEEKDAYS as readonly string[]).indexOf(day.trim().toLowerCase().slice(0, 3));
        if (index < 0 || day.trim().length < 3) throw bad('Days', `"${day}" is not a day (${WEEKDAYS.join(', ')})`);
        return index;
      }),
    ),
  ].sort();
}

function recurrence(form: Form, before: Recurrence | undefined, now: number): Recurrence {
  const type = field(form, 'Recurrence') ?? before?.type;
  switch (type) {
    case 'once': {
      const given = instant(form, 'StartTime');
      const at = given ?? (before?.type === 'once' ? before.at : undefined);
      if (at === undefined) throw bad('StartTime', 'give the time of a one-off call (ISO 8601)');
      // A one-off call already past may be renamed; a new time must be ahead.
      if (given !== undefined && (at <= now || at > now + SCHEDULE_LIMITS.horizonMs))
        throw bad('StartTime', 'must be in the future, and at most ten years ahead');
      return { type, at };
    }
    case 'daily':
      return { type, time: time(form, before) };
    case 'weekly':
      return { type, days: days(form, before), time: time(form, before) };
    case 'monthly': {
      const given = field(form, 'DayOfMonth');
      const day = given === undefined && before?.type === 'monthly' ? before.day : Number(given);
      if (!Number.isInteger(day) || day < 1 || day > 31)
        throw bad('DayOfMonth', `must be a day of the month from 1 to 31, not "${given ?? ''}"`);
      return { type, day, time: time(form, before) };
    }
    default:
      throw bad('Recurrence', `must be once, daily, weekly or monthly, not "${type ?? ''}"`);
  }
}

function members(form: Form, before: ScheduleSpec | undefined): 'all' | readonly string[] {
  const all = bool(form, 'All') === true;
  const given = fields(form, 'Members');
  if (all && given.length > 0) throw invalid(21200, 'Members', 'give Members or All=true, not both');
  if (all) return 'all';
  if (given.length === 0) {
    if (before) return before.members;
    throw invalid(91112, 'Members', 'name at least one member, or give All=true');
  }
  for (const sid of given)
    if (!/^MB[0-9a-f]{32}$/.test(sid)) throw invalid(21200, 'Members', `"${sid}" is not a member SID`);
  return [...new Set(given)];
}

/**
 * The schedule the form describes (over `before` on an update) and its first run after `now`:
 * a changed schedule may be over (completed); a new one must not (`newScheduleSpec`).
 */
export function scheduleSpec(
  form: Form,
  now: number,
  before?: ScheduleSpec & { readonly runs: number },
): { spec: ScheduleSpec; nextRun: number | undefined } {
  const timeZone = field(form, 'TimeZone') ?? before?.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) throw bad('TimeZone', `"${timeZone}" is not an IANA time zone, like Europe/Paris`);
  const friendlyName = field(form, 'FriendlyName') ?? before?.friendlyName;
  if (friendlyName !== undefined && friendlyName.length > ROOM_LIMITS.friendlyNameLength)
    throw invalid(21200, 'FriendlyName', `must be at most ${ROOM_LIMITS.friendlyNameLength} characters`);
  const endsAt = instant(form, 'EndDate') ?? before?.endsAt;
  const countField = field(form, 'Count');
  const count = countField === undefined ? before?.count : Number(countField);
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= 10_000))
    throw bad('Count', `must be a whole number from 1 to 10000, not "${countField}"`);
  const spec: ScheduleSpec = {
    members: members(form, before),
    organizerPhone: bool(form, 'OrganizerPhone') ?? before?.organizerPhone ?? false,
    recurrence: recurrence(form, before?.recurrence, now),
    timeZone,
    ...(friendlyName === undefined ? {} : { friendlyName }),
    ...(endsAt === undefined ? {} : { endsAt }),
    ...(count === undefined ? {} : { count }),
  };
  const nextRun = upcoming(spec, before?.runs ?? 0, now);
  return { spec, nextRun };
}

/** A new schedule: it must have an occurrence to come (91142). */
export function newScheduleSpec(form: Form, now: number): { spec: ScheduleSpec; nextRun: number } {
  const { spec, nextRun } = scheduleSpec(form, now);
  if (nextRun === undefined) throw bad('EndDate', 'the schedule has no occurrence left (EndDate or Count)');
  return { spec, nextRun };
}
