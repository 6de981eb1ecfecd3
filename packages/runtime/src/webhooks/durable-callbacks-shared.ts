/**
 * Callbacks a node could not claim on a store several nodes share (DurableCallbacks with a
 * lease). There the outbox itself keeps each resource's order: a claim waits for the resource's
 * older callbacks, whichever node has them (outbox.claim), so a node keeps no order of its own.
 * An order of its own went stale: an older callback another node delivered held this node's
 * newer ones back for good, since this node never saw it due again.
 *
 * A callback whose claim was refused (another node has it, or has an older one of its resource
 * on its way) is left alone until the next look, RECHECK_MS later: the node that has the older
 * one does not know this one waits, so nobody would wake this node for it. Until then the node
 * is not idle.
 *
 * @example
 * const refused = new Refused(clock, () => callbacks.wake());
 * if (!claimed) refused.add(callback.id);
 */
import type { Clock } from '../clock/clock.js';
import type { ClaimRequest, PendingCallback, Store } from '../store/types.js';
import { resourceOf } from './ordering.js';

/** How soon a node looks again at callbacks it could not claim. */
export const RECHECK_MS = 250;

export class Refused {
  private readonly ids = new Set<number>();
  private cancel: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    /** Looks in the outbox again. */
    private readonly look: () => void,
  ) {}

  /** A claim of `id` was refused: it is tried again at the next look. */
  add(id: number): void {
    this.ids.add(id);
    this.cancel ??= this.clock.setTimer(() => {
      this.cancel = undefined;
      this.ids.clear();
      this.look();
    }, RECHECK_MS);
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  /** Callbacks waiting for the next look: the node is not idle while there are any. */
  get size(): number {
    return this.ids.size;
  }

  close(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.ids.clear();
  }
}

/** Who claims, and when: a claim request without what it takes. */
export type Claimer = Omit<ClaimRequest, 'limit' | 'ids'>;

/**
 * Claims up to `room` of `due` in one step, the oldest due of each resource: those the outbox
 * refuses (another node has them, or older ones of their resource) wait for the next look.
 */
export async function claimOnePerResource(
  outbox: Store['outbox'],
  claimer: Claimer,
  due: readonly PendingCallback[],
  room: number,
  refused: Refused,
): Promise<PendingCallback[]> {
  const resources = new Set<string>();
  const wanted = due.filter((callback) => {
    const resource = resourceOf(callback.key) as string;
    if (resources.size >= room || resources.has(resource)) return false;
    resources.add(resource);
    return true;
  });
  if (wanted.length === 0) return [];
  const claimed = await outbox.claim({ ...claimer, limit: wanted.length, ids: wanted.map((callback) => callback.id) });
  const got = new Set(claimed.map((callback) => callback.id));
  for (const callback of wanted) if (!got.has(callback.id)) refused.add(callback.id);
  return claimed;
}
