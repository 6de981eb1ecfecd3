/**
 * Room calls stored (docs/rooms.md, calls): each call and its roster written as it changes, in
 * few writes (a 40-member call is not a write per change), listed at `GET .../Calls` newest first
 * in pages and fetched at `GET .../Calls/{Sid}`; a call another room ran is not found there. A
 * second server on the same store (a restart) shows the last call at `GET .../Call`, and a call
 * it finds in progress is over, `server-restart` (the SIGKILL case: cli/room-call-restart.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import { MemoryStore } from '../store/memory.js';
import type { RecordKind, StoredRecord } from '../store/types.js';
import { harnessPerTest } from './harness.test-support.js';
import { inRoom, pauseWhen, roomWith, settled } from './room-calls.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const PRESS_1 = { inputs: [{ digits: '1' }] };

/** A store that counts the room calls written. */
class CountingStore extends MemoryStore {
  roomCallWrites = 0;
  override async put<T extends StoredRecord>(kind: RecordKind, record: T): Promise<void> {
    if (kind === 'room-call') this.roomCallWrites++;
    return super.put(kind, record);
  }
}

describe('room calls stored', () => {
  it('keeps each call and its roster in few writes, listed newest first in pages', async () => {
    const clock = new VirtualClock();
    const store = new CountingStore();
    const harness = await startHarness({ clock, networkClock: clock, store });
    const phones = Array.from({ length: 40 }, (_, i) => `+1555062${String(300 + i).padStart(4, '0')}`);
    const room = await roomWith(harness, [
      { name: 'Olga', phone: phones[0] as string, role: 'organizer', behaviour: PRESS_1 },
      ...phones.slice(1).map((phone, i) => ({ name: `M${i}`, phone, behaviour: PRESS_1 })),
    ]);
    const first = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
    const legs = () => harness.runtime.calls.list().map((call) => call.sid);
    const release = await pauseWhen(harness, clock, () => settled(harness, legs(), 40));
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Status: 'completed' });
    release();
    const stored = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Calls/${first.json.sid}`);
    expect(stored.json).toMatchObject({ status: 'completed', end_reason: 'ended-by-request' });
    const rows = stored.json.participants as Array<{ state: string; date_joined: string | null }>;
    expect(rows).toHaveLength(40);
    expect(rows.every((row) => row.state === 'left' && row.date_joined !== null)).toBe(true);
    // Over a hundred roster changes (each leg rung, joined, left): its start, its end, and at most one write per COALESCE_MS between.
    const log = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?Type=member-updated&PageSize=1000`);
    const changes = (log.json.events as unknown[]).length;
    expect(changes).toBeGreaterThanOrEqual(120);
    expect(store.roomCallWrites).toBeLessThanOrEqual(10);

    const second = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, {
      Members: room.members.M0 as string,
    });
    const again = await pauseWhen(harness, clock, () => inRoom(harness) === 2);
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Status: 'completed' });
    again();
    const page = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Calls?PageSize=1`);
    const calls = page.json.calls as Array<{ sid: string; url: string }>;
    expect(calls.map((c) => c.sid)).toEqual([second.json.sid]);
    expect(calls[0]?.url).toBe(`${harness.base}/patchbay/v1/Rooms/${room.sid}/Calls/${second.json.sid}`);
    const meta = page.json.meta as { next_page_url: string };
    const next = await fetch(meta.next_page_url, {
      headers: {
        authorization: `Basic ${Buffer.from(`${harness.account.sid}:${harness.account.authToken}`).toString('base64')}`,
      },
    });
    expect(((await next.json()) as { calls: Array<{ sid: string }> }).calls.map((c) => c.sid)).toEqual([
      first.json.sid,
    ]);
  });

  it('shows the last call after a restart; one found in progress is over, server-restart', async () => {
    const clock = new VirtualClock();
    const store = new MemoryStore();
    const harness = await startHarness({ clock, networkClock: clock, store });
    const room = await roomWith(harness, [
      { name: 'Olga', phone: '+15550620401', role: 'organizer', behaviour: PRESS_1 },
      { name: 'Ann', phone: '+15550620402', behaviour: PRESS_1 },
    ]);
    const started = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
    // Time stands still from here on, never released: the first server stops without ending the
    // call (its timers never fire), as a killed one.
    await pauseWhen(harness, clock, () => inRoom(harness) === 2);
    // Stored as it is now (joined).
    const live = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Calls/${started.json.sid}`);
    expect((live.json.participants as Array<{ state: string }>).map((p) => p.state)).toEqual(['joined', 'joined']);

    const restarted = await startHarness({ store });
    let after = await roomsRequest(restarted, 'GET', `Rooms/${room.sid}/Call`);
    for (let i = 0; i < 50 && after.json.end_reason !== 'server-restart'; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      after = await roomsRequest(restarted, 'GET', `Rooms/${room.sid}/Call`);
    }
    expect(after.json).toMatchObject({ sid: started.json.sid, status: 'completed', end_reason: 'server-restart' });
    const rows = after.json.participants as Array<{ state: string; date_left: string | null }>;
    expect(rows.map((row) => [row.state, row.date_left !== null])).toEqual([
      ['left', true],
      ['left', true],
    ]);
    const log = await roomsRequest(restarted, 'GET', `Rooms/${room.sid}/Events?Type=call-ended`);
    expect((log.json.events as Array<{ reason: string }>).map((e) => e.reason)).toEqual(['server-restart']);
    const missing = await roomsRequest(restarted, 'GET', `Rooms/${room.sid}/Calls/RC${'0'.repeat(32)}`);
    expect(missing.status).toBe(404);
  });
});
