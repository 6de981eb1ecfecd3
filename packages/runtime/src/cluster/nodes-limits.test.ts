import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import { BusHub, InProcessBus } from './bus-memory.js';
import { ClusterApiLimiter } from './nodes-limits.js';

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
