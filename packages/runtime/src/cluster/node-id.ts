/**
 * One live node per node id. A bus joining with an id the cluster lists already asks who holds
 * it: a node that left cleanly holds nothing (it is removed at once), so the holder is either
 * alive or dead within its lease (killed, crashed). Which one is seen by waiting: a live holder
 * renews its lease within a heartbeat, and the join is refused (`node-id-taken`, 91306); a dead
 * one does not, and once its lease has run out the id is free, so a node restarted after a crash
 * under its own id (the default id is the host's name and port) starts, at most one lease later.
 *
 * @example
 * await claimNodeId({ nodeId, clock, leaseMs, heartbeatMs }, () => bus.tryJoin());
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/clock.js';
import { PatchbayError } from '../errors.js';
import type { Bus, NodeId } from './bus.js';

/** A node listed under the id a bus is joining with, as the bus sees it. */
export interface Holder {
  /** Its last heartbeat, on the bus's clock (ms). */
  readonly beatAt: number;
  /** How long ago that was (ms). */
  readonly ageMs: number;
}

export function nodeIdTaken(nodeId: NodeId, ageMs: number): PatchbayError {
  return new PatchbayError(
    'node-id-taken',
    `Node id ${JSON.stringify(nodeId)} is in use by a live node of this cluster (its last heartbeat ${(ageMs / 1000).toFixed(1)} s ago): two live nodes may not share an id`,
  );
}

/**
 * Joins once `tryJoin` finds the id free (it joins and answers undefined), or rejects with
 * `node-id-taken` when the holder renews its lease meanwhile.
 */
export async function claimNodeId(
  options: { readonly nodeId: NodeId; readonly clock: Clock; readonly leaseMs: number; readonly heartbeatMs: number },
  tryJoin: () => Promise<Holder | undefined>,
): Promise<void> {
  let first: Holder | undefined;
  for (;;) {
    const holder = await tryJoin();
    if (!holder) return;
    first ??= holder;
    if (holder.beatAt !== first.beatAt) throw nodeIdTaken(options.nodeId, holder.ageMs);
    // Look again after one of our heartbeats (the holder's are as frequent), or just past its lease.
    const waitMs = Math.max(1, Math.min(options.heartbeatMs, options.leaseMs - holder.ageMs + 1));
    await new Promise<void>((resolve) => options.clock.setTimer(resolve, waitMs));
  }
}

/** The key naming which process runs under a node id now (its incarnation). */
const incarnationKey = (nodeId: NodeId) => `node:${nodeId}`;
/** How long an incarnation key outlives its last renewal: long, so a long cut does not lose it. */
const INCARNATION_TTL_MS = 86_400_000;
/** What the survivor leaves on a node's incarnation key (incarnations are UUIDs). */
const REVOKED = 'revoked';

/** What a node that was cut off from the cluster finds when it is back. */
export type IdStanding = 'held' | 'taken-over' | 'id-taken';

/**
 * Which process holds a node id, beyond the bus's membership: the process that started under it
 * writes a fresh incarnation on a shared key; the survivor that takes the node over revokes it
 * first (a key found empty means Redis restarted empty, not a takeover: the node claims it again). So a node back from a cut can tell whether it may go on (`held`: nothing of its was
 * taken over), was taken over (`taken-over`: its work is gone), or another process has started
 * under its id since (`id-taken`).
 *
 * @example
 * const incarnation = new Incarnation(bus);
 * await incarnation.claim(); // at start
 * if ((await incarnation.check()) !== 'held') stop();
 */
export class Incarnation {
  readonly value = randomUUID();

  constructor(private readonly bus: Pick<Bus, 'nodeId' | 'setKey' | 'renewKey' | 'getKey' | 'claimKey'>) {}

  /** At start, once the bus has let this process join under its id. */
  claim(): Promise<void> {
    return this.bus.setKey(incarnationKey(this.bus.nodeId), this.value, INCARNATION_TTL_MS);
  }

  /** Renews the claim; what this node's standing is. Rejects while the bus is unreachable. */
  async check(): Promise<IdStanding> {
    const key = incarnationKey(this.bus.nodeId);
    if (await this.bus.renewKey(key, this.value, INCARNATION_TTL_MS)) return 'held';
    const value = await this.bus.getKey(key);
    if (value === REVOKED) return 'taken-over';
    // Gone without a revocation: Redis restarted empty, and nobody took anything over.
    if (value === undefined && (await this.bus.claimKey(key, this.value, INCARNATION_TTL_MS))) return 'held';
    return 'id-taken';
  }

  /** The survivor taking `node` over, before anything else: that node's process must not go on. */
  static async revoke(bus: Pick<Bus, 'setKey'>, node: NodeId): Promise<void> {
    await bus.setKey(incarnationKey(node), REVOKED, INCARNATION_TTL_MS);
  }
}

export function nodeTakenOver(nodeId: NodeId): PatchbayError {
  return new PatchbayError(
    'node-taken-over',
    `Node ${JSON.stringify(nodeId)} was cut off from the cluster long enough for another node to take its calls, messages and callbacks over: it stops; start it again (its id is free)`,
  );
}
