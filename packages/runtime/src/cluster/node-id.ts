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
import type { Clock } from '../clock/clock.js';
import { PatchbayError } from '../errors.js';
import type { NodeId } from './bus.js';

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
