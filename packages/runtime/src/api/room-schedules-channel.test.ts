/**
 * Schedules from members' apps on the control channel (docs/rooms.md, Schedules), over WebSocket
 * and long-poll: every member's app sees the room's schedules; a member schedules a call only
 * when the room lets members (the organizer always may), and it runs at its time; a member
 * deletes only their own (the organizer any); every change reaches the apps following the room
 * as `room-updated` with the schedule's SID, and each command is in the room's log.
 */
import type { RoomUpdate } from '@patchbay/sdk/client';
import { describe, expect, it } from 'vitest';
import { deviceFor, until } from '../bridge/devices.test-support.js';
import { harnessPerTest } from './harness.test-support.js';
import { channelSetup, PRESS_1, refusal, token } from './room-channel.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const [OLGA, ANN, CARL] = ['+15550630011', '+15550630012', '+15550630013'];
const HOUR = 3_600_000;

/**
 * The weekday (`mon`...) and time (`HH:MM`) in `timeZone` of instant `at`. The tests' virtual
 * clock starts at the real time, and on three nodes runs far ahead while they start: the other
 * schedules are set half a day and more ahead, so that Ann's, in an hour, is the first to run.
 */
function localAt(at: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => parts.find((entry) => entry.type === type)?.value ?? '';
  return { day: part('weekday').toLowerCase() as 'mon', time: `${part('hour')}:${part('minute')}` };
}

