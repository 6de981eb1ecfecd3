/**
 * Room schedules across nodes (rooms/schedules/scheduler.ts, docs/cluster.md "Room calls"): a
 * schedule created through one node is heard by the others, so it runs when that node is gone,
 * an occurrence is run once whichever nodes' timers fire for it, and one a dead node had claimed
 * but not started is started by the survivor that takes it over.
 */
import { expect, it } from 'vitest';
import { roomWith } from '../api/room-calls.test-support.js';
import { roomsRequest } from '../api/rooms.test-support.js';
import { VirtualClock } from '../clock/virtual.js';
import type { RoomScheduleRecord } from '../rooms/schedules/records.js';
import { restNodesPerTest } from './rest-nodes.test-support.js';

const startNodes = restNodesPerTest();
const START = Date.parse('2026-01-01T00:00:00Z');
const OLGA = '+15550310001';
const DANA = '+15550310002';
const BUSY = '+15550310009';
const PRESS_1 = { inputs: [{ digits: '1' }] };

/** Two nodes on one virtual clock; both networks know the members' phones, which press 1. */
async function twoNodes(kind: 'in-process' | 'redis' = 'in-process') {
  const clock = new VirtualClock(START);
  const nodes = await startNodes(kind, ['node-a', 'node-b'], {
    clock,
    networkClock: clock,
    setup: (network) => {
      for (const number of [OLGA, DANA]) network.addNumber(number, PRESS_1);
      network.addNumber(BUSY, {});
    },
  });
  const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
  const room = await roomWith(
    a,
    [
      { name: 'Olga', phone: OLGA, role: 'organizer', behaviour: PRESS_1 },
      { name: 'Dana', phone: DANA, behaviour: PRESS_1 },
    ],
    { InactivityTimeout: '60' },
  );
  return { clock, a, b, room };
}

/** A daily call at `time` UTC (09:00 New York time, 14:00Z, unless said), once, for everyone, made through `node`. */
const scheduleOnce = (node: Parameters<typeof roomsRequest>[0], roomSid: string, time?: string) =>
  roomsRequest(node, 'POST', `Rooms/${roomSid}/Schedules`, {
    Recurrence: 'daily',
    Time: time ?? '09:00',
    TimeZone: time ? 'UTC' : 'America/New_York',
    All: 'true',
    Count: '1',
  });

const rungOn = (node: { runtime: { calls: { list(): Array<{ to: string }> } } }, to: string) =>
  node.runtime.calls.list().filter((call) => call.to === to).length;

it('a schedule created through a node that is gone runs on the node that heard of it', async () => {
  const { a, b, room } = await twoNodes();
  const created = await scheduleOnce(a, room.sid);
  expect(created.status).toBe(201);
  // A goes (it leaves the cluster: B starts the call on itself). The in-process bus delivered the
  // change to B before A answered.
  await a.close();
  await a.cluster.close();
  const sid = created.json.sid as string;
  const stored = () => b.store.get<RoomScheduleRecord>('room-schedule', b.account.sid, sid);
  await expect.poll(async () => (await stored())?.lastRun?.outcome, { timeout: 10_000 }).toBe('started');
  expect(await stored()).toMatchObject({ runs: 1, lastRun: { at: Date.parse('2026-01-01T14:00:00Z') } });
  expect(rungOn(b, DANA)).toBe(1);
});

it("an occurrence both nodes' timers fire for is run once", async () => {
  const { a, b, room } = await twoNodes();
  const created = await scheduleOnce(b, room.sid);
  const sid = created.json.sid as string;
  const stored = () => a.store.get<RoomScheduleRecord>('room-schedule', a.account.sid, sid);
  await expect.poll(async () => (await stored())?.lastRun?.outcome, { timeout: 10_000 }).toBe('started');
  expect((await stored())?.runs).toBe(1);
  expect(rungOn(a, DANA) + rungOn(b, DANA)).toBe(1);
});

it("an occurrence's call is placed by load: it runs on the node with fewer calls, whichever node's timer ran it", async () => {
  const { clock, a, b, room } = await twoNodes();
  // Time stands still while node A takes a call (it has more load than B) and the schedule is made.
  const release = clock.hold();
  await a.client.calls.create({ to: BUSY, from: OLGA, twiml: '<Response><Pause length="600"/></Response>' });
  await expect.poll(() => a.cluster.bus.getKey('load:node-a')).toBe('1');
  const created = await scheduleOnce(a, room.sid, '00:01');
  expect(created.json.next_run).toBe('2026-01-01T00:01:00Z');
  release();
  const sid = created.json.sid as string;
  const stored = () => a.store.get<RoomScheduleRecord>('room-schedule', a.account.sid, sid);
  await expect.poll(async () => (await stored())?.lastRun?.outcome, { timeout: 10_000 }).toBe('started');
  expect([rungOn(a, DANA), rungOn(b, DANA)]).toEqual([0, 1]);
  expect((await stored())?.lastRun?.callSid).toMatch(/^RC[0-9a-f]{32}$/);
});

it('an occurrence a node claimed and died before starting is started by the survivor that takes the node over, once', async () => {
  const { clock, a, b, room } = await twoNodes('redis');
  // Time stands still from here: the occurrence stays within its 15 minutes while A's lease runs
  // out in real time.
  const release = clock.hold();
  const created = await scheduleOnce(a, room.sid);
  const sid = created.json.sid as string;
  // What node A leaves when it dies between claiming an occurrence and starting its call.
  const at = clock.now();
  await a.store.update<RoomScheduleRecord>('room-schedule', a.account.sid, sid, ({ nextRun: _, ...schedule }) => ({
    ...schedule,
    runs: 1,
    lastRun: { at, outcome: 'claimed', claimedAt: at, node: 'node-a' },
  }));
  // A dies: its bus goes silent (no leave), as a SIGKILL leaves it; B is named to take it over.
  await a.cluster.bus.close({ leave: false });
  const stored = () => b.store.get<RoomScheduleRecord>('room-schedule', b.account.sid, sid);
  await expect.poll(async () => (await stored())?.lastRun?.outcome, { timeout: 10_000 }).toBe('started');
  expect(await stored()).toMatchObject({ runs: 1, lastRun: { at } });
  expect(rungOn(b, DANA)).toBe(1);
  expect(rungOn(a, DANA)).toBe(0);
  release();
}, 20_000);
