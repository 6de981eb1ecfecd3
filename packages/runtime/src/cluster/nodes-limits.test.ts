import { EventEmitter } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../calls/call.js';
import { VirtualClock } from '../clock/virtual.js';
import { DEFAULT_ACCOUNT_LIMITS } from '../limits/account-limits.js';
import type { Runtime } from '../runtime-types.js';
import { MemoryStore } from '../store/memory.js';
import type { StoredRecord } from '../store/types.js';
import { BusHub, InProcessBus } from './bus-memory.js';
import { ClusterApiLimiter, ClusterCallCap } from './nodes-limits.js';

describe("calls past an account's cap across the cluster", () => {
  it('gives the last unit to the call admitted first, even when its account is read last', async () => {
    const hub = new BusHub();
    const bus = new InProcessBus({ nodeId: 'node-a', hub });
    await bus.start();
    // The first call's read of its account is the slow one: it returns once the second's has.
    const store = new MemoryStore();
    let reads = 0;
    let secondRead = () => {};
    const gate = new Promise<void>((resolve) => {
      secondRead = resolve;
    });
    const find = store.find.bind(store);
    store.find = (async (kind: string, sid: string) => {
      const first = reads++ === 0;
      const found = await find(kind as never, sid);
      if (first) await gate;
      else secondRead();
      return found;
    }) as typeof store.find;
    await store.put('account', {
      sid: 'AC1',
      accountSid: 'AC1',
      createdAt: 0,
      limits: { concurrentCalls: 1 },
    } as StoredRecord);
    const cap = new ClusterCallCap(bus, store);
    cap.attach({ events: new EventEmitter(), limits: DEFAULT_ACCOUNT_LIMITS } as unknown as Runtime);
    const call = (sid: string) => ({ sid, accountSid: 'AC1', status: 'queued' }) as CallRecord;
    const [first, second] = await Promise.allSettled([cap.admit(call('CA1')), cap.admit(call('CA2'))]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'concurrency-limit' } });
    expect(await bus.count('calls:AC1')).toBe(1);
    cap.close();
    await bus.close();
  });
});

describe('REST limits across the cluster', () => {
  it("counts an account's requests a second on every node together, and starts again the next second", async () => {
    const clock = new VirtualClock(1_767_225_600_000);
    const hub = new BusHub(clock);
    const a = new InProcessBus({ nodeId: 'node-a', hub });
    const b = new InProcessBus({ nodeId: 'node-b', hub });
    await a.start();
    await b.start();
    const limits = { apiConcurrency: 100, apiRequestsPerSecond: 2 };
    const onA = new ClusterApiLimiter(a, clock);
    const onB = new ClusterApiLimiter(b, clock);
    (await onA.enter('AC1', limits))();
    (await onB.enter('AC1', limits))();
    await expect(onA.enter('AC1', limits)).rejects.toMatchObject({
      status: 429,
      code: 20429,
      headers: { 'retry-after': '1' },
    });
    (await onB.enter('AC2', limits))();
    await new Promise<void>((resolve) => clock.setTimer(resolve, 1000));
    (await onA.enter('AC1', limits))();
    await a.close();
    await b.close();
  });

  it('frees the slot of a request once, however often its release is called', async () => {
    const hub = new BusHub();
    const a = new InProcessBus({ nodeId: 'node-a', hub });
    await a.start();
    const limiter = new ClusterApiLimiter(a, hub.clock);
    const limits = { apiConcurrency: 2, apiRequestsPerSecond: 0 };
    const first = await limiter.enter('AC1', limits);
    await limiter.enter('AC1', limits);
    await expect(limiter.enter('AC1', limits)).rejects.toMatchObject({ status: 429 });
    first();
    first();
    await expect.poll(() => a.count('api:AC1')).toBe(1);
    await a.close();
  });
});
