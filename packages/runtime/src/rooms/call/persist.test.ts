import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual.js';
import { MemoryStore } from '../../store/memory.js';
import type { RecordKind, StoredRecord } from '../../store/types.js';
import type { RoomRecord } from '../records.js';
import { COALESCE_MS, type RoomCallRecord, RoomCallStore } from './persist.js';
import type { RoomCall } from './state.js';

/** A store that keeps the time of each room call written, and fails the writes it is told to. */
class Recording extends MemoryStore {
  readonly writes: number[] = [];
  failing = false;
  override async put<T extends StoredRecord>(kind: RecordKind, record: T): Promise<void> {
    if (kind === 'room-call') {
      if (this.failing) throw new Error('disk full');
      this.writes.push((record as unknown as RoomCallRecord).updatedAt);
    }
    return super.put(kind, record);
  }
}

function roomCall(clock: VirtualClock): RoomCall {
  const room = { sid: `RM${'1'.repeat(32)}`, accountSid: `AC${'1'.repeat(32)}` } as RoomRecord;
  return {
    sid: `RC${'1'.repeat(32)}`,
    room,
    account: { sid: room.accountSid, authToken: 'x' },
    conference: 'c',
    startedAt: clock.now(),
    status: 'in-progress',
    entries: new Map(),
    pending: [],
    timers: {},
    sequence: 0,
  } as unknown as RoomCall;
}

describe('RoomCallStore', () => {
  it('writes a call at its start and end, and at most once per COALESCE_MS between', async () => {
    const clock = new VirtualClock();
    const store = new Recording();
    const kept = new RoomCallStore(store, clock);
    const call = roomCall(clock);
    const start = clock.now();
    kept.changed(call);
    // A change every 100 ms for two seconds, then the end.
    const over = new Promise<void>((resolve) => {
      for (let i = 1; i <= 20; i++)
        clock.setTimer(() => {
          call.entries.set(`MB${String(i).padStart(32, '0')}`, {
            key: 'k',
            address: 'a',
            role: 'member',
            state: 'ringing',
            muted: false,
          });
          kept.changed(call);
        }, i * 100);
      clock.setTimer(() => {
        call.status = 'completed';
        kept.changed(call);
        resolve();
      }, 2050);
    });
    await over;
    await kept.flush();
    const at = store.writes.map((time) => time - start);
    expect(at[0]).toBe(0);
    expect(at.at(-1)).toBe(2050);
    for (let i = 1; i < at.length - 1; i++)
      expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(COALESCE_MS);
    expect(at.length).toBeGreaterThanOrEqual(4);
    expect(at.length).toBeLessThanOrEqual(2 + 2050 / COALESCE_MS);
    const stored = await store.get<RoomCallRecord>('room-call', call.room.accountSid, call.sid);
    expect([stored?.status, stored?.participants.length]).toEqual(['completed', 20]);
  });

  it('reports a failed write and stores the call with its next change', async () => {
    const clock = new VirtualClock();
    const store = new Recording();
    const errors: unknown[] = [];
    const kept = new RoomCallStore(store, clock, (error) => errors.push(error));
    const call = roomCall(clock);
    store.failing = true;
    kept.changed(call);
    await kept.flush();
    expect(errors).toHaveLength(1);
    store.failing = false;
    call.status = 'completed';
    kept.changed(call);
    await kept.flush();
    expect((await store.get<RoomCallRecord>('room-call', call.room.accountSid, call.sid))?.status).toBe('completed');
  });
});
