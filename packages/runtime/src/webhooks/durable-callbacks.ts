/**
 * Callbacks that survive a restart: each is written to the store's outbox before its first
 * attempt, under its key (call SID + SequenceNumber and the like), so it is stored once; a pump
 * delivers what is due, marks it done, and schedules retries with back-off. `start()` picks up
 * what a previous process left undelivered.
 *
 * Delivery is at least once: a crash between the app's 2xx and the commit of "done" (a moment)
 * sends that callback again after the restart, with the same `I-Twilio-Idempotency-Token`, so an
 * app can recognise the repeat.
 *
 * The callbacks of one resource (a call, conference or message SID: see ordering.ts) go one at a
 * time in outbox order (the order they were queued, so SequenceNumber order); other resources'
 * go concurrently. One being retried holds back the later ones of its resource, also across a
 * restart (`start()` reads which callbacks are pending, in outbox order); one given up after its
 * last attempt lets the next go.
 *
 * On a store several nodes share (PostgreSQL), each node takes a callback with
 * `outbox.claim` (a lease of `leaseMs`) before delivering it, so each is delivered by one node;
 * one another node has taken is left to that node, and comes due again for anyone if that node
 * dies before marking it done. There the outbox keeps each resource's order (a claim waits for
 * the older ones, on any node), not the node: see durable-callbacks-shared.ts. Right before sending, the node checks that the claim is still its
 * own (durable-callbacks-fence.ts): a node cut off from the cluster (`pause()`) sends nothing,
 * and one whose claims a survivor released sends none of them.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { EventEmitter } from 'eventemitter3';
import type { Clock } from '../clock/clock.js';
import type { PendingCallback, Store } from '../store/types.js';
import { AccountShare } from './account-share.js';
import type { Callback, CallbackEvents, Callbacks } from './callbacks.js';
import type { DurableCallbacksOptions } from './durable-callbacks-options.js';
import { sendClaimed } from './durable-callbacks-send.js';
import { type Claimer, claimOnePerResource, Refused } from './durable-callbacks-shared.js';
import { Turns } from './durable-callbacks-turns.js';
import type { Egress } from './egress.js';
import { resourceOf } from './ordering.js';
import { OutboxPruner } from './outbox-pruner.js';
import { Pump } from './pump.js';

export type { DurableCallbacksOptions } from './durable-callbacks-options.js';

/** Pending callbacks `start()` reads to know their order (ids and keys are kept, not bodies). */
const MAX_PENDING_READ = 1_000_000;

