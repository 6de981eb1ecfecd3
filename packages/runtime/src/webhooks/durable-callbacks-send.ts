/**
 * One delivery of a callback this node claimed (DurableCallbacks): signed with the account's auth
 * token of now, fenced right before sending (durable-callbacks-fence.ts), sent, and its outcome
 * written to the outbox: done (delivered, given up after the last attempt, or its account gone),
 * due again after a back-off, or left alone (the claim lost, or this node cut off).
 *
 * @example
 * if ((await sendClaimed(context, callback)) === 'finished') forget(callback);
 */
import type { EventEmitter } from 'eventemitter3';
import type { Clock } from '../clock/clock.js';
import type { PendingCallback, Store } from '../store/types.js';
import { type CallbackEvents, IDEMPOTENCY_HEADER } from './callbacks.js';
import { fence } from './durable-callbacks-fence.js';
import type { Egress } from './egress.js';
import { sendWebhook } from './fetch.js';

export interface SendContext {
  readonly outbox: Store['outbox'];
  readonly clock: Clock;
  readonly egress: Egress | undefined;
  readonly events: EventEmitter<CallbackEvents>;
  /** The auth token that signs an account's callbacks now. */
  readonly tokenFor: (accountSid: string) => Promise<string | undefined>;
  /** Whether this node is cut off from the cluster now: it sends nothing. */
  paused(): boolean;
  readonly leaseMs: number;
  readonly attempts: number;
  readonly backoffMs: number;
}

/** `finished`: out of the outbox; `retrying`: due again later; `lost`: not this node's to send now. */
export type SendOutcome = 'finished' | 'retrying' | 'lost';

export async function sendClaimed(context: SendContext, callback: PendingCallback): Promise<SendOutcome> {
  const { outbox, clock, events } = context;
  const authToken = await context.tokenFor(callback.accountSid);
  const { url, method, params, key } = callback;
  const event = { url, method, params, authToken: authToken ?? '', key };
  if (authToken === undefined) {
    // The account is gone: nobody can check the signature any more.
    await outbox.done(callback.id, callback.claim);
    return 'finished';
  }
  // The last moment to find the claim lost (this node taken over) or this node cut off.
  if ((await fence(outbox, callback, context.paused(), clock.now(), context.leaseMs)) !== 'send') return 'lost';
  const headers = { [IDEMPOTENCY_HEADER]: callback.key };
  const result = await sendWebhook({ ...event, clock, egress: context.egress, headers });
  if (result.ok || callback.attempts + 1 >= context.attempts) {
    await outbox.done(callback.id, callback.claim);
    // Given up: it is reported, and the next callback of its resource goes.
    if (result.ok) events.emit('delivered', event, callback.attempts + 1);
    else events.emit('failed', event, result.error);
    return 'finished';
  }
  const next = clock.now() + context.backoffMs * 2 ** callback.attempts;
  await outbox.retry(callback.id, next, callback.claim);
  return 'retrying';
}
