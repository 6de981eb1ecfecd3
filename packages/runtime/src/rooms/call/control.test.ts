/**
 * Following a room on the control channel (control.ts): the replay on subscribing is bounded
 * (a session holds at most LIMITS.maxUnacked messages), live entries follow it in order, none
 * twice, and stopping stops them.
 */
import { LIMITS, type RoomEntry } from '@patchbay/sdk/protocol';
import { expect, it } from 'vitest';
import { harnessPerTest } from '../../api/harness.test-support.js';
import { RoomAudit } from './audit.js';
import type { CommandDeps } from './commands.js';
import { REPLAY_LIMIT, roomControl } from './control.js';

const startHarness = harnessPerTest();

it('replays at most the newest REPLAY_LIMIT entries missed, then live ones, once each', async () => {
  expect(REPLAY_LIMIT).toBeLessThan(LIMITS.maxUnacked);
  const harness = await startHarness();
  const room = { sid: `RM${'c'.repeat(32)}`, accountSid: harness.account.sid, createdAt: 0 };
  await harness.store.put('room', room);
  const audit = new RoomAudit(harness.store, () => 1_000);
  for (let i = 0; i < REPLAY_LIMIT + 50; i++) await audit.append(room, { kind: 'event', type: 'member-added' });
  const control = roomControl({ store: harness.store } as CommandDeps, audit);
  const holder = { accountSid: room.accountSid, identity: 'olga', rooms: { sids: [room.sid], organizer: false } };

  const pushed: RoomEntry[] = [];
  const stop = await control.subscribe(holder, room.sid, 10, (entry) => pushed.push(entry));
  expect(pushed.length).toBe(REPLAY_LIMIT);
  expect(pushed[0]?.sequence).toBe(51);
  expect(pushed.at(-1)?.sequence).toBe(REPLAY_LIMIT + 50);
  await audit.append(room, { kind: 'event', type: 'call-started' });
  expect(pushed.at(-1)).toMatchObject({ sequence: REPLAY_LIMIT + 51, type: 'call-started', at: 1_000 });
  stop();
  await audit.append(room, { kind: 'event', type: 'call-ended' });
  expect(pushed.length).toBe(REPLAY_LIMIT + 1);

  const later: RoomEntry[] = [];
  await control.subscribe(holder, room.sid, REPLAY_LIMIT + 51, (entry) => later.push(entry));
  expect(later.map((entry) => entry.type)).toEqual(['call-ended']);
  const stranger = { ...holder, rooms: undefined };
  await expect(control.subscribe(stranger, room.sid, 0, () => {})).rejects.toMatchObject({ errorName: 'RoomNotFound' });
});
