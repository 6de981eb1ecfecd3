/**
 * `patchbay serve --bus redis://... [--node-id <id>]`: the server joins a cluster. Kept out of
 * cli/serve.ts so the single-node server stays as it is; this makes the node, or a StartupError
 * that says in words why it cannot (Redis unreachable, a bad URL or node id, a node id a live
 * node holds).
 *
 * @example
 * const node = await joinCluster({ url: 'redis://127.0.0.1:6379', port: 3000, store, clock });
 */
import { hostname } from 'node:os';
import type { Clock } from '../clock/clock.js';
import { PatchbayError } from '../errors.js';
import { StartupError } from '../startup-error.js';
import type { Store } from '../store/types.js';
import { type ClusterLog, ClusterNode, defaultNodeId } from './nodes.js';
import { RedisBus, redact } from './redis-bus.js';

export interface JoinOptions {
  /** The bus: `redis://[:password@]host:port[/db]` or `rediss://...`. */
  readonly url: string;
  /** This node's id. @default defaultNodeId(hostname, port) */
  readonly nodeId?: string | undefined;
  /** The port the server listens on (for the default node id). */
  readonly port: number;
  readonly store: Store;
  readonly clock: Clock;
  readonly log?: ClusterLog | undefined;
  /** How long a node stays a member without a heartbeat. @default 10000 */
  readonly leaseMs?: number | undefined;
}

export async function joinCluster(options: JoinOptions): Promise<ClusterNode> {
  let scheme: string;
  try {
    scheme = new URL(options.url).protocol;
  } catch {
    scheme = '';
  }
  if (scheme !== 'redis:' && scheme !== 'rediss:')
    throw new StartupError(
      'bus-unreachable',
      `--bus ${JSON.stringify(redact(options.url))} is not a Redis URL`,
      'give redis://host:port (or rediss:// for TLS), e.g. redis://127.0.0.1:6379',
    );
  const nodeId = options.nodeId ?? defaultNodeId(hostname(), options.port);
  let bus: RedisBus;
  try {
    bus = new RedisBus({
      url: options.url,
      nodeId,
      clock: options.clock,
      ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    });
  } catch (error) {
    throw new StartupError(
      'bus-unreachable',
      `--node-id ${JSON.stringify(nodeId)} is not a node id`,
      'give 1-200 printable characters without spaces',
      { cause: error },
    );
  }
  const node = new ClusterNode({
    bus,
    store: options.store,
    clock: options.clock,
    log: options.log,
    leaseMs: options.leaseMs,
  });
  try {
    await node.start();
  } catch (error) {
    await node.close().catch(() => undefined);
    if (!(error instanceof PatchbayError)) throw error;
    if (error.code === 'node-id-taken')
      throw new StartupError(
        'node-id-taken',
        error.message,
        'give this node its own --node-id, or stop the node that holds it first',
        { cause: error },
      );
    throw new StartupError(
      'bus-unreachable',
      error.message,
      'start Redis (or fix the --bus URL and its password), then start the node again',
      { cause: error },
    );
  }
  return node;
}
