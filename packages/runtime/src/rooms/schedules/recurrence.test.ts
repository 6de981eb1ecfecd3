import { describe, expect, it } from 'vitest';
import { civilAt, nextOccurrence, zonedInstant } from './recurrence.js';

const iso = (at: number | undefined) => (at === undefined ? undefined : new Date(at).toISOString());
const utc = (s: string) => Date.parse(s);

describe('nextOccurrence', () => {
  it('runs a daily call at the wall time of its zone', () => {
    expect(iso(nextOccurrence({ type: 'daily', time: '09:00' }, 'Europe/Paris', utc('2026-01-10T07:00:00Z')))).toBe(
      '2026-01-10T08:00:00.000Z',
    );
    // Strictly after: the occurrence itself is not next again.
    expect(iso(nextOccurrence({ type: 'daily', time: '09:00' }, 'Europe/Paris', utc('2026-01-10T08:00:00Z')))).toBe(
      '2026-01-11T08:00:00.000Z',
    );
  });

  it('keeps the wall time across DST: 09:00 in Paris is 08:00Z in winter, 07:00Z in summer', () => {
    const rule = { type: 'daily', time: '09:00' } as const;
    expect(iso(nextOccurrence(rule, 'Europe/Paris', utc('2026-03-28T12:00:00Z')))).toBe('2026-03-29T07:00:00.000Z');
    expect(iso(nextOccurrence(rule, 'Europe/Paris', utc('2026-10-24T12:00:00Z')))).toBe('2026-10-25T08:00:00.000Z');
  });

  it('runs a time DST skips an hour later on the clock, and a repeated time once, at its first instant', () => {
    // New York springs forward at 02:00 on 8 March 2026: 02:30 does not exist.
    const skipped = nextOccurrence({ type: 'daily', time: '02:30' }, 'America/New_York', utc('2026-03-08T00:00:00Z'));
    expect(iso(skipped)).toBe('2026-03-08T07:30:00.000Z');
    expect(civilAt(skipped ?? 0, 'America/New_York')).toMatchObject({ day: 8, hour: 3, minute: 30 });
    // It falls back at 02:00 on 1 November 2026: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
    const rule = { type: 'daily', time: '01:30' } as const;
    const first = nextOccurrence(rule, 'America/New_York', utc('2026-11-01T00:00:00Z'));
    expect(iso(first)).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(nextOccurrence(rule, 'America/New_York', first ?? 0))).toBe('2026-11-02T06:30:00.000Z');
  });

  it('runs weekly on the chosen days only', () => {
    const rule = { type: 'weekly', days: [1, 3], time: '18:00' } as const; // Mondays and Wednesdays
    let at = utc('2026-06-06T00:00:00Z'); // a Saturday
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      at = nextOccurrence(rule, 'UTC', at) ?? 0;
      seen.push(iso(at) ?? '');
    }
    expect(seen).toEqual([
      '2026-06-08T18:00:00.000Z',
      '2026-06-10T18:00:00.000Z',
      '2026-06-15T18:00:00.000Z',
      '2026-06-17T18:00:00.000Z',
    ]);
  });

  it('takes the weekday in the zone, not in UTC', () => {
    // 23:30 on Monday in Los Angeles is Tuesday in UTC.
    const at = nextOccurrence(
      { type: 'weekly', days: [1], time: '23:30' },
      'America/Los_Angeles',
      utc('2026-06-06T00:00:00Z'),
    );
    expect(iso(at)).toBe('2026-06-09T06:30:00.000Z');
  });

  it('clamps a monthly day to the end of shorter months', () => {
    const rule = { type: 'monthly', day: 31, time: '09:00' } as const;
    let at = utc('2026-01-01T00:00:00Z');
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      at = nextOccurrence(rule, 'UTC', at) ?? 0;
      seen.push((iso(at) ?? '').slice(0, 10));
    }
    expect(seen).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
    // 2028 is a leap year.
    expect(iso(nextOccurrence(rule, 'UTC', utc('2028-02-01T00:00:00Z')))?.slice(0, 10)).toBe('2028-02-29');
  });

  it('runs "9:00 on the 1st of every month" in Tokyo, across the year end', () => {
    const at = nextOccurrence({ type: 'monthly', day: 1, time: '09:00' }, 'Asia/Tokyo', utc('2026-12-05T00:00:00Z'));
    expect(iso(at)).toBe('2027-01-01T00:00:00.000Z');
  });

  it('runs once, then never', () => {
    const rule = { type: 'once', at: utc('2026-05-01T10:00:00Z') } as const;
    expect(nextOccurrence(rule, 'UTC', utc('2026-05-01T09:00:00Z'))).toBe(rule.at);
    expect(nextOccurrence(rule, 'UTC', rule.at)).toBeUndefined();
  });

  it('converts a wall time in a zone with a half-hour offset', () => {
    expect(iso(zonedInstant({ year: 2026, month: 7, day: 1, hour: 9, minute: 0 }, 'Asia/Kolkata'))).toBe(
      '2026-07-01T03:30:00.000Z',
    );
  });
});
