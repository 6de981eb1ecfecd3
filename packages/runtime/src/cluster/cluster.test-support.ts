/**
 * A Patchbay cluster as docs/cluster.md sets one up, for real: `patchbay serve` node processes
 * sharing one PostgreSQL database and one redis-server, with Debian's nginx in front. Clients
 * are given the balancer's URL only, as they would be; the nodes are there to be killed.
 *
 * @example
 * const cluster = await startCluster({ postgres: postgres(), redis, nodes: 3 });
 * await fetch(`${cluster.url}/health`);
 * await cluster.kill(0);
 */
import { once } from 'node:events';
import { dataDirectory, type Served, servePatchbay } from '../cli/processes.test-support.js';
import type { TestPostgres } from '../store/postgres.test-support.js';
import { freePort, startNginx } from './nginx.test-support.js';
import type { TestRedis } from './redis.test-support.js';
import { type CuttableProxy, startProxy } from './redis-proxy.test-support.js';

export const CLUSTER_ACCOUNT = `AC${'c'.repeat(32)}`;
export const CLUSTER_TOKEN = '7'.repeat(32);
/** The bootstrap account and the key that seals SIP passwords: the same on every node. */
export const CLUSTER_ENV = {
  PATCHBAY_ACCOUNT_SID: CLUSTER_ACCOUNT,
  PATCHBAY_AUTH_TOKEN: CLUSTER_TOKEN,
  PATCHBAY_SECRET_KEY: '5a'.repeat(32),
};

export interface ClusterNode extends Served {
  readonly id: string;
  /** The node's own address (the balancer's upstream), for tests that must reach one node. */
  readonly direct: string;
}

export interface TestCluster {
  /** The balancer: what clients, devices and apps are given. */
  readonly url: string;
  readonly nodes: readonly ClusterNode[];
  /** SIGKILLs node `index` (no goodbye to the bus: the others find out when its lease runs out). */
  kill(index: number): Promise<void>;
  /** Starts node `index` again (it exited, or was killed), under its id, on its port. */
  restart(index: number): Promise<ClusterNode>;
  /** Cuts node `index` off from Redis (with `cuttable`), as a network partition would; `heal` undoes it. */
  partition(index: number): void;
  heal(index: number): void;
  close(): Promise<void>;
}

export interface ClusterOptions {
  readonly postgres: TestPostgres;
  readonly redis: TestRedis;
  /** @default 3 */
  readonly nodes?: number;
  /**
   * How long a silent node stays a member. A node whose heartbeats fail for this long less one
   * beat stops taking work: 1 s is quick, but a loaded CI machine stalls a node's event loop that
   * long, and it then (rightly) calls itself partitioned. @default 3
   */
  readonly leaseSeconds?: number;
  /** More flags for every node. */
  readonly args?: readonly string[];
  /** Each node reaches Redis through a proxy of its own that `partition()` cuts. @default false */
  readonly cuttable?: boolean;
}

/** Starts the nodes (in parallel) and the balancer; resolves once every node printed `Ready.`. */
let clusters = 0;

export async function startCluster(options: ClusterOptions): Promise<TestCluster> {
  const count = options.nodes ?? 3;
  const cluster = `${process.pid}.${++clusters}`;
  const store = await options.postgres.database();
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const balancer = await startNginx(ports.map((port) => `127.0.0.1:${port}`));
  const proxies: CuttableProxy[] = options.cuttable
    ? await Promise.all(ports.map(() => startProxy(options.redis.port)))
    : [];
  // The first node creates the schema and the account; the others then start together.
  const start = async (index: number): Promise<ClusterNode> => {
    // Ids of their own: a cluster started earlier on the same Redis left its dead nodes' state there.
    const id = `node-${cluster}-${index + 1}`;
    const served = await servePatchbay(await dataDirectory(`patchbay-${id}-`), CLUSTER_ENV, {
      port: ports[index] as number,
      args: [
        '--store',
        store,
        '--bus',
        proxies[index]?.url ?? options.redis.url,
        '--node-id',
        id,
        '--bus-lease-seconds',
        String(options.leaseSeconds ?? 3),
        '--public-url',
        balancer.url,
        '--log-level',
        'info',
        ...(options.args ?? []),
      ],
    });
    return { ...served, id, direct: `http://127.0.0.1:${ports[index]}` };
  };
  const first = await start(0);
  const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => start(i + 1)));
  const nodes = [first, ...rest];
  const proxy = (index: number) => {
    const found = proxies[index];
    if (!found) throw new Error(`node ${index + 1} reaches Redis directly: start the cluster with { cuttable: true }`);
    return found;
  };
  const kill = async (index: number) => {
    const node = nodes[index] as ClusterNode;
    if (node.child.exitCode !== null || node.child.signalCode !== null) return;
    const exited = once(node.child, 'exit');
    node.child.kill('SIGKILL');
    await exited;
  };
  return {
    url: balancer.url,
    nodes,
    kill,
    async restart(index) {
      await kill(index);
      nodes[index] = await start(index);
      return nodes[index];
    },
    partition: (index) => proxy(index).cut(),
    heal: (index) => proxy(index).restore(),
    async close() {
      await Promise.all(nodes.map((_, index) => kill(index)));
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await balancer.close();
    },
  };
}

/** Basic auth for the cluster's bootstrap account. */
export const CLUSTER_AUTH = `Basic ${Buffer.from(`${CLUSTER_ACCOUNT}:${CLUSTER_TOKEN}`).toString('base64')}`;

/** A REST request to the cluster's account through `base` (JSON answer and status). */
export async function clusterRequest(
  base: string,
  resource: string,
  params?: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/2010-04-01/Accounts/${CLUSTER_ACCOUNT}/${resource}`, {
    method: params ? 'POST' : 'GET',
    headers: { authorization: CLUSTER_AUTH, 'content-type': 'application/x-www-form-urlencoded' },
    ...(params ? { body: new URLSearchParams(params) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
