/**
 * Resuming a relay a killed server left pending (relay.ts): only what is missing is made: the
 * SMS whose SIDs are not stored (one handed over before the kill is not sent again), the log
 * entry unless the log has one for the message; then it is done, and a second resume does
 * nothing.
 */
import { expect, it } from 'vitest';
import { harnessPerTest } from '../../api/harness.test-support.js';
import { newSid } from '../../sid.js';
import { RoomAudit, type RoomEventRecord } from '../call/audit.js';
import { storedRoom } from './chat.test-support.js';
import { messageSid, type RoomMessageRecord } from './records.js';
import { ChatRelay } from './relay.js';

const startHarness = harnessPerTest();
const ROOM_NUMBER = '+15550640900';

async function setup() {
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
