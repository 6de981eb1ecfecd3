/**
 * A room's audit log over REST (GET /patchbay/v1/Rooms/{Sid}/Events, docs/rooms.md): every
 * command (with its outcome) and every event of the room's call, numbered in the order they
 * happened; filters; bounded per room; invisible to another account; gone with the room.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import { RoomAudit, type RoomEventRecord } from '../rooms/call/audit.js';
import { harnessPerTest } from './harness.test-support.js';
import { inRoom, pauseWhen, roomWith } from './room-calls.test-support.js';
import { roomsRequest } from './rooms.test-support.js';
import { otherAccount } from './simulator.test-support.js';

const startHarness = harnessPerTest();

const PRESS_1 = { inputs: [{ digits: '1' }] };

interface EntryRow {
  sequence_number: number;
  kind: string;
  type: string;
  participant_key: string | null;
  member_sid: string | null;
  state: string | null;
  muted: boolean | null;
  outcome: string | null;
  error_code: number | null;
  source: string | null;
  reason: string | null;
}

const rows = (json: Record<string, unknown>) => json.events as EntryRow[];

describe('room audit log', () => {
  it('lists commands and events in the order they happened, newest first', async () => {
    const clock = new VirtualClock();
    const harness = await startHarness({ clock, networkClock: clock });
    const room = await roomWith(harness, [
      { name: 'Olga', phone: '+15550300001', role: 'organizer', behaviour: PRESS_1 },
      { name: 'Ann', phone: '+15550300002', behaviour: PRESS_1 },
      { name: 'Bob', phone: '+15550300003', behaviour: { onCall: 'reject' } },
    ]);
    const { Olga, Ann, Bob } = room.members as Record<string, string>;
    const call = `Rooms/${room.sid}/Call`;
    await roomsRequest(harness, 'POST', call, { All: 'true' });
    // Olga and Ann in, Bob's refusal in: Bob's leg and theirs run side by side, so the log orders
    // Bob's busy only against what followed it (his refused mute), not against their joins.
    const bobBusy = () => harness.runtime.calls.list({ status: 'busy' }).some((leg) => leg.to === '+15550300003');
    const release = await pauseWhen(harness, clock, () => inRoom(harness) === 2 && bobBusy());
    await roomsRequest(harness, 'POST', `${call}/Participants/${Ann}`, { Muted: 'true' });
    const refused = await roomsRequest(harness, 'POST', `${call}/Participants/${Bob}`, { Muted: 'true' });
    expect(refused.json.code).toBe(91111);
    await roomsRequest(harness, 'DELETE', `${call}/Participants/${Ann}`);
    await roomsRequest(harness, 'POST', call, { Status: 'completed' });
    release();

    const answer = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?PageSize=100`);
    expect(answer.status).toBe(200);
    const newestFirst = rows(answer.json);
    const log = [...newestFirst].reverse();
    expect(log.map((row) => row.sequence_number)).toEqual(log.map((_, i) => i + 1));
    const line = (row: EntryRow) =>
      row.kind === 'command'
        ? `${row.type} ${row.outcome}${row.error_code ? ` ${row.error_code}` : ''}`
        : row.type === 'member-updated'
          ? `${row.participant_key} ${row.state}${row.muted ? ' muted' : ''}`
          : `${row.type}${row.reason ? ` ${row.reason}` : ''}`;
    const lines = log.map(line);
    // The members added, then the call: the command first, then what it caused.
    expect(lines.slice(0, 5)).toEqual([
      'member-added',
      'member-added',
      'member-added',
      'start accepted',
      'call-started',
    ]);
    const order = [
      `${Olga} joined`,
      'mute accepted',
      `${Ann} joined muted`,
      'mute refused 91111',
      'remove accepted',
      `${Ann} left muted`,
      'end accepted',
      'call-ended ended-by-request',
    ];
    const positions = order.map((wanted) => lines.indexOf(wanted));
    expect(
      positions.every((at) => at >= 0),
      lines.join('\n'),
    ).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(lines.indexOf(`${Bob} busy`)).toBeGreaterThan(lines.indexOf('call-started'));
    expect(lines.indexOf(`${Bob} busy`)).toBeLessThan(lines.indexOf('mute refused 91111'));
    expect(log.filter((row) => row.kind === 'command').every((row) => row.source === 'api')).toBe(true);

    const commands = rows((await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?Kind=command`)).json);
    expect(commands.map((row) => row.type)).toEqual(['end', 'remove', 'mute', 'mute', 'start']);
    const ann = rows(
      (await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?ParticipantKey=${Ann}&Type=member-updated`)).json,
    );
    expect(ann.length).toBeGreaterThan(1);
    expect(ann.every((row) => row.participant_key === Ann)).toBe(true);
    const last = log.at(-1)?.sequence_number as number;
    const after = rows((await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?After=${last - 2}`)).json);
    expect(after.map((row) => row.sequence_number)).toEqual([last, last - 1]);
    const paged = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?PageSize=2&Page=1`);
    expect(rows(paged.json).map((row) => row.sequence_number)).toEqual([last - 2, last - 3]);

    const bad = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?Kind=everything`);
    expect([bad.status, bad.json.code]).toEqual([400, 21200]);
    const other = await otherAccount(harness);
    const hidden = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events`, undefined, {
      sid: other.sid,
      secret: other.authToken,
    });
    expect(hidden.status).toBe(404);

    expect((await roomsRequest(harness, 'DELETE', `Rooms/${room.sid}`)).status).toBe(204);
    const gone = await harness.store.list('room-event', { accountSid: harness.account.sid, page: 0, pageSize: 10 });
    expect(gone.items).toEqual([]);
  });

  it('keeps the newest entries of a room up to its limit, numbering on after a restart', async () => {
    const harness = await startHarness();
    const room = { sid: `RM${'1'.repeat(32)}`, accountSid: harness.account.sid };
    const audit = new RoomAudit(harness.store, () => 1_000, 3);
    for (const type of ['a', 'b', 'c', 'd', 'e']) await audit.append(room, { kind: 'event', type });
    // A new log over the same store (the server restarted) numbers on from the newest entry kept.
    const again = new RoomAudit(harness.store, () => 500, 3);
    const sixth = await again.append(room, { kind: 'event', type: 'f' });
    expect([sixth.sequence, sixth.createdAt]).toEqual([6, 1_000]);
    const kept = await harness.store.list<RoomEventRecord>('room-event', {
      accountSid: room.accountSid,
      where: { roomSid: room.sid },
      page: 0,
      pageSize: 10,
    });
    expect(kept.items.map((entry) => [entry.sequence, entry.type])).toEqual([
      [6, 'f'],
      [5, 'e'],
      [4, 'd'],
    ]);
  });

  it('drops the oldest entry by its SID, and one stored before SIDs named their room by a search', async () => {
    const harness = await startHarness();
    const room = { sid: `RM${'2'.repeat(32)}`, accountSid: harness.account.sid };
    const old = { sid: `RV${'0'.repeat(11)}1${'f'.repeat(20)}`, accountSid: room.accountSid, createdAt: 900 };
    await harness.store.put('room-event', { ...old, roomSid: room.sid, sequence: 1, kind: 'event', type: 'old' });
    const audit = new RoomAudit(harness.store, () => 1_000, 2);
    const entries = [];
    for (const type of ['a', 'b', 'c']) entries.push(await audit.append(room, { kind: 'event', type }));
    expect(entries.map((entry) => entry.sid)).toEqual(
      [2, 3, 4].map((sequence) => `RV${sequence.toString(16).padStart(12, '0')}${'2'.repeat(20)}`),
    );
    const kept = await harness.store.list<RoomEventRecord>('room-event', {
      accountSid: room.accountSid,
      where: { roomSid: room.sid },
      page: 0,
      pageSize: 10,
    });
    expect(kept.items.map((entry) => entry.type)).toEqual(['c', 'b']);
  });
});
