/**
 * Housekeeping of the callbacks outbox: done callbacks (delivered or given up) are forgotten once
 * older than `keepDoneMs`, at most every `pruneEveryMs`. It is asked at start and after deliveries,
 * not on a timer, so an idle server (and a test's virtual clock) has no housekeeping timer.
 *
 * @example
 * const pruner = new OutboxPruner(store.outbox, clock, 7 * 86_400_000, 3_600_000);
 * const pruning = pruner.due(); // undefined when the last prune was too recent
 */
import type { Clock } from '../clock/clock.js';
import type { Store } from '../store/types.js';

export class OutboxPruner {
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly outbox: Store['outbox'],
    private readonly clock: Clock,
    private readonly keepDoneMs: number,
    private readonly pruneEveryMs: number,
  ) {}

  /** Starts a prune and returns it, unless the last one started less than `pruneEveryMs` ago. */
  due(): Promise<void> | undefined {
    const now = this.clock.now();
    if (now - this.prunedAt < this.pruneEveryMs) return undefined;
    this.prunedAt = now;
    return this.outbox.prune(now - this.keepDoneMs).then(() => undefined);
  }
}
