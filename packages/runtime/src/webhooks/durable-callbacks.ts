/**
 * Callbacks that survive a restart: each is written to the store's outbox before its first
 * attempt, under its key (call SID + SequenceNumber and the like), so it is stored once; a pump
 * delivers what is due, marks it done, and schedules retries with back-off. `start()` picks up
 * what a previous process left undelivered.
 *
 * Delivery is at least once: a crash between the app's 2xx and the commit of "done" (a moment)
 * sends that callback again after the restart, with the same `I-Twilio-Idempotency-Token`, so an
 * app can recognise the repeat.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import type { Clock } from '../clock/clock.js';
import type { PendingCallback, Store } from '../store/types.js';
import { type Callback, type CallbackEvents, type Callbacks, IDEMPOTENCY_HEADER } from './callbacks.js';
import type { Egress } from './egress.js';
import { sendWebhook } from './fetch.js';

export interface DurableCallbacksOptions {
  /** Delivery attempts before giving up. @default 4 */
  readonly attempts?: number;
  /** Pause before the second attempt; doubles each time. @default 1000 */
  readonly backoffMs?: number;
  /** Deliveries in flight at once. @default 32 */
  readonly concurrency?: number;
  /** Where callbacks may go. @default DEFAULT_EGRESS */
  readonly egress?: Egress | undefined;
}

export class DurableCallbacks implements Callbacks {
  readonly events = new EventEmitter<CallbackEvents>();
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly egress: Egress | undefined;
  private readonly concurrency: number;
  private readonly inFlight = new Set<number>();
  /** Callbacks stored while every delivery slot was taken: the pump must look in the outbox. */
  private backlog = false;
  /** Whether the outbox may hold callbacks due later (retries, or left by an earlier process). */
  private mayHaveRetries = true;
  private readonly work = new Set<Promise<void>>();
  private pumping: Promise<void> | undefined;
  private again = false;
  private cancelTimer: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** The auth token that signs an account's callbacks now (tokens can be rotated). */
    private readonly tokenFor: (accountSid: string) => Promise<string | undefined>,
    options: DurableCallbacksOptions = {},
  ) {
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 1000;
    this.concurrency = options.concurrency ?? 32;
    this.egress = options.egress;
  }

  /** Delivers what an earlier process left in the outbox. */
  start(): void {
    this.pump();
  }

  send(callback: Callback): void {
    const pending: Omit<PendingCallback, 'id'> = {
      key: callback.key ?? `random:${randomBytes(12).toString('hex')}`,
      accountSid: String(callback.params.AccountSid ?? ''),
      url: callback.url,
      method: callback.method,
      params: callback.params,
      nextAttemptAt: this.clock.now(),
      attempts: 0,
    };
    const stored = this.store.outbox.add(pending).then((id) => {
      if (id === undefined) return; // stored before: this key is delivered or on its way
      // Stored: deliver it straight away when there is room, else the pump finds it.
      if (this.closed || this.inFlight.size >= this.concurrency) {
        this.backlog = true;
        return;
      }
      this.launch({ ...pending, id });
    });
    this.track(stored);
  }

  async drain(): Promise<void> {
    while (this.work.size > 0 || this.pumping) {
      await Promise.all([...this.work, this.pumping]);
    }
  }

  /** Stops scheduling; what is left stays in the outbox for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer?.();
    await this.drain();
  }

  private track(promise: Promise<void>): void {
    const tracked = promise.catch(() => undefined).finally(() => this.work.delete(tracked));
    this.work.add(tracked);
  }

  private pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.round().finally(() => {
      this.pumping = undefined;
      if (this.again) {
        this.again = false;
        this.pump();
      }
    });
  }

  private async round(): Promise<void> {
    const room = this.concurrency - this.inFlight.size;
    if (room <= 0) return;
    const due = (await this.store.outbox.due(this.clock.now(), room + this.inFlight.size)).filter(
      (c) => !this.inFlight.has(c.id),
    );
    for (const callback of due.slice(0, room)) this.launch(callback);
    await this.scheduleNext();
  }

  private launch(callback: PendingCallback): void {
    // A pump that ran between the commit of a new callback and its launch may have started it.
    if (this.inFlight.has(callback.id)) return;
    this.inFlight.add(callback.id);
    this.track(
      this.deliver(callback).finally(() => {
        this.inFlight.delete(callback.id);
        // Look in the outbox only when something may be waiting there.
        if (this.backlog || (this.inFlight.size === 0 && this.mayHaveRetries)) {
          this.backlog = false;
          this.pump();
        } else if (this.inFlight.size === 0 && !this.closed) {
          this.events.emit('idle');
        }
      }),
    );
  }

  /** Wakes up for the next retry that falls due. */
  private async scheduleNext(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const [next] = await this.store.outbox
      .due(Number.MAX_SAFE_INTEGER, 1 + this.inFlight.size)
      .then((all) => all.filter((c) => !this.inFlight.has(c.id)));
    if (!next) this.mayHaveRetries = false;
    if (!next && this.inFlight.size === 0 && !this.closed) this.events.emit('idle');
    if (!next || this.closed) return;
    this.cancelTimer = this.clock.setTimer(() => this.pump(), Math.max(0, next.nextAttemptAt - this.clock.now()));
  }

  private async deliver(callback: PendingCallback): Promise<void> {
    const authToken = await this.tokenFor(callback.accountSid);
    const event = {
      url: callback.url,
      method: callback.method,
      params: callback.params,
      authToken: authToken ?? '',
      key: callback.key,
    };
    if (authToken === undefined) {
      // The account is gone: nobody can check the signature any more.
      await this.store.outbox.done(callback.id);
      return;
    }
    const headers = { [IDEMPOTENCY_HEADER]: callback.key };
    const result = await sendWebhook({ ...event, clock: this.clock, egress: this.egress, headers });
    if (result.ok) {
      await this.store.outbox.done(callback.id);
      this.events.emit('delivered', event, callback.attempts + 1);
    } else if (callback.attempts + 1 >= this.attempts) {
      await this.store.outbox.done(callback.id);
      this.events.emit('failed', event, result.error);
    } else {
      await this.store.outbox.retry(callback.id, this.clock.now() + this.backoffMs * 2 ** callback.attempts);
      this.mayHaveRetries = true;
      this.backlog = true;
    }
  }
}
