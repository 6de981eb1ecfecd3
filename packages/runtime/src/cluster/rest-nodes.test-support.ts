/**
 * Several nodes of one cluster in one process, each its own runtime, simulated network and REST
 * API, on one shared store and one bus (in-process, or a real redis-server started for the test
 * file), for tests of what any node answers about what another node holds (conferences, queues,
 * room calls). Nodes are closed after each test.
 *
 * @example
 * const startNodes = restNodesPerTest();
 * const [a, b] = await startNodes('redis', ['node-a', 'node-b'], { routes, setup });
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type ApiHarness, type ApiHarnessOptions, startApiHarness } from '../api/harness.test-support.js';
import { systemClock } from '../clock/clock.js';
import { MemoryStore } from '../store/memory.js';
import type { Bus } from './bus.js';
import { BusHub, InProcessBus } from './bus-memory.js';
import type { BusKind } from './conferences.test-support.js';
import { ClusterNode } from './nodes.js';
import { startRedis, type TestRedis } from './redis.test-support.js';
import { RedisBus } from './redis-bus.js';

export type RestNode = ApiHarness & { readonly cluster: ClusterNode };

/** Registers the file's Redis and the per-test cleanup; returns what starts the nodes of a test. */
export function restNodesPerTest(): (
  kind: BusKind,
  ids: readonly string[],
  options?: Omit<ApiHarnessOptions, 'store' | 'cluster'>,
) => Promise<RestNode[]> {
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.close());
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return async (kind, ids, options = {}) => {
    const store = new MemoryStore();
    const hub = new BusHub(systemClock);
    const prefix = redis?.prefix() ?? 'patchbay:';
    const bus = (nodeId: string): Bus =>
      kind === 'redis'
        ? new RedisBus({ url: (redis as TestRedis).url, prefix, nodeId, leaseMs: 2000, heartbeatMs: 400 })
        : new InProcessBus({ nodeId, hub });
    const nodes: RestNode[] = [];
    for (const nodeId of ids) {
      const cluster = new ClusterNode({ bus: bus(nodeId), store, clock: systemClock });
      await cluster.start();
      const harness = await startApiHarness({ ...options, store, cluster });
      // A test may close a node itself (one gone); the cleanup's close is then a no-op.
      let closed: Promise<void> | undefined;
      const closeOnce = harness.close.bind(harness);
      const close = () => {
        closed ??= closeOnce();
        return closed;
      };
      cleanups.push(async () => {
        await close();
        await cluster.close();
      });
      await harness.runtime.conferenceCluster?.ready;
      nodes.push(Object.assign(harness, { cluster, close }));
    }
    return nodes;
  };
}