export class DurableCallbacks implements Callbacks {
  readonly events = new EventEmitter<CallbackEvents>();
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly egress: Egress | undefined;
  /** Slots, accounts' shares and each resource's order: which pending callback may go (durable-callbacks-turns.ts). */
  private readonly turns: Turns;
  /** A store several nodes share (a lease): its claims keep each resource's order. */
  private readonly shared: boolean;
  /** On a shared store: callbacks whose claim was refused, left until the next look. */
  private readonly refused: Refused;
  /** Set by `start()`: the pending callbacks an earlier process left, read into `order`. */
  private loaded: Promise<void> | undefined;
  /** Callbacks stored while every delivery slot was taken: the pump must look in the outbox. */
  private backlog = false;
  /** Whether the outbox may hold callbacks due later (retries, or left by an earlier process). */
  private mayHaveRetries = true;
  /** Looks in the outbox for what may go, one round at a time; keeps the deliveries for `drain()`. */
  private readonly pump = new Pump(
    () => this.round(),
    () => this.closed || this.paused,
  );
  private cancelTimer: (() => void) | undefined;
  private readonly pruner: OutboxPruner;
  private closed = false;
  /** Cut off from the cluster: nothing is sent until `resume()`. */
  private paused = false;
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly recorded: (() => Promise<void>) | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** The auth token that signs an account's callbacks now (tokens can be rotated). */
    private readonly tokenFor: (accountSid: string) => Promise<string | undefined>,
    options: DurableCallbacksOptions = {},
  ) {
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 1000;
    const concurrency = options.concurrency ?? 32;
    const share = new AccountShare(options.perAccount ?? Math.max(1, Math.floor(concurrency / 4)));
    this.egress = options.egress;
    this.pruner = new OutboxPruner(
      store.outbox,
      clock,
      options.keepDoneMs ?? 7 * 86_400_000,
      options.pruneEveryMs ?? 3_600_000,
    );
    this.owner = options.owner ?? `${hostname()}:${process.pid}`;
    this.leaseMs = options.leaseMs ?? 0;
    this.recorded = options.recorded;
    this.shared = this.leaseMs > 0;
    this.refused = new Refused(clock, () => this.wake());
    this.turns = new Turns(concurrency, share, this.shared, this.refused);
  }

  /** Delivers what an earlier process left in the outbox (in its order, per resource). */
  start(): void {
    this.loaded ??= this.store.outbox.due(Number.MAX_SAFE_INTEGER, MAX_PENDING_READ).then((pending) => {
      for (const callback of pending)
        this.turns.queued(resourceOf(callback.key) as string, callback.id, callback.accountSid);
    });
    this.pump.track(this.loaded.then(() => this.pump.run()));
    this.prune();
  }

  /** Forgets old done callbacks, when due (outbox-pruner.ts): at start and after deliveries. */
  private prune(): void {
    const pruning = this.closed ? undefined : this.pruner.due();
    if (pruning) this.pump.track(pruning);
  }

  send(callback: Callback): void {
    this.queue(callback).catch(() => undefined);
  }

  /** Stores the callback in the outbox (once per key) and resolves then; delivery follows in the background. */
  queue(callback: Callback): Promise<void> {
    const pending: Omit<PendingCallback, 'id'> = {
      key: callback.key ?? `random:${randomBytes(12).toString('hex')}`,
      accountSid: String(callback.params.AccountSid ?? ''),
      url: callback.url,
      method: callback.method,
      params: callback.params,
      nextAttemptAt: this.clock.now(),
      attempts: 0,
    };
    const added = this.store.outbox.add(pending);
    const stored = added.then(async (id) => {
      if (id === undefined) return; // stored before: this key is delivered or on its way
      await this.loaded;
      const resource = resourceOf(pending.key) as string;
      this.turns.queued(resource, id, pending.accountSid);
      // Stored: deliver it straight away when it may go and there is room, else the pump finds it.
      const room = this.turns.hasRoom(pending.accountSid);
      if (this.closed || this.paused || !room || !this.turns.mayGo(resource, id)) {
        this.backlog = true;
        return;
      }
      this.launch({ ...pending, id });
    });
    this.pump.track(stored);
    return added.then(() => undefined);
  }

  drain(): Promise<void> {
    return this.pump.drain();
  }

  /** Looks in the outbox again: another node (a cluster's dead one, taken over) queued callbacks there. */
  wake(): void {
    if (this.closed) return;
    this.mayHaveRetries = true;
    this.pump.run();
  }

  /**
   * This node is cut off from the cluster (partitioned): it sends nothing (a survivor may be
   * about to take its callbacks over); those it had planned go back to the outbox for any node.
   */
  pause(): void {
    this.paused = true;
  }

  /** Back in the cluster: delivers again, from the outbox. */
  resume(): void {
    this.paused = false;
    this.wake();
  }

  /** Stops scheduling; what is left stays in the outbox for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer?.();
    this.refused.close();
    await this.drain();
  }

  /**
   * Pending callbacks that may go now or later, oldest due first: the outbox's, less those held
   * back behind an older one of their resource (enough are read to see past those).
   */
  private async heads(until: number, wanted: number): Promise<PendingCallback[]> {
    const pending = await this.store.outbox.due(until, this.turns.toRead(wanted));
    return pending.filter((callback) => this.turns.eligible(callback));
  }

  private async round(): Promise<void> {
    const room = this.turns.room;
    if (room <= 0) return;
    const due = await this.heads(this.clock.now(), room);
    let launched = 0;
    if (this.shared) {
      // Claimed at once, in one step: those the claim refused wait for the next look.
      const claimed = this.closed
        ? []
        : await claimOnePerResource(this.store.outbox, this.claimer(), due, room, this.refused);
      for (const callback of claimed) {
        if (this.launch(callback, true)) continue;
        // Its account took its share meanwhile: back to the outbox, due at once.
        await this.store.outbox.hold?.(callback.id, callback.claim ?? 0, this.clock.now());
      }
    } else {
      // launch() refuses a callback whose account has taken its share meanwhile (earlier in this loop).
      for (const callback of due) if (launched < room && this.launch(callback)) launched++;
    }
    await this.scheduleNext();
  }

  /**
   * Starts delivering `callback` (`claimed`: already claimed for this node); false when it may
   * not go now (its account has its share in flight, or its resource one).
   */
  private launch(callback: PendingCallback, claimed = false): boolean {
    const resource = resourceOf(callback.key) as string;
    // A pump that ran between the commit of a new callback and its launch may have started it.
    const turn = this.turns.take(callback, resource);
    if (turn === 'held') this.backlog = true;
    if (turn !== 'taken') return false;
    this.pump.track(
      this.deliver(callback, claimed).finally(() => {
        this.turns.release(callback, resource);
        this.prune();
        // The next callback of this resource (or account) may go now (or, behind a retry, when it is due).
        if (this.turns.behind(resource, callback.accountSid)) this.backlog = true;
        // Look in the outbox only when something may be waiting there.
        if (this.backlog || (this.turns.inFlight === 0 && this.mayHaveRetries)) {
          this.backlog = false;
          this.pump.run();
        } else if (this.turns.inFlight === 0 && !this.closed && this.refused.size === 0) {
          this.events.emit('idle');
        }
      }),
    );
    return true;
  }

  private claimer(): Claimer {
    return { now: this.clock.now(), owner: this.owner, leaseMs: this.leaseMs };
  }

  /** Wakes up for the next retry that falls due. */
  private async scheduleNext(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const [next] = await this.heads(Number.MAX_SAFE_INTEGER, 1);
    // Callbacks whose claim was refused are looked at again shortly: not idle until then.
    const waiting = this.refused.size > 0;
    if (!next && !waiting) this.mayHaveRetries = false;
    if (!next && !waiting && this.turns.inFlight === 0 && !this.closed) this.events.emit('idle');
    if (!next || this.closed) return;
    this.cancelTimer = this.clock.setTimer(() => this.pump.run(), Math.max(0, next.nextAttemptAt - this.clock.now()));
  }

  private async deliver(planned: PendingCallback, claimed: boolean): Promise<void> {
    // Taken for this node first: on a shared store another node may have it, or have delivered it.
    const [callback] = claimed
      ? [planned]
      : await this.store.outbox.claim({ ...this.claimer(), limit: 1, ids: [planned.id] });
    if (!callback) {
      if (this.shared) this.refused.add(planned.id);
      return this.turns.forget(planned);
    }
    await this.recorded?.().catch(() => undefined);
    const { store, clock, egress, events, tokenFor, leaseMs, attempts, backoffMs } = this;
    const context = { outbox: store.outbox, clock, egress, events, tokenFor, leaseMs, attempts, backoffMs };
    const outcome = await sendClaimed({ ...context, paused: () => this.paused }, callback);
    if (outcome === 'retrying') this.backlog = true;
    if (outcome !== 'finished') this.mayHaveRetries = true;
    if (outcome !== 'retrying') this.turns.forget(callback);
  }
}
