import { describe, expect, it } from 'vitest';
import type { RoomScheduleRecord } from './records.js';
import { CLOCK_SKEW_MS, claim, due, reclaim, resumed, upcoming } from './runs.js';

const AT = Date.parse('2026-04-01T09:00:00Z');
const MINUTE = 60_000;
const daily: RoomScheduleRecord = {
  sid: `RS${'1'.repeat(32)}`,
  accountSid: `AC${'1'.repeat(32)}`,
  roomSid: `RM${'1'.repeat(32)}`,
  createdAt: 0,
  updatedAt: 0,
  createdBy: `AC${'1'.repeat(32)}`,
  members: 'all',
  organizerPhone: false,
  recurrence: { type: 'daily', time: '09:00' },
  timeZone: 'UTC',
  nextRun: AT,
  runs: 0,
};

describe('schedule runs', () => {
  it('waits, runs on time or within the 15-minute grace, and calls older occurrences missed', () => {
    expect(due(AT, AT - 1)).toBe('wait');
    expect(due(AT, AT)).toBe('run');
    expect(due(AT, AT + 15 * MINUTE)).toBe('run');
    expect(due(AT, AT + 15 * MINUTE + 1)).toBe('missed');
  });

  it('claims an occurrence once: next_run moves on, and claiming it again is refused', () => {
    const claimed = claim(daily, AT, AT, 'claimed');
    expect(claimed).toMatchObject({ runs: 1, nextRun: AT + 24 * 60 * MINUTE, lastRun: { at: AT, outcome: 'claimed' } });
    if (!claimed) throw new Error('not claimed');
    expect(claim(claimed, AT, AT, 'claimed')).toBeUndefined();
  });

  it('after a long outage records one missed occurrence and moves to the next one still to come', () => {
    const now = AT + 3.5 * 24 * 60 * MINUTE;
    const claimed = claim(daily, AT, now, 'missed');
    expect(claimed).toMatchObject({ runs: 1, nextRun: AT + 4 * 24 * 60 * MINUTE, lastRun: { outcome: 'missed' } });
  });

  it('ends at the count or the end date', () => {
    expect(claim({ ...daily, count: 1 }, AT, AT, 'claimed')?.nextRun).toBeUndefined();
    expect(upcoming({ ...daily, endsAt: AT + MINUTE }, 1, AT)).toBeUndefined();
    expect(upcoming({ ...daily, endsAt: AT + 24 * 60 * MINUTE }, 1, AT)).toBe(AT + 24 * 60 * MINUTE);
  });

  it('takes over a claim left by a stopped server or node once, and nothing else', () => {
    const mine = claim(daily, AT, AT, 'claimed', 'node-a');
    if (!mine) throw new Error('not claimed');
    expect(mine.lastRun).toEqual({ at: AT, outcome: 'claimed', claimedAt: AT, node: 'node-a' });
    const taken = reclaim(mine, 'node-a', 'node-b', AT + MINUTE);
    expect(taken?.lastRun).toEqual({ at: AT, outcome: 'claimed', claimedAt: AT, node: 'node-b' });
    if (!taken) throw new Error('not taken');
    // Taken already: another survivor (or a second look) finds it no longer node-a's.
    expect(reclaim(taken, 'node-a', 'node-c', AT + MINUTE)).toBeUndefined();
    // A single server's claim (no node) is its own to resume; an occurrence that started is nobody's.
    const single = claim(daily, AT, AT, 'claimed');
    expect(single && reclaim(single, undefined, undefined, AT)?.lastRun).toEqual({
      at: AT,
      outcome: 'claimed',
      claimedAt: AT,
    });
    expect(reclaim({ ...mine, lastRun: { at: AT, outcome: 'started' } }, 'node-a', 'node-b', AT)).toBeUndefined();
  });

  it('resumes a claim: the call begun since it, else a new start within the grace, else missed', () => {
    const run = { at: AT, outcome: 'claimed', claimedAt: AT + MINUTE } as const;
    const call = (createdAt: number) => ({ latestCall: { sid: 'RC1', createdAt } });
    expect(resumed(run, call(AT + MINUTE - CLOCK_SKEW_MS), AT + 2 * MINUTE)).toEqual({
      outcome: 'started',
      callSid: 'RC1',
    });
    // A call from before the claim was another one: this occurrence's starts now.
    expect(resumed(run, call(AT), AT + 2 * MINUTE)).toBe('start');
    expect(resumed(run, {}, AT + 15 * MINUTE)).toBe('start');
    expect(resumed(run, {}, AT + 15 * MINUTE + 1)).toEqual({ outcome: 'missed' });
    // The room is gone.
    expect(resumed(run, undefined, AT)).toEqual({ outcome: 'missed' });
  });
});
