/**
 * The chat's own bounds (chat.ts): a room keeps its newest messages (the oldest dropped as one
 * more is posted, like the audit log), and the SMS owed are decided when a message is posted.
 */
import { expect, it } from 'vitest';
import { harnessPerTest } from '../../api/harness.test-support.js';
import type { RoomMemberRecord } from '../records.js';
import { RoomChat } from './chat.js';
import { storedRoom } from './chat.test-support.js';
import type { RoomMessageRecord } from './records.js';

const startHarness = harnessPerTest();

it("keeps a room's newest messages, dropping the oldest, and decides each one's SMS when posted", async () => {
  const harness = await startHarness();
  const { store, runtime, account } = harness;
  const room = await storedRoom(harness, 'e', '+15550650900');
  const member = (sid: string, number: string, extra: Partial<RoomMemberRecord> = {}): RoomMemberRecord => ({
    sid,
    accountSid: account.sid,
    roomSid: room.sid,
    createdAt: 0,
    updatedAt: 0,
    role: 'member',
    optedOut: false,
    firstName: sid.slice(2, 5),
    phones: [{ type: 'mobile', number }],
    ...extra,
  });
  const ann = member(`MB${'1'.repeat(32)}`, '+15550650001');
  await store.put('room-member', ann);
  await store.put('room-member', member(`MB${'2'.repeat(32)}`, '+15550650002', { optedOut: true }));
  await store.put('room-member', member(`MB${'3'.repeat(32)}`, '+15550650003'));
  const chat = new RoomChat({ store, runtime, keep: 3 });
  for (let i = 0; i < 5; i++) await chat.post(room, { from: ann.sid, body: `note ${i}`, mediaUrls: [], source: 'api' });
  const kept = await store.list<RoomMessageRecord>('room-message', {
    accountSid: account.sid,
    where: { roomSid: room.sid },
    page: 0,
    pageSize: 10,
  });
  expect(kept.items.map((m) => m.body)).toEqual(['note 4', 'note 3', 'note 2']);
  // Not the author, not the member who opted out: one SMS each, done.
  expect(kept.items.map((m) => [m.relay, m.deliveries.map((d) => d.to)])).toEqual(
    Array(3).fill(['done', ['+15550650003']]),
  );
});