describe("members' apps and the room's schedules", () => {
  for (const transport of ['websocket', 'long-poll'] as const)
    it(`lists, schedules as the member (when the room allows), runs it, and deletes over ${transport}`, async () => {
      const { clock, harness, room, key } = await channelSetup(startHarness, [
        { name: 'Olga', phone: OLGA, identity: 'olga', role: 'organizer', behaviour: PRESS_1 },
        { name: 'Ann', phone: ANN, identity: 'ann', behaviour: PRESS_1 },
        { name: 'Carl', phone: CARL, identity: 'carl', behaviour: PRESS_1 },
      ]);
      const { Olga = '', Ann = '', Carl = '' } = room.members;
      const account = harness.account.sid;
      // Time stands still while the schedules are managed.
      const held = clock.hold();
      const app = (identity: string) => deviceFor(harness, token(clock, account, key, identity), { transport });
      const [olga, ann, carl] = [app('olga').room(room.sid), app('ann').room(room.sid), app('carl').room(room.sid)];
      const updates: RoomUpdate[] = [];
      carl.on('room-updated', (update) => updates.push(update));
      await carl.subscribe();

      // The account's schedule, made over REST, is visible to every member's app.
      const stand = localAt(clock.now() + 12 * HOUR, 'Europe/Paris').time;
      const daily = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Schedules`, {
        Recurrence: 'daily',
        Time: stand,
        TimeZone: 'Europe/Paris',
        All: 'true',
        FriendlyName: 'Stand-up',
      });
      expect(daily.status).toBe(201);
      const [seen] = await ann.schedules();
      expect(seen).toMatchObject({
        sid: daily.json.sid,
        name: 'Stand-up',
        recurrence: 'daily',
        time: stand,
        timeZone: 'Europe/Paris',
        members: 'all',
        runs: 0,
        createdBy: account,
      });
      expect(seen?.nextRun).toBe(Date.parse(String(daily.json.next_run)));

      // The room does not let members schedule: Ann is refused, the organizer is not.
      const inAnHour = new Date(clock.now() + HOUR).toISOString();
      const refused = await refusal(ann.schedule({ recurrence: 'once', startTime: inAnHour }));
      expect([refused.errorName, refused.code]).toEqual(['RoomScheduleForbidden', 91141]);
      const weekly = localAt(clock.now() + 48 * HOUR, 'UTC');
      expect(
        await olga.schedule({ recurrence: 'weekly', days: [weekly.day], time: weekly.time, timeZone: 'UTC' }),
      ).toBeGreaterThan(0);
      // Carl's app heard both schedules added (the account's and Olga's), each with its SID.
      const addedSoFar = () => updates.filter((update) => update.change === 'schedule-added');
      if (addedSoFar().length < 2) await until(carl, 'room-updated', () => addedSoFar().length === 2);
      const added = addedSoFar()[1] as RoomUpdate;
      expect(addedSoFar()[0]?.scheduleSid).toBe(daily.json.sid);

      // Now it does: Ann schedules a call for herself and Carl, made by her.
      await roomsRequest(harness, 'POST', `Rooms/${room.sid}`, { MembersMaySchedule: 'true' });
      const invalid = await refusal(ann.schedule({ recurrence: 'weekly', time: '09:00' }));
      expect([invalid.errorName, invalid.code]).toEqual(['RoomScheduleInvalid', 91142]);
      expect(invalid.message).toContain('Days');
      await ann.schedule({ recurrence: 'once', startTime: inAnHour, members: [Ann, Carl], name: 'Book talk' });
      const listed = await carl.schedules();
      expect(listed).toHaveLength(3);
      const annsCall = listed.find((schedule) => schedule.name === 'Book talk');
      expect(annsCall).toMatchObject({ createdBy: Ann, members: [Ann, Carl], startTime: Date.parse(inAnHour) });
      expect(listed.find((schedule) => schedule.sid === added.scheduleSid)?.createdBy).toBe(Olga);

      // Carl may not delete Ann's; a schedule the room has not is not found.
      const notHis = await refusal(carl.unschedule(annsCall?.sid ?? ''));
      expect([notHis.errorName, notHis.code]).toEqual(['RoomScheduleForbidden', 91141]);
      const unknown = await refusal(carl.unschedule(`RS${'0'.repeat(32)}`));
      expect([unknown.errorName, unknown.code]).toEqual(['RoomScheduleNotFound', 91143]);

      // At its time the call rings Ann and Carl, and Olga (the organizer is always in).
      const started = until(carl, 'call-started', () => true);
      const rung = harness.network.heard(CARL, (entry) => entry.type === 'ringing');
      held();
      await Promise.all([started, rung]);
      const release = clock.hold();
      // Its outcome is written once the start returned: on three nodes the event can come first.
      const annsRun = async () => (await carl.schedules()).find((schedule) => schedule.sid === annsCall?.sid);
      await expect.poll(async () => (await annsRun())?.lastRun?.outcome).toBe('started');
      const ran = await annsRun();
      expect(ran).toMatchObject({ runs: 1, lastRun: { outcome: 'started' } });
      expect(ran?.nextRun).toBeUndefined();
      expect(harness.network.party(CARL)?.calledFrom.length).toBe(1);

      // The organizer deletes Ann's; Ann deletes nothing else, and the apps hear both changes.
      const removed = until(carl, 'room-updated', (u) => u.change === 'schedule-removed');
      await olga.unschedule(annsCall?.sid ?? '');
      expect((await removed)[0].scheduleSid).toBe(annsCall?.sid);
      expect((await ann.schedules()).map((schedule) => schedule.sid)).not.toContain(annsCall?.sid);

      // The room's log has each command with its outcome, and the change it made.
      const log = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?Kind=command&PageSize=50`);
      const commands = (log.json.events as Array<Record<string, unknown>>)
        .filter((entry) => String(entry.type).includes('schedule'))
        .map((entry) => [entry.type, entry.member_sid, entry.outcome, entry.error_code])
        .reverse();
      expect(commands).toEqual([
        ['schedule', Ann, 'refused', 91141],
        ['schedule', Olga, 'accepted', null],
        ['schedule', Ann, 'refused', 91142],
        ['schedule', Ann, 'accepted', null],
        ['unschedule', Carl, 'refused', 91141],
        ['unschedule', Carl, 'refused', 91143],
        ['unschedule', Olga, 'accepted', null],
      ]);
      release();
    });
});
