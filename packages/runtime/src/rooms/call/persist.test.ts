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

function roomCall(clock: VirtualClock, digit = '1'): RoomCall {
  const room = { sid: `RM${digit.repeat(32)}`, accountSid: `AC${'1'.repeat(32)}` } as RoomRecord;
  return {
    sid: `RC${digit.repeat(32)}`,
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

  describe('in a cluster (an index per node)', () => {
    /** Nodes a and b on one store, each running a call. */
    async function twoNodes() {
      const clock = new VirtualClock();
      const store = new MemoryStore();
      const calls = { a: roomCall(clock, '2'), b: roomCall(clock, '3') };
      for (const node of ['a', 'b'] as const) {
        const kept = new RoomCallStore(store, clock, undefined, node);
        kept.changed(calls[node]);
        await kept.flush();
      }
      const status = async (call: RoomCall) =>
        (await store.get<RoomCallRecord>('room-call', call.room.accountSid, call.sid))?.status;
      return { clock, store, calls, status };
    }

    it('a node starting ends only the calls it ran before, not those another node runs', async () => {
      const { clock, store, calls, status } = await twoNodes();
      const restarted = new RoomCallStore(store, clock, undefined, 'a');
      expect(await restarted.recover(undefined, () => false)).toBe(1);
      expect([await status(calls.a), await status(calls.b)]).toEqual(['completed', 'in-progress']);
      expect(await restarted.recover(undefined, () => false)).toBe(0);
    });

    it("the node taking a dead node over ends the dead node's calls, each once, server-restart", async () => {
      const { clock, store, calls, status } = await twoNodes();
      const survivor = new RoomCallStore(store, clock, undefined, 'c');
      const ended: RoomCallRecord[] = [];
      expect(await survivor.takeOver('b', undefined, async (record) => void ended.push(record))).toBe(1);
      expect(ended.map((record) => [record.sid, record.endReason])).toEqual([[calls.b.sid, 'server-restart']]);
      expect([await status(calls.a), await status(calls.b)]).toEqual(['in-progress', 'completed']);
      expect(await survivor.takeOver('b', undefined)).toBe(0);
    });
  });
});
