/**
 * Rooms' scheduled calls (docs/rooms.md, Schedules): the REST resource (create, list, fetch,
 * update, delete, who may schedule, bounds, typed errors), and the scheduler firing on the
 * runtime's clock: members rung at the scheduled time on the simulated network, a daily call
 * again the next day, a call in progress left alone, an occurrence claimed once.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import type { RoomScheduleRecord } from '../rooms/schedules/records.js';
import { MemoryStore } from '../store/memory.js';
import { harnessPerTest } from './harness.test-support.js';
import { roomWith } from './room-calls.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const START = Date.parse('2026-01-01T00:00:00Z');
const OLGA = '+15550300001';
const DANA = '+15550300002';
const members = [
  { name: 'Olga', phone: OLGA, role: 'organizer' as const, behaviour: { inputs: [{ digits: '1' }] } },
  { name: 'Dana', phone: DANA, behaviour: { inputs: [{ digits: '1' }] } },
];

/** The times (virtual) each phone was rung, as calls to it were created. */
function ringTimes(harness: Awaited<ReturnType<typeof startHarness>>, clock: VirtualClock, to: string): number[] {
  const times: number[] = [];
  harness.runtime.events.on('call.status', (call) => {
    if (call.to === to && call.status === 'ringing') times.push(clock.now());
  });
  return times;
}

