/**
 * A queue's average wait (queues.ts): the hosted service's `average_wait_time` and `AvgQueueTime`
 * are the average of how long the members waiting now have waited, at the time asked; a member
 * moved to a new holder (a cluster) counts from when it first joined.
 */
import { expect, it } from 'vitest';
import type { Clock } from '../clock/clock.js';
import { CallQueue } from './queues.js';

const call = (n: number) => `CA${String(n).repeat(32)}`;

it('averages how long the members waiting now have waited, and is 0 when nobody waits', () => {
  let time = 0;
  const clock: Clock = { now: () => time, setTimer: () => () => undefined, hold: () => () => undefined };
  const queue = new CallQueue(`AC${'1'.repeat(32)}`, 'support', 10, clock);
  expect(queue.averageWaitSeconds()).toBe(0);
  // Joined at 0 s, 10 s and 20 s; asked at 30 s: they waited 30, 20 and 10 s.
  queue.join({ callSid: call(1), enqueuedAt: 0 });
  queue.join({ callSid: call(2), enqueuedAt: 10_000 });
  queue.join({ callSid: call(3), enqueuedAt: 20_000 });
  time = 30_000;
  expect(queue.averageWaitSeconds()).toBe(20);
  expect(queue.snapshot().averageWaitTime).toBe(20);
  // The first leaves: the two left have waited 20 and 10 s.
  queue.remove(call(1));
  expect(queue.averageWaitSeconds()).toBe(15);
  // A caller moved here from a holder that died keeps when it first joined (at 0 s).
  queue.rejoin({ callSid: call(4), enqueuedAt: 0 });
  expect(queue.averageWaitSeconds()).toBe(20);
  for (const n of [2, 3, 4]) queue.remove(call(n));
  expect(queue.averageWaitSeconds()).toBe(0);
});
