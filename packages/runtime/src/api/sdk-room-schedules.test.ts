/** The SDK's REST client on a room's schedules on a real server: create, list, fetch, update, remove, typed errors. */
import { Patchbay } from '@patchbay/sdk';
import { expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import { harnessPerTest } from './harness.test-support.js';
import { roomWith } from './room-calls.test-support.js';

const startHarness = harnessPerTest();

it('schedules a room call through client.rooms.schedules', async () => {
  const clock = new VirtualClock(Date.parse('2026-03-01T00:00:00Z'));
  const harness = await startHarness({ clock, networkClock: clock });
  const room = await roomWith(harness, [
    { name: 'Olga', phone: '+15550610001', role: 'organizer' },
    { name: 'Ann', phone: '+15550610002' },
  ]);
  const client = new Patchbay(harness.account.sid, harness.account.authToken, { baseUrl: harness.base });
  const schedules = client.rooms.schedules(room.sid);
  const once = await schedules.create({
    recurrence: 'once',
    startTime: new Date('2026-03-02T17:30:00Z'),
    members: [room.members.Ann as string],
  });
  expect(once).toMatchObject({ recurrence: 'once', nextRun: '2026-03-02T17:30:00Z', members: [room.members.Ann] });
  expect(once.startTime).toEqual(new Date('2026-03-02T17:30:00Z'));
  const weekly = await schedules.create({ recurrence: 'weekly', days: ['sat'], time: '10:00', all: true });
  // 1 March 2026 is a Sunday: the Saturday after.
  expect(weekly.nextRun).toBe('2026-03-07T10:00:00Z');
  expect((await schedules.list()).map((s) => s.sid).sort()).toEqual([once.sid, weekly.sid].sort());
  const moved = await schedules.update(weekly.sid, { days: ['mon', 'wed'], timeZone: 'Asia/Tokyo' });
  expect([moved.days, moved.nextRun]).toEqual([['mon', 'wed'], '2026-03-02T01:00:00Z']);
  await expect(schedules.create({ recurrence: 'daily', time: '25:00', all: true })).rejects.toMatchObject({
    status: 400,
    code: 91142,
  });
  await schedules.remove(once.sid);
  await expect(schedules.get(once.sid)).rejects.toMatchObject({ status: 404 });
});
