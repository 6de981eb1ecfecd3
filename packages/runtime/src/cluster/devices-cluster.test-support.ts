/**
 * For tests of devices across nodes: several nodes of one cluster in this process, each its own
 * runtime and HTTP server on loopback, one shared store, and a bus of either kind (BusHub
 * in-process buses, or a real redis-server). Device tests run their scenarios over both.
 */
import { randomBytes } from 'node:crypto';
import { Device } from '@patchbay/sdk';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type ApiHarness, type ApiHarnessOptions, startApiHarness } from '../api/harness.test-support.js';
import { deviceFor, type Key, newKey, tokenFor } from '../bridge/devices.test-support.js';
import { systemClock } from '../clock/clock.js';
import { MemoryStore } from '../store/memory.js';
import type { Route } from '../testing/app-server.js';
import type { Bus } from './bus.js';
import { BusHub, InProcessBus } from './bus-memory.js';
import { ClusterNode } from './nodes.js';
import { startRedis, type TestRedis } from './redis.test-support.js';
import { RedisBus } from './redis-bus.js';

export const BUS_KINDS = ['in-process', 'redis'] as const;
export type BusKind = (typeof BUS_KINDS)[number];

/** Short leases, so a dead node is noticed within a test. */
export const LEASE = { leaseMs: 600, heartbeatMs: 100 } as const;

export interface TestNode {
  readonly id: string;
  readonly bus: Bus;
  readonly cluster: ClusterNode;
  readonly harness: ApiHarness;
  /** Stops the node's bus as a killed process would (no leave): the others notice at its lease. */
  kill(): Promise<void>;
  /** Kills the bus, then closes the node's server: its devices' connections drop and they reconnect elsewhere. */
  crash(): Promise<void>;
}

export interface TestCluster {
  readonly nodes: Record<string, TestNode>;
  /** The one account every node answers for (the first node's). */
  readonly accountSid: string;
  readonly key: Key;
  /** An SDK device of `identity` connected to `node` (or to a URL: a balancer in front of nodes). */
  device(node: string, identity: string): Device;
  close(): Promise<void>;
}

export async function startCluster(
  kind: BusKind,
  ids: readonly string[],
  options: {
    redis?: TestRedis;
    routes?: Record<string, Route>;
    /** Starts node `index`'s harness (a devices harness, say). @default startApiHarness */
    startNode?: (index: number, options: ApiHarnessOptions) => Promise<ApiHarness>;
    /** More options for every node's harness. */
    harness?: Pick<ApiHarnessOptions, 'api' | 'limits'>;
  } = {},
): Promise<TestCluster> {
  const store = new MemoryStore();
  const hub = new BusHub(systemClock);
  const prefix = options.redis?.prefix();
  const callTokenKey = randomBytes(32);
  const nodes: Record<string, TestNode> = {};
  const devices: Device[] = [];
  const closes: Array<() => Promise<unknown>> = [];
  for (const [index, id] of ids.entries()) {
    const bus =
      kind === 'redis'
        ? new RedisBus({ url: requireRedis(options.redis).url, prefix: prefix as string, nodeId: id, ...LEASE })
        : new InProcessBus({ nodeId: id, hub, ...LEASE });
    const cluster = new ClusterNode({ bus, store, clock: systemClock });
    await cluster.start();
    const harness = await (options.startNode ?? ((_, o) => startApiHarness(o)))(index, {
      ...options.harness,
      store,
      cluster,
      ...(options.routes ? { routes: options.routes } : {}),
      devices: { callTokenKey, cluster: { bus, presenceTtlMs: LEASE.leaseMs } },
    });
    let killed = false;
    let closed = false;
    closes.unshift(async () => {
      if (!closed) await harness.close();
      if (!killed) await cluster.close();
    });
    const kill = async () => {
      killed = true;
      await cluster.close({ leave: false });
    };
    nodes[id] = {
      id,
      bus,
      cluster,
      harness,
      kill,
      crash: async () => {
        await kill();
        closed = true;
        await harness.close();
      },
    };
  }
  const first = nodes[ids[0] as string] as TestNode;
  const key = await newKey(first.harness);
  return {
    nodes,
    accountSid: first.harness.account.sid,
    key,
    device: (node, identity) => {
      const token = tokenFor(first.harness, key, identity);
      const target = nodes[node];
      const device = target
        ? deviceFor(target.harness, token)
        : new Device(token, { server: node, reconnectDelayMs: 20 });
      devices.push(device);
      return device;
    },
    close: async () => {
      for (const device of devices.splice(0)) device.destroy();
      for (const close of closes.splice(0)) await close();
    },
  };
}

function requireRedis(redis: TestRedis | undefined): TestRedis {
  if (!redis) throw new Error('a Redis cluster needs the test Redis (startRedis)');
  return redis;
}

type ClusterOptions = NonNullable<Parameters<typeof startCluster>[2]>;

/**
 * For a test file: a real redis-server for the file (it fails loudly when Redis cannot start),
 * and each test's cluster (and whatever else it registers) closed after it.
 *
 * @example
 * const clusters = clustersPerTest();
 * const cluster = await clusters.start('redis', ['node-a', 'node-b']);
 */
export function clustersPerTest() {
  let redis: TestRedis | undefined;
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.close());
  afterEach(async () => {
    // In order: a cluster (and its devices) before what was put in front of it (a balancer waits for their connections).
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return {
    async start(kind: BusKind, ids: readonly string[], options: Omit<ClusterOptions, 'redis'> = {}) {
      const cluster = await startCluster(kind, ids, { ...options, ...(redis ? { redis } : {}) });
      cleanups.push(() => cluster.close());
      return cluster;
    },
    /** Closed after the test, after the clusters started earlier. */
    later(cleanup: () => Promise<unknown>): void {
      cleanups.push(cleanup);
    },
  };
}
