/**
 * When a room's scheduled call runs: pure computation of the next occurrence of a rule in an IANA
 * time zone, with the platform's Intl data (no dependency: Intl already knows every zone and its
 * DST rules, and the arithmetic below is a few lines).
 *
 * - `once` at an instant; `daily` at HH:MM; `weekly` on days (0 = Sunday) at HH:MM; `monthly` on
 *   day N at HH:MM. A day the month lacks is clamped to its last day ("the 31st" runs on 30 April
 *   and 28/29 February), so a monthly call never silently skips a month.
 * - A wall time that DST skips (02:30 on the spring-forward day) runs at the same offset as before
 *   the change, i.e. an hour later on the clock (03:30); a wall time that occurs twice (fall back)
 *   runs at its first occurrence, once.
 *
 * @example
 * nextOccurrence({ type: 'monthly', day: 1, time: '09:00' }, 'Europe/Paris', Date.now());
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export type Recurrence =
  | { readonly type: 'once'; readonly at: number }
  | { readonly type: 'daily'; readonly time: string }
  | { readonly type: 'weekly'; readonly days: readonly number[]; readonly time: string }
  | { readonly type: 'monthly'; readonly day: number; readonly time: string };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** Whether the platform knows this IANA zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface Civil {
  readonly year: number;
  /** 1-12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

/** The wall clock in `timeZone` at `at` (to the minute). */
export function civilAt(at: number, timeZone: string): Civil {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(at)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
  };
}

/** The zone's offset from UTC at `at`, in milliseconds. */
function offsetAt(at: number, timeZone: string): number {
  const c = civilAt(at, timeZone);
  const floored = at - (((at % 60_000) + 60_000) % 60_000);
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute) - floored;
}

/** The instant the wall clock in `timeZone` reads this date and time (DST: see the module comment). */
export function zonedInstant(civil: Civil, timeZone: string): number {
  const asUtc = Date.UTC(civil.year, civil.month - 1, civil.day, civil.hour, civil.minute);
  // The offset a few hours before is the one in force before any change that day: a skipped time
  // keeps it (an hour later on the clock); a repeated time takes its first (earlier) instant.
  const before = offsetAt(asUtc - 12 * 3600_000, timeZone);
  const first = asUtc - before;
  const second = asUtc - offsetAt(first, timeZone);
  const readsFirst = civilMatches(first, civil, timeZone);
  const readsSecond = civilMatches(second, civil, timeZone);
  if (readsFirst && readsSecond) return Math.min(first, second);
  if (readsSecond) return second;
  // Read by `first` alone, or by neither (a skipped time): the offset in force before the change.
  return first;
}

function civilMatches(at: number, civil: Civil, timeZone: string): boolean {
  const c = civilAt(at, timeZone);
  return (
    c.year === civil.year &&
    c.month === civil.month &&
    c.day === civil.day &&
    c.hour === civil.hour &&
    c.minute === civil.minute
  );
}

/** `HH:MM` (24-hour) as hours and minutes, or undefined. */
export function parseTime(time: string): { hour: number; minute: number } | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : undefined;
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** A civil date `n` days after this one. */
function addDays(c: { year: number; month: number; day: number }, n: number) {
  const d = new Date(Date.UTC(c.year, c.month - 1, c.day + n));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The first occurrence strictly after `after`, or undefined (a `once` already past). */
export function nextOccurrence(rule: Recurrence, timeZone: string, after: number): number | undefined {
  if (rule.type === 'once') return rule.at > after ? rule.at : undefined;
  const time = parseTime(rule.time);
  if (!time) return undefined;
  // Start a day early: the zone's date at `after` may be behind the wanted occurrence's date.
  const today = addDays(civilAt(after, timeZone), -1);
  if (rule.type === 'monthly') {
    for (let i = 0; i < 3; i++) {
      const month0 = today.month - 1 + i;
      const year = today.year + Math.floor(month0 / 12);
      const month = (month0 % 12) + 1;
      const day = Math.min(rule.day, daysIn(year, month));
      const at = zonedInstant({ year, month, day, ...time }, timeZone);
      if (at > after) return at;
    }
    return undefined;
  }
  for (let i = 0; i < 10; i++) {
    const date = addDays(today, i);
    if (
      rule.type === 'weekly' &&
      !rule.days.includes(new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay())
    )
      continue;
    const at = zonedInstant({ ...date, ...time }, timeZone);
    if (at > after) return at;
  }
  return undefined;
}
