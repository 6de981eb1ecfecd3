/**
 * Several Patchbay nodes in one process, for tests of what the cluster does with conferences:
 * each node its own simulated network (its callers' media stays on it) and its own runtime, all
 * on one virtual clock and one app server, joined by a bus: in-process (a `BusHub` on the same
 * clock) or Redis (a real redis-server). On Redis, time stands still while a bus request is in
 * flight, so the virtual clock never jumps to a caller's hang-up while a frame crosses the socket.
 */
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import type { PartyBehaviour } from '../adapters/simulated/party.js';
import { VirtualClock } from '../clock/virtual.js';
import { storeQueueRecords } from '../queue/records.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { MemoryStore } from '../store/memory.js';
import { type AppServer, type Route, startAppServer } from '../testing/app-server.js';
import { APP_NUMBER, AUTH_TOKEN, ringer } from '../testing/scenario.js';
import type { Bus } from './bus.js';
import { BusHub, InProcessBus } from './bus-memory.js';
import type { TestRedis } from './redis.test-support.js';
import { RedisBus } from './redis-bus.js';

export type BusKind = 'in-process' | 'redis';

export interface TestNode {
  readonly id: string;
  readonly bus: Bus;
  readonly network: SimulatedNetwork;
  readonly runtime: Runtime;
  /** Calls the app's number on this node from `from`; returns the call's SID. */
  ringIn(from: string, behaviour?: PartyBehaviour): string;
}

export interface TestCluster extends AsyncDisposable {
  readonly app: AppServer;
  readonly clock: VirtualClock;
  readonly nodes: readonly TestNode[];
  /** Kills a node as a crash would: its bus goes silent (no leave), its calls end without telling anyone. */
  kill(node: TestNode): Promise<void>;
}

export const ACCOUNT_SID = `AC${'c'.repeat(32)}`;
const LEASE = { leaseMs: 3000, heartbeatMs: 500 };
// Beats slow enough that a busy CI machine does not time a command out (the command timeout is one beat).
const REDIS_LEASE = { leaseMs: 2000, heartbeatMs: 400 };

/** A bus whose every operation holds the virtual clock until it settles. */
function held(bus: Bus, clock: VirtualClock): Bus {
  return new Proxy(bus, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (['serve', 'on', 'off', 'once'].includes(String(property))) return method;
      return (...args: unknown[]) => clock.still(async () => method(...args));
    },
  });
}

export async function startCluster(
  routes: Record<string, Route>,
  kind: BusKind,
  options: {
    ids?: readonly string[];
    redis?: TestRedis;
    /** A node's own way to Redis (a proxy a test cuts), by node id. */
    redisUrls?: Readonly<Record<string, string>>;
  } = {},
): Promise<TestCluster> {
  const app = await startAppServer(routes);
  const clock = new VirtualClock();
  const hub = new BusHub(clock);
  const prefix = options.redis?.prefix() ?? 'patchbay:';
  // The queues' resources, in the store the nodes share (as on PostgreSQL).
  const queueRecords = storeQueueRecords(new MemoryStore());
  const nodes: TestNode[] = [];
  for (const id of options.ids ?? ['node-a', 'node-b']) {
    let bus: Bus;
    if (kind === 'in-process') bus = new InProcessBus({ nodeId: id, hub, ...LEASE });
    else {
      if (!options.redis) throw new Error('a Redis cluster needs the test Redis');
      const url = options.redisUrls?.[id] ?? options.redis.url;
      bus = held(new RedisBus({ url, prefix, nodeId: id, ...REDIS_LEASE }), clock);
    }
    await bus.start();
    const network = new SimulatedNetwork({ clock });
    const runtime = createRuntime({
      media: network,
      clock,
      bus,
      // One account across the cluster, as a shared store would have it.
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      incoming: ({ to }) => (to === APP_NUMBER ? { url: `${app.url}/voice` } : undefined),
      onNet: true,
      callbacks: { backoffMs: 10 },
      queueRecords,
    });
    await runtime.conferenceCluster?.ready;
    const ringIn = ringer(runtime, network);
    nodes.push({ id, bus, network, runtime, ringIn });
  }
  const dead = new Set<TestNode>();
  const stop = async (node: TestNode) => {
    await node.runtime.close();
    await node.network.close();
  };
  return {
    app,
    clock,
    nodes,
    async kill(node) {
      dead.add(node);
      await node.bus.close({ leave: false });
      await stop(node);
    },
    async [Symbol.asyncDispose]() {
      for (const node of nodes) {
        if (dead.has(node)) continue;
        await stop(node);
        await node.bus.close();
      }
      await app.close();
    },
  };
}
