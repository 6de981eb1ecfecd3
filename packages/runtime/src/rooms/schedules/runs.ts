/**
 * The scheduler's decisions as pure functions: the first run of a new or changed schedule, what
 * to do with an occurrence at a given moment (wait, run, or record it missed), and the record
 * once an occurrence is claimed. Claiming moves `nextRun` on in the same atomic store update, so
 * an occurrence is claimed once, whatever process or restart looks at it afterwards.
 */

import {
  type RoomScheduleRecord,
  type RunOutcome,
  SCHEDULE_LIMITS,
  type ScheduleRun,
  type ScheduleSpec,
} from './records.js';
import { nextOccurrence } from './recurrence.js';

/** The first occurrence after `after` that the end date and count allow, or undefined. */
export function upcoming(spec: ScheduleSpec, runs: number, after: number): number | undefined {
  if (spec.count !== undefined && runs >= spec.count) return undefined;
  const next = nextOccurrence(spec.recurrence, spec.timeZone, after);
  if (next === undefined || (spec.endsAt !== undefined && next > spec.endsAt)) return undefined;
  return next;
}

export type Due = 'wait' | 'run' | 'missed';

/** An occurrence at `now`: not yet, run it (on time, or late within the grace window), or too old to run. */
export function due(nextRun: number, now: number, graceMs: number = SCHEDULE_LIMITS.graceMs): Due {
  if (nextRun > now) return 'wait';
  return now - nextRun <= graceMs ? 'run' : 'missed';
}

/**
 * The record with occurrence `at` claimed: counted, recorded, and `nextRun` moved to the next
 * occurrence after both `at` and `now` (a server down for a week records one missed occurrence,
 * then waits for the next one). `undefined` when `at` is no longer the record's next run: it was
 * claimed already (by this process before, or by the one that ran before a restart, or another node).
 */
export function claim(
  current: RoomScheduleRecord,
  at: number,
  now: number,
  outcome: RunOutcome,
  node?: string,
): RoomScheduleRecord | undefined {
  if (current.nextRun !== at) return undefined;
  const runs = current.runs + 1;
  const next = upcoming(current, runs, Math.max(at, now));
  const { nextRun: _, ...rest } = current;
  const lastRun = { at, outcome, ...(outcome === 'claimed' ? { claimedAt: now, ...(node ? { node } : {}) } : {}) };
  return { ...rest, runs, lastRun, updatedAt: now, ...(next === undefined ? {} : { nextRun: next }) };
}

/**
 * An occurrence claimed by `node` (undefined: a single server) and left `claimed` (its process
 * stopped before the call started, or before it recorded the start), taken over by `by` at `now`:
 * the record with the claim moved to `by`, or undefined when it is not (or no longer) that claim.
 */
export function reclaim(
  current: RoomScheduleRecord,
  node: string | undefined,
  by: string | undefined,
  now: number,
): RoomScheduleRecord | undefined {
  const run = current.lastRun;
  if (run?.outcome !== 'claimed' || run.node !== node) return undefined;
  const { node: _, ...rest } = run;
  return {
    ...current,
    lastRun: { ...rest, claimedAt: run.claimedAt ?? run.at, ...(by ? { node: by } : {}) },
    updatedAt: now,
  };
}

/** A room call started on another node this much before the claim (clocks differ) still counts as the occurrence's. */
export const CLOCK_SKEW_MS = 1000;

/**
 * A claim taken over (`reclaim`), at `now`: recorded `started` with the room's latest call when
 * that began since the claim (it was the occurrence's: nobody is rung twice), `missed` when the
 * room is gone or the occurrence is past its grace, else `start` its call now.
 */
export function resumed(
  run: ScheduleRun,
  room: { readonly latestCall?: { readonly sid: string; readonly createdAt: number } | undefined } | undefined,
  now: number,
): { readonly outcome: 'started'; readonly callSid: string } | { readonly outcome: 'missed' } | 'start' {
  const latest = room?.latestCall;
  if (latest && latest.createdAt >= (run.claimedAt ?? run.at) - CLOCK_SKEW_MS)
    return { outcome: 'started', callSid: latest.sid };
  if (!room || due(run.at, now) === 'missed') return { outcome: 'missed' };
  return 'start';
}
