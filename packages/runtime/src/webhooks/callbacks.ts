/**
 * Status callbacks, delivered in the background: the call never waits for them. Each is tried
 * (with sendWebhook's own retry), then again after growing pauses on the clock, and reported as
 * delivered or failed. The callbacks of one resource (call, conference, message: see
 * ordering.ts) go one at a time in the order they were queued: a callback being retried holds
 * back the later ones of its resource, and one given up lets the next go. `drain()` waits for
 * everything queued (tests, shutdown).
 */
import type { WebhookParams } from '@patchbay/sdk';
import { EventEmitter } from 'eventemitter3';
import { type Clock, sleep } from '../clock/clock.js';
import type { PatchbayError } from '../errors.js';
import type { Egress } from './egress.js';
import { sendWebhook } from './fetch.js';
import { resourceOf } from './ordering.js';

export interface Callback {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly params: WebhookParams;
  /**
   * The token that signs it. Without it, the queue signs with the current token of the account
   * in `params.AccountSid` (`tokensFrom`), looked up at delivery, so a rotated token signs what
   * is delivered after the rotation; an account that is gone gets nothing.
   */
  readonly authToken?: string;
  /**
   * Identifies this callback (e.g. `CA...:3` for SequenceNumber 3): a durable queue stores each
   * key once, and the request carries it as `I-Twilio-Idempotency-Token` so apps can drop repeats.
   */
  readonly key?: string;
}

/** Where callbacks go: delivered in the background, never delaying the call. */
export interface Callbacks {
  readonly events: EventEmitter<CallbackEvents>;
  /** Queues a callback; returns at once. */
  send(callback: Callback): void;
  /**
   * Queues a callback and resolves once it is stored (a durable queue: in its outbox, under its
   * key; rejects when the store refused it), for a caller that must know it cannot be lost.
   */
  queue?(callback: Callback): Promise<void>;
  /** Resolves when every callback queued so far has been delivered, given up, or (durably) set aside for later. */
  drain(): Promise<void>;
  /** Where the token of a callback without one comes from (an account's current token; undefined: gone). */
  tokensFrom?(tokenFor: TokenFor): void;
}

/** The auth token that signs an account's callbacks now; undefined when the account is gone. */
export type TokenFor = (accountSid: string) => Promise<string | undefined>;

export const IDEMPOTENCY_HEADER = 'I-Twilio-Idempotency-Token';

export interface CallbackEvents {
  delivered: (callback: Callback, attempts: number) => void;
  failed: (callback: Callback, error: PatchbayError) => void;
  /** Nothing is left to deliver or retry (emitted by DurableCallbacks whenever its outbox empties). */
  idle: () => void;
}

export interface CallbackQueueOptions {
  /** Delivery attempts before giving up. @default 4 */
  readonly attempts?: number;
  /** Pause before the second attempt; doubles each time. @default 1000 */
  readonly backoffMs?: number;
  /** Where callbacks may go. @default DEFAULT_EGRESS */
  readonly egress?: Egress | undefined;
}

export class CallbackQueue implements Callbacks {
  readonly events = new EventEmitter<CallbackEvents>();
  private readonly pending = new Set<Promise<void>>();
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly egress: Egress | undefined;
  private tokenFor: TokenFor | undefined;

  constructor(
    private readonly clock: Clock,
    options: CallbackQueueOptions = {},
  ) {
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 1000;
    this.egress = options.egress;
  }

  /** The last delivery queued for each resource with callbacks under way: the next waits for it. */
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues a callback; returns at once. */
  send(callback: Callback): void {
    const resource = resourceOf(callback.key);
    const before = resource === undefined ? undefined : this.tails.get(resource);
    const next = () => this.deliver(callback);
    const delivery = (before ? before.then(next, next) : next()).finally(() => {
      this.pending.delete(delivery);
      if (resource !== undefined && this.tails.get(resource) === delivery) this.tails.delete(resource);
    });
    if (resource !== undefined) this.tails.set(resource, delivery);
    this.pending.add(delivery);
  }

  tokensFrom(tokenFor: TokenFor): void {
    this.tokenFor = tokenFor;
  }

  /** Resolves when every callback queued so far has been delivered or given up. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async deliver(callback: Callback): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const authToken = callback.authToken ?? (await this.tokenFor?.(String(callback.params.AccountSid ?? '')));
      // The account is gone (or nothing says how to sign): nobody can check the signature.
      if (authToken === undefined) return;
      const headers = callback.key ? { [IDEMPOTENCY_HEADER]: callback.key } : undefined;
      const result = await sendWebhook({
        ...callback,
        authToken,
        clock: this.clock,
        egress: this.egress,
        ...(headers ? { headers } : {}),
      });
      if (result.ok) {
        this.events.emit('delivered', callback, attempt);
        return;
      }
      if (attempt >= this.attempts) {
        this.events.emit('failed', callback, result.error);
        return;
      }
      await sleep(this.clock, this.backoffMs * 2 ** (attempt - 1));
    }
  }
}

/** RFC 2822 date, as callbacks carry it: `Sat, 21 Nov 2026 19:37:51 +0000`. */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}
