/** The options of DurableCallbacks (durable-callbacks.ts). */
import type { Egress } from './egress.js';

export interface DurableCallbacksOptions {
  /** Delivery attempts before giving up. @default 4 */
  readonly attempts?: number;
  /** Pause before the second attempt; doubles each time. @default 1000 */
  readonly backoffMs?: number;
  /** Deliveries in flight at once. @default 32 */
  readonly concurrency?: number;
  /**
   * Deliveries one account may have in flight at once, so an account whose callback URL is slow
   * or down holds up only its own callbacks. @default a quarter of `concurrency`
   */
  readonly perAccount?: number;
  /** Where callbacks may go. @default DEFAULT_EGRESS */
  readonly egress?: Egress | undefined;
  /**
   * How long a delivered (or given-up) callback stays in the outbox, so the same key is not
   * queued twice; then it is forgotten, and the outbox does not grow with every callback ever
   * sent. A call's callbacks are all queued within its lifetime, far shorter. @default 7 days
   */
  readonly keepDoneMs?: number;
  /** At most how often done callbacks older than `keepDoneMs` are forgotten (at start, then after deliveries). @default 1 hour */
  readonly pruneEveryMs?: number;
  /** Who claims callbacks (the node's name), recorded in the outbox. @default host name and process id */
  readonly owner?: string;
  /**
   * How long a claimed callback is this node's: longer than a delivery can take. 0 for a store
   * only this process uses (SQLite): nobody else claims, and a restart takes its callbacks at
   * once. @default 0
   */
  readonly leaseMs?: number;
  /**
   * Settles once what the node has written so far is in the store (`StoreWrites.written`). A
   * callback is queued before the record it reports on is written (a crash between the two must
   * not lose the callback), so each delivery waits for this first: an app that fetches the call
   * or message on receiving its callback reads that status or a later one, on any node.
   */
  readonly recorded?: () => Promise<void>;
}
