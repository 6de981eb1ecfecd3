/**
 * Cluster mode of the REST and device test harness: with `PATCHBAY_TEST_CLUSTER=3` (the
 * `runtime-cluster` vitest project, vitest.cluster.config.ts), `startApiHarness()` starts three
 * nodes in this process instead of one server, and the existing suites run against them
 * unchanged. Each node is a ClusterNode on a real redis-server (RedisBus), its own PostgresStore on
 * one shared database, its own runtime, REST API and HTTP server on 127.0.0.1; all three share one
 * SimulatedNetwork (the outside phone network) and one app server, and Debian's nginx, with the
 * site docs/cluster.md shows, is in front: `base`, `client` and `clientFor` go through it, so
 * requests spread over the nodes.
 *
 * PostgreSQL (a database, and a store per node) and Redis start once per test file (suite.setup.ts,
 * the project's setup file); a harness empties the database (when no other harness of the file is
 * open) and takes a key prefix of its own in Redis, so making three nodes per test costs little.
 * nginx is started per harness (about 35 ms): one nginx kept across a file's harnesses counts the
 * previous test's devices, reconnecting while no node listens, as failures (`max_fails=1`), and
 * answers the next test 502 for `fail_timeout`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import {
  type ApiHarness,
  type ApiHarnessOptions,
  clusterSize,
  FAST,
  type HarnessNode,
  officialClient,
  startHarnessNode,
} from '../api/harness.test-support.js';
import { bootstrapAccount } from '../api/server.js';
import { type Clock, holding, systemClock } from '../clock/clock.js';
import { PostgresStore } from '../store/postgres.js';
import { startPostgres, type TestPostgres } from '../store/postgres.test-support.js';
import type { Store } from '../store/types.js';
import { startAppServer } from '../testing/app-server.js';
import { startNginx } from './nginx.test-support.js';
import { ClusterNode } from './nodes.js';
import { startRedis, type TestRedis } from './redis.test-support.js';
import { RedisBus } from './redis-bus.js';
import { nodeNetworks, runtimeView } from './suite-views.test-support.js';

/** Long enough that a busy CI machine never misses a heartbeat (no test here kills a node). */
const LEASE_MS = 5000;

interface Services {
  readonly postgres: TestPostgres;
  readonly url: string;
  /** One store per node, on the one database. */
  readonly stores: readonly PostgresStore[];
  readonly redis: TestRedis;
}

let services: Services | undefined;
/** Harnesses open now. */
let open = 0;

/** Starts the file's PostgreSQL database and Redis (they fail the file, never skip, when one cannot start). */
export async function startClusterServices(): Promise<void> {
  const size = clusterSize();
  const postgres = await startPostgres();
  const url = await postgres.database();
  const stores: PostgresStore[] = [];
  for (let i = 0; i < size; i++) stores.push(await PostgresStore.open(url, { poolSize: 4 }));
  const redis = await startRedis();
  services = { postgres, url, stores, redis };
}

export async function stopClusterServices(): Promise<void> {
  const started = services;
  services = undefined;
  if (!started) return;
  for (const store of started.stores) await store.close();
  await started.redis.close();
  await started.postgres.stop();
}

/** Empties the shared database, so each harness starts as a fresh server does. */
async function emptyDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('TRUNCATE records, outbox, blobs');
  } finally {
    await client.end();
  }
}

/**
 * A test's requests to the balancer (`fetch`, the helper library's too) hold the runtime's clock
 * until their answer is read, as one process answering at once leaves no time for a virtual
 * clock to run ahead: through nginx, a request and its answer cross two more connections, while
 * the event loop is idle and virtual time would jump to its next timer (a code expiring, a
 * bucket refilling between two requests). Event streams and the devices' requests (a long-poll
 * waits for what time brings) are not held.
 */
function holdWhileFetching(clock: Clock, base: string): () => void {
  const previous = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    // Not the devices' own requests: a long-poll waits for what time brings.
    if (!url.startsWith(base) || url.startsWith(`${base}/devices/`)) return previous(input, init);
    const release = clock.hold();
    try {
      const response = await previous(input, init);
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) return response;
      const body = await response.arrayBuffer();
      return new Response(response.status === 204 || response.status === 304 ? null : body, response);
    } finally {
      release();
    }
  };
  return () => {
    globalThis.fetch = previous;
  };
}

