/**
 * Resuming a relay a killed server left pending (relay.ts): only what is missing is made: the
 * SMS whose SIDs are not stored (one handed over before the kill is not sent again), the log
 * entry unless the log has one for the message; then it is done, and a second resume does
 * nothing. In a cluster, a node resumes only its own messages, and the one named to take a dead
 * node over claims that node's before finishing them.
 */
import { expect, it } from 'vitest';
import { harnessPerTest } from '../../api/harness.test-support.js';
import { InProcessBus } from '../../cluster/bus-memory.js';
import { newSid } from '../../sid.js';
import { RoomAudit, type RoomEventRecord } from '../call/audit.js';
import { storedRoom } from './chat.test-support.js';
import { messageSid, type RoomMessageRecord } from './records.js';
import { ChatRelay } from './relay.js';

const startHarness = harnessPerTest();
const ROOM_NUMBER = '+15550640900';

async function setup(node?: string) {
  const harness = await startHarness();
  const { store, runtime, account } = harness;
  const room = await storedRoom(harness, 'd', ROOM_NUMBER);
  const audit = new RoomAudit(store, () => 1_000);
  const deliveries = ['+15550640001', '+15550640002', '+15550640003'].map((to, i) => ({
    memberSid: `MB${String(i).repeat(32)}`,
    to,
    messageSid: newSid('SM'),
  }));
  const message: RoomMessageRecord = {
    sid: messageSid(1_000),
    accountSid: account.sid,
    createdAt: 1_000,
    roomSid: room.sid,
    from: `MB${'a'.repeat(32)}`,
    author: 'Ann',
    body: 'On my way',
    mediaUrls: [],
    source: 'sms',
    deliveries,
    relay: 'pending',
    ...(node ? { node } : {}),
  };
  await store.put('room-message', message);
  const loggedMessages = async () =>
    (
      await store.list<RoomEventRecord>('room-event', {
        accountSid: account.sid,
        where: { roomSid: room.sid, type: 'message' },
        page: 0,
        pageSize: 10,
      })
    ).items;
  return { harness, room, audit, message, deliveries, relay: new ChatRelay({ store, runtime, audit }), loggedMessages };
}

it('sends only the SMS not handed over before the kill, and keeps the log entry already made', async () => {
  const { harness, room, audit, message, deliveries, relay, loggedMessages } = await setup();
  // Before the kill: the log entry was appended, the first SMS handed over (its record stored).
  const entry = await audit.append(room, { kind: 'event', type: 'message', messageSid: message.sid });
  const first = deliveries[0] as (typeof deliveries)[number];
  await harness.store.put('message', { sid: first.messageSid, accountSid: harness.account.sid, createdAt: 1_000 });

  expect(await relay.resume()).toBe(1);
  const sent = harness.runtime.messages.list({ from: ROOM_NUMBER });
  expect(sent.map((m) => [m.sid, m.to, m.body]).sort()).toEqual(
    deliveries
      .slice(1)
      .map((d) => [d.messageSid, d.to, 'Ann: On my way'])
      .sort(),
  );
  expect((await loggedMessages()).map((e) => e.sequence)).toEqual([entry.sequence]);
  const done = await harness.store.get<RoomMessageRecord>('room-message', harness.account.sid, message.sid);
  expect(done).toMatchObject({ relay: 'done', sequence: entry.sequence });

  expect(await relay.resume()).toBe(0);
  expect(harness.runtime.messages.list({ from: ROOM_NUMBER })).toHaveLength(2);
});

it('appends the log entry once when the kill came before it, and sends every SMS', async () => {
  const { harness, relay, loggedMessages, deliveries } = await setup();
  expect(await relay.resume()).toBe(1);
  expect(await loggedMessages()).toHaveLength(1);
  expect(
    harness.runtime.messages
      .list({ from: ROOM_NUMBER })
      .map((m) => m.sid)
      .sort(),
  ).toEqual(deliveries.map((d) => d.messageSid).sort());
});

// Node names of their own: the cluster-mode harness's nodes are node-1 to node-3.
const nodeRelay = (harness: Awaited<ReturnType<typeof setup>>, nodeId: string) =>
  new ChatRelay({
    store: harness.harness.store,
    runtime: harness.harness.runtime,
    audit: harness.audit,
    bus: new InProcessBus({ nodeId }),
  });

it('in a cluster, a node starting leaves alone the message another node is relaying', async () => {
  const parts = await setup('relay-b');
  expect(await nodeRelay(parts, 'relay-a').resume()).toBe(0);
  expect(parts.harness.runtime.messages.list({ from: ROOM_NUMBER })).toEqual([]);
  const stored = await parts.harness.store.get<RoomMessageRecord>(
    'room-message',
    parts.message.accountSid,
    parts.message.sid,
  );
  expect(stored).toMatchObject({ relay: 'pending', node: 'relay-b' });
});

it('the node taking a dead node over claims its pending message and sends each SMS once', async () => {
  const parts = await setup('relay-b');
  const survivor = nodeRelay(parts, 'relay-a');
  const other = nodeRelay(parts, 'relay-c');
  // Two survivors asked at once (a claim the bus gives one of them): each message is finished once.
  const taken = await Promise.all([survivor.takeOver('relay-b'), other.takeOver('relay-b')]);
  expect(taken.sort()).toEqual([0, 1]);
  expect(
    parts.harness.runtime.messages
      .list({ from: ROOM_NUMBER })
      .map((m) => m.sid)
      .sort(),
  ).toEqual(parts.deliveries.map((d) => d.messageSid).sort());
  const done = await parts.harness.store.get<RoomMessageRecord>(
    'room-message',
    parts.message.accountSid,
    parts.message.sid,
  );
  expect(done?.relay).toBe('done');
  expect(['relay-a', 'relay-c']).toContain(done?.node);
  expect(await parts.loggedMessages()).toHaveLength(1);
  expect(await survivor.takeOver('relay-b')).toBe(0);
});
