/**
 * Whether a node may send a callback it claimed, decided right before sending. On a store several
 * nodes share, the claim is checked and the lease extended in one step (`outbox.hold`): a node
 * whose claim a survivor released (it was taken over while cut off from the cluster) finds it
 * lost and sends nothing; so does a node that knows it is cut off, which gives the callback back
 * to the outbox at once for the other nodes. The one repeat left is a send already on the wire
 * when the release happened, as after a crash (same `I-Twilio-Idempotency-Token`).
 *
 * @example
 * if ((await fence(store.outbox, callback, paused, clock.now(), leaseMs)) !== 'send') return;
 */
import type { PendingCallback, Store } from '../store/types.js';

export type Verdict = 'send' | 'lost' | 'paused';

export async function fence(
  outbox: Store['outbox'],
  callback: PendingCallback,
  paused: boolean,
  now: number,
  leaseMs: number,
): Promise<Verdict> {
  // A store one process uses (SQLite) has no claims to lose.
  if (callback.claim === undefined || !outbox.hold) return paused ? 'paused' : 'send';
  if (paused) {
    await outbox.hold(callback.id, callback.claim, now);
    return 'paused';
  }
  return (await outbox.hold(callback.id, callback.claim, now + leaseMs)) ? 'send' : 'lost';
}