/**
 * A node's requests to another over the bus hold the test's virtual clock until answered, as the
 * test's own requests through the balancer do (holdWhileFetching): one process runs a step (a
 * member joining a room hosted elsewhere, a call control) at once, and virtual time would jump
 * ahead while the step crosses Redis, PostgreSQL and back. Without this, a room call whose joins
 * crossed nodes on a busy machine saw its calls run into their four-hour time limit before the
 * last member was in.
 */
function holdWhileAsking(bus: RedisBus, clock: Clock): void {
  const request = bus.request.bind(bus);
  bus.request = (node, method, body, requestOptions) =>
    holding(clock, () => request(node, method, body, requestOptions));
}

/**
 * A node's store as the node sees it: each read and write holds the test's virtual clock until
 * it is done, as a single node's SQLite answers before its event loop turns: across PostgreSQL a
 * step (a call stored before it is admitted, a member's leg placed) waits on the network, and
 * virtual time would jump meanwhile to its next timer (a room call's four-hour limit ended calls
 * whose members were still being rung).
 */
function holdWhileStoring(store: Store, clock: Clock): Store {
  const held = <T extends object>(target: T, nested: ReadonlySet<string>): T =>
    new Proxy(target, {
      get(object, key) {
        const value: unknown = Reflect.get(object, key, object);
        if (typeof key === 'string' && nested.has(key) && value && typeof value === 'object')
          return held(value, new Set());
        if (typeof value !== 'function' || key === 'close') return value;
        return (...args: unknown[]) => {
          const result: unknown = value.apply(object, args);
          if (!(result instanceof Promise)) return result;
          const release = clock.hold();
          return result.finally(release);
        };
      },
    });
  return held(store, new Set(['outbox', 'blobs']));
}

/** `startApiHarness(options)` as three nodes behind nginx (see the module comment). */
export async function startClusterHarness(options: ApiHarnessOptions): Promise<ApiHarness> {
  const shared = services;
  if (!shared)
    throw new Error('PATCHBAY_TEST_CLUSTER is set but the cluster services did not start (see suite.setup.ts)');
  const size = clusterSize();
  if (open === 0) await emptyDatabase(shared.url);
  open++;
  // A test's own store (one that watches reads, say) is shared by the three nodes.
  const given: readonly Store[] = options.store ? Array(size).fill(options.store) : shared.stores;
  const { clock } = options;
  const stores = clock ? given.map((one) => holdWhileStoring(one, clock)) : given;
  // The test's own view does not hold the clock: a test polling the store for what a timer does
  // (a schedule's occurrence) would keep virtual time from reaching it.
  const store = given[0] as Store;
  const { account } = await bootstrapAccount(store, { now: Date.now() });
  const network = new SimulatedNetwork({
    timing: options.timing ?? FAST,
    ...(options.networkClock ? { clock: options.networkClock } : {}),
  });
  options.setup?.(network);
  const networks = nodeNetworks(network, size);
  const prefix = shared.redis.prefix();
  const callTokenKey = randomBytes(32);
  const clusters: ClusterNode[] = [];
  const nodes = await Promise.all(
    networks.map(async (nodeNetwork, index): Promise<HarnessNode> => {
      const bus = new RedisBus({ url: shared.redis.url, prefix, nodeId: `node-${index + 1}`, leaseMs: LEASE_MS });
      if (options.clock) holdWhileAsking(bus, options.clock);
      const cluster = new ClusterNode({ bus, store: stores[index] as Store, clock: systemClock });
      await cluster.start();
      clusters.push(cluster);
      return startHarnessNode(
        { ...options, devices: { callTokenKey, ...options.devices, cluster: { bus } } },
        { store: stores[index] as Store, account, network: nodeNetwork, cluster },
      );
    }),
  );
  const balancer = await startNginx(nodes.map((node) => new URL(node.base).host));
  const app = await startAppServer(options.routes ?? {});
  const base = balancer.url;
  const unhold = options.clock ? holdWhileFetching(options.clock, base) : () => undefined;
  return {
    base,
    store,
    account,
    network,
    runtime: runtimeView(nodes as [HarnessNode]),
    app,
    client: officialClient(base, account.sid, account.authToken),
    clientFor: (user, secret, accountSid) => officialClient(base, user, secret, accountSid ?? user),
    async close() {
      unhold();
      await Promise.all(nodes.map((node) => node.close()));
      await Promise.all(clusters.map((cluster) => cluster.close()));
      await network.close();
      await app.close();
      await balancer.close();
      open--;
    },
  };
}