describe('room schedules over REST', () => {
  it('creates, lists, fetches, changes and deletes a schedule, with next_run in the room zone', async () => {
    const clock = new VirtualClock(START);
    // Time stands still: no occurrence comes due while the schedules are managed.
    clock.hold();
    const harness = await startHarness({ clock, networkClock: clock });
    const room = await roomWith(harness, members);
    const created = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Schedules`, {
      Recurrence: 'monthly',
      DayOfMonth: '1',
      Time: '09:00',
      TimeZone: 'Europe/Paris',
      All: 'true',
      OrganizerPhone: 'true',
      FriendlyName: 'Monthly catch-up',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      room_sid: room.sid,
      recurrence: 'monthly',
      day_of_month: 1,
      time: '09:00',
      time_zone: 'Europe/Paris',
      members: 'all',
      organizer_phone: true,
      status: 'active',
      runs: 0,
      last_run: null,
      created_by: harness.account.sid,
      // 09:00 in Paris on 1 January is 08:00Z.
      next_run: '2026-01-01T08:00:00Z',
    });
    const sid = created.json.sid as string;
    const listed = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Schedules?PageSize=10`);
    expect((listed.json.schedules as Array<{ sid: string }>).map((s) => s.sid)).toEqual([sid]);
    expect(listed.json.meta).toMatchObject({ page: 0, page_size: 10 });
    const changed = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Schedules/${sid}`, {
      Recurrence: 'weekly',
      Days: 'mon,fri',
      Members: room.members.Dana ?? '',
    });
    expect(changed.json).toMatchObject({
      recurrence: 'weekly',
      days: ['mon', 'fri'],
      time: '09:00',
      members: [room.members.Dana],
      // 1 January 2026 is a Thursday: the Friday after, 09:00 Paris.
      next_run: '2026-01-02T08:00:00Z',
    });
    expect((await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Schedules/${sid}`)).json.days).toEqual([
      'mon',
      'fri',
    ]);
    expect((await roomsRequest(harness, 'DELETE', `Rooms/${room.sid}/Schedules/${sid}`)).status).toBe(204);
    expect((await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Schedules/${sid}`)).status).toBe(404);
    // A room deleted takes its schedules with it.
    const other = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Schedules`, {
      Recurrence: 'daily',
      Time: '08:00',
      All: 'true',
    });
    expect((await roomsRequest(harness, 'DELETE', `Rooms/${room.sid}`)).status).toBe(204);
    expect(await harness.store.get('room-schedule', harness.account.sid, other.json.sid as string)).toBeUndefined();
  });

  it('answers typed errors for bad fields, and lets members schedule only when the room allows', async () => {
    const clock = new VirtualClock(START);
    clock.hold();
    const harness = await startHarness({ clock, networkClock: clock });
    const room = await roomWith(harness, members);
    const post = (fields: Record<string, string>) =>
      roomsRequest(harness, 'POST', `Rooms/${room.sid}/Schedules`, { All: 'true', ...fields });
    const bad = [
      { Recurrence: 'hourly', Time: '09:00' },
      { Recurrence: 'daily', Time: '9am' },
      { Recurrence: 'daily', Time: '09:00', TimeZone: 'Mars/Olympus' },
      { Recurrence: 'weekly', Time: '09:00' },
      { Recurrence: 'monthly', Time: '09:00', DayOfMonth: '32' },
      { Recurrence: 'once', StartTime: '2025-12-31T09:00:00Z' },
      { Recurrence: 'daily', Time: '09:00', EndDate: '2025-12-31T00:00:00Z' },
    ];
    for (const fields of bad) expect([fields, (await post(fields)).json.code]).toEqual([fields, 91142]);
    const byMember = await post({ Recurrence: 'daily', Time: '09:00', CreatedBy: room.members.Dana ?? '' });
    expect([byMember.status, byMember.json.code]).toEqual([403, 91141]);
    const byOrganizer = await post({ Recurrence: 'daily', Time: '09:00', CreatedBy: room.members.Olga ?? '' });
    expect(byOrganizer.json.created_by).toBe(room.members.Olga);
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}`, { MembersMaySchedule: 'true' });
    const allowed = await post({ Recurrence: 'daily', Time: '10:00', CreatedBy: room.members.Dana ?? '' });
    expect([allowed.status, allowed.json.created_by]).toEqual([201, room.members.Dana]);
    for (let i = 2; i < 20; i++) expect((await post({ Recurrence: 'daily', Time: '11:00' })).status).toBe(201);
    const over = await post({ Recurrence: 'daily', Time: '12:00' });
    expect([over.status, over.json.code]).toEqual([409, 91140]);
  });
});

describe('firing', () => {
  it('rings the members at the scheduled time, and a daily call again the next day', async () => {
    const clock = new VirtualClock(START);
    const harness = await startHarness({ clock, networkClock: clock });
    const room = await roomWith(harness, members, { InactivityTimeout: '60' });
    const dana = ringTimes(harness, clock, DANA);
    const created = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Schedules`, {
      Recurrence: 'daily',
      Time: '09:00',
      TimeZone: 'America/New_York',
      All: 'true',
      Count: '2',
    });
    expect(created.json.next_run).toBe('2026-01-01T14:00:00Z');
    // Virtual time runs on: the first call, its end, the next day's call.
    await until(() => dana.length >= 2);
    const release = clock.hold();
    const day = 24 * 3600_000;
    const first = Date.parse('2026-01-01T14:00:00Z');
    expect(dana[0]).toBeGreaterThanOrEqual(first);
    expect((dana[0] ?? 0) - first).toBeLessThan(5_000);
    expect((dana[1] ?? 0) - (dana[0] ?? 0)).toBeGreaterThan(day - 5_000);
    expect((dana[1] ?? 0) - (dana[0] ?? 0)).toBeLessThan(day + 5_000);
    const stored = await harness.store.get<RoomScheduleRecord>(
      'room-schedule',
      harness.account.sid,
      created.json.sid as string,
    );
    release();
    expect(stored).toMatchObject({ runs: 2, lastRun: { outcome: 'started' } });
    expect(stored?.nextRun).toBeUndefined();
  });

  it('leaves a call in progress alone and records the occurrence as skipped', async () => {
    const clock = new VirtualClock(START);
    // Time stands still until the schedule is made (three nodes starting take real time).
    const release = clock.hold();
    const harness = await startHarness({ clock, networkClock: clock });
    const room = await roomWith(harness, members);
    expect((await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' })).status).toBe(201);
    const created = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Schedules`, {
      Recurrence: 'once',
      StartTime: new Date(START + 60_000).toISOString(),
      All: 'true',
    });
    release();
    const sid = created.json.sid as string;
    let stored: RoomScheduleRecord | undefined;
    await until(async () => {
      stored = await harness.store.get<RoomScheduleRecord>('room-schedule', harness.account.sid, sid);
      return stored?.runs === 1;
    });
    expect(stored?.lastRun).toMatchObject({ at: START + 60_000, outcome: 'skipped-call-in-progress' });
    // Over, it can still be renamed; a time in the past cannot be given.
    const renamed = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Schedules/${sid}`, { FriendlyName: 'Done' });
    expect(renamed.json).toMatchObject({ friendly_name: 'Done', status: 'completed', next_run: null, runs: 1 });
    const past = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Schedules/${sid}`, {
      StartTime: new Date(START).toISOString(),
    });
    expect(past.json.code).toBe(91142);
  });

  it('at start-up runs an occurrence missed by at most 15 minutes, and records an older one as missed', async () => {
    const store = new MemoryStore();
    const before = new VirtualClock(START);
    // Time stands still while the room and schedules are made; then this server stops.
    before.hold();
    const down = await startHarness({ clock: before, networkClock: before, store });
    const room = await roomWith(down, members);
    const post = (time: string) =>
      roomsRequest(down, 'POST', `Rooms/${room.sid}/Schedules`, { Recurrence: 'daily', Time: time, All: 'true' });
    const old = (await post('00:10')).json.sid as string;
    const recent = (await post('00:50')).json.sid as string;
    await down.close();

    // Back an hour later on the same store: 00:10 is 50 minutes old, 00:50 only 10.
    // Time stands still again: what the start-up does, it does at once (not at a later occurrence).
    const clock = new VirtualClock(START + 60 * 60_000);
    const release = clock.hold();
    const harness = await startHarness({ clock, networkClock: clock, store });
    for (const member of members) harness.network.addNumber(member.phone, member.behaviour);
    const stored = (sid: string) => store.get<RoomScheduleRecord>('room-schedule', harness.account.sid, sid);
    await until(async () => (await stored(old))?.runs === 1 && (await stored(recent))?.lastRun?.outcome === 'started');
    expect(await stored(old)).toMatchObject({
      runs: 1,
      lastRun: { at: Date.parse('2026-01-01T00:10:00Z'), outcome: 'missed' },
      nextRun: Date.parse('2026-01-02T00:10:00Z'),
    });
    expect(await stored(recent)).toMatchObject({
      runs: 1,
      lastRun: { at: Date.parse('2026-01-01T00:50:00Z'), outcome: 'started' },
      nextRun: Date.parse('2026-01-02T00:50:00Z'),
    });
    release();
  });
});

/** Resolves when `test` holds, checked as the event loop turns (virtual time moves meanwhile). */
async function until(test: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1_000_000; i++) {
    if (await test()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never held');
}
