/**
 * Where a conference (or queue, or room call) lives in a cluster: on one node at a time, chosen
 * by load when it starts. Every node publishes its load (its live calls) as a shared key; the
 * first caller of a conference claims the conference's key for the live node with the fewest
 * live calls (this node on a tie, so a lone node never bridges to itself); later callers read
 * the key and join there. The node holding the conference renews the key while it lives and
 * frees it when it ends; a key naming a node that is no longer live is dropped and the
 * conference placed afresh.
 *
 * @example
 * const load = new NodeLoad(bus, () => liveCalls);
 * const node = await place(bus, load, conferenceKey(accountSid, 'standup'), 10_000);
 */
import { createHash } from 'node:crypto';
import { PatchbayError } from '../errors.js';
import type { Bus, NodeId } from './bus.js';

/** The shared key that names the node holding an account's conference (names of any text). */
export function conferenceKey(accountSid: string, name: string): string {
  return `conference:${accountSid}:${createHash('sha256').update(name).digest('hex').slice(0, 32)}`;
}

/** A node's published load: its live calls, in a key that lives `ttlMs` unless published again. */
export class NodeLoad {
  private last: number | undefined;
  private publishing: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: Bus,
    private readonly liveCalls: () => number,
    private readonly ttlMs: number,
  ) {}

  static key(node: NodeId): string {
    return `load:${node}`;
  }

  /** Publishes this node's load (again); in order, so the last count published is the latest. */
  publish(force = false): Promise<void> {
    const count = this.liveCalls();
    if (!force && count === this.last) return this.publishing;
    this.last = count;
    this.publishing = this.publishing
      .then(() => this.bus.setKey(NodeLoad.key(this.bus.nodeId), String(count), this.ttlMs))
      .catch(() => undefined);
    return this.publishing;
  }

  /** The live node with the fewest live calls (this node on a tie, then the lowest id). */
  async leastLoaded(live: readonly NodeId[]): Promise<NodeId> {
    const self = this.bus.nodeId;
    let best: { node: NodeId; load: number } = { node: self, load: this.liveCalls() };
    for (const node of [...live].sort()) {
      if (node === self) continue;
      const published = await this.bus.getKey(NodeLoad.key(node));
      // A node that has not published its load yet is not chosen over one that has.
      const load = published === undefined ? Number.POSITIVE_INFINITY : Number(published);
      if (load < best.load) best = { node, load };
    }
    return best.node;
  }
}

/**
 * The node holding `key`'s conference, claiming it for the least loaded live node when nobody
 * holds it (or a node that is gone did). Rejects with `conference-placement-failed` (91351)
 * when other nodes keep winning and losing the key (it never settles in a few tries).
 */
export async function place(bus: Bus, load: NodeLoad, key: string, ttlMs: number): Promise<NodeId> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const live = (await bus.nodes()).map((node) => node.id);
    const owner = await bus.getKey(key);
    if (owner !== undefined && live.includes(owner)) return owner;
    if (owner !== undefined) await bus.deleteKey(key, owner);
    const chosen = await load.leastLoaded(live);
    if (await bus.claimKey(key, chosen, ttlMs)) return chosen;
  }
  throw new PatchbayError('conference-placement-failed', `could not place ${key}: its holder kept changing`);
}
