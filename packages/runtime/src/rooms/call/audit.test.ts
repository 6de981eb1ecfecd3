/**
 * The room's log across nodes (audit.ts): entries appended to one room on two nodes at once get
 * distinct numbers, and none replaces another; a node that had not heard of entries stored by
 * another, even long after their claims ran out, does not reuse their numbers.
 */
import { expect, it } from 'vitest';
import type { Clock } from '../../clock/clock.js';
import { BusHub, InProcessBus } from '../../cluster/bus-memory.js';
import { MemoryStore } from '../../store/memory.js';
import { RoomAudit, type RoomEventRecord } from './audit.js';

const room = { sid: `RM${'a'.repeat(32)}`, accountSid: `AC${'a'.repeat(32)}` };

/** Two nodes' logs on one store and one bus, whose time the test moves. */
function twoNodes() {
  let time = 1_000;
  const clock: Clock = { now: () => time, setTimer: () => () => undefined, hold: () => () => undefined };
  const hub = new BusHub(clock);
  const store = new MemoryStore();
  const audit = (nodeId: string) => new RoomAudit(store, clock.now, undefined, new InProcessBus({ nodeId, hub }));
  const stored = async () =>
    (
      await store.list<RoomEventRecord>('room-event', {
        accountSid: room.accountSid,
        where: { roomSid: room.sid },
        page: 0,
        pageSize: 100,
      })
    ).items;
  return { a: audit('node-a'), b: audit('node-b'), stored, later: (ms: number) => (time += ms) };
}

it('numbers entries appended on two nodes at once one after another, and keeps every one', async () => {
  const { a, b, stored } = await twoNodes();
  const appended = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? a : b).append(room, { kind: 'event', type: 'message', messageSid: `m${i}` }),
    ),
  );
  const sequences = appended.map((entry) => entry.sequence).sort((x, y) => x - y);
  expect(sequences).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  const kept = await stored();
  expect(kept.map((entry) => entry.messageSid).sort()).toEqual(appended.map((entry) => entry.messageSid).sort());
});

it('a node that missed entries another stored does not reuse their numbers, even after their claims ran out', async () => {
  const { a, b, stored, later } = await twoNodes();
  await b.append(room, { kind: 'event', type: 'message', messageSid: 'first' });
  // A appends twice; B hears of neither (its next number would be 2).
  await a.append(room, { kind: 'event', type: 'message', messageSid: 'second' });
  await a.append(room, { kind: 'event', type: 'message', messageSid: 'third' });
  later(3_600_000);
  const fourth = await b.append(room, { kind: 'event', type: 'message', messageSid: 'fourth' });
  expect(fourth.sequence).toBe(4);
  expect((await stored()).map((entry) => [entry.sequence, entry.messageSid]).sort()).toEqual([
    [1, 'first'],
    [2, 'second'],
    [3, 'third'],
    [4, 'fourth'],
  ]);
});
