/**
 * Whose turn it is among a node's pending callbacks (DurableCallbacks): at most `concurrency`
 * deliveries in flight, each account within its share (account-share.ts), one delivery per
 * resource at a time, and each resource's callbacks in order: an order kept here on a store this
 * process alone uses (ordering.ts), the outbox's claims on a shared one (a refused claim waits
 * for the next look: durable-callbacks-shared.ts). Bookkeeping only: the caller reads, claims
 * and delivers.
 *
 * @example
 * const turns = new Turns(32, new AccountShare(8), false, refused);
 * turns.queued(resourceOf(callback.key), id, callback.accountSid);
 * if (turns.take(callback, resource) === 'taken') deliver(callback).finally(() => turns.release(callback, resource));
 */
import type { PendingCallback } from '../store/types.js';
import type { AccountShare } from './account-share.js';
import type { Refused } from './durable-callbacks-shared.js';
import { ResourceOrder, resourceOf } from './ordering.js';

export class Turns {
  /** Callbacks being delivered, by outbox id. */
  private readonly delivering = new Set<number>();
  /** Resources with a delivery in flight. */
  private readonly busy = new Set<string>();
  /**
   * Pending callbacks per resource, oldest first: only the oldest of each may be delivered. Kept
   * only on a store this process alone uses; on a shared one the outbox keeps the order.
   */
  private readonly order = new ResourceOrder();

  constructor(
    private readonly concurrency: number,
    private readonly share: AccountShare,
    /** A store several nodes share (a lease): its claims keep each resource's order. */
    private readonly shared: boolean,
    /** On a shared store: callbacks whose claim was refused, left until the next look. */
    private readonly refused: Refused,
  ) {}

  /** Deliveries in flight. */
  get inFlight(): number {
    return this.delivering.size;
  }

  /** Delivery slots free now. */
  get room(): number {
    return this.concurrency - this.delivering.size;
  }

  /** Whether a callback of `accountSid` would find a slot now. */
  hasRoom(accountSid: string): boolean {
    return this.delivering.size < this.concurrency && !this.share.full(accountSid);
  }

  /** A callback is in the outbox (stored now, or left by an earlier process): it takes its place. */
  queued(resource: string, id: number, accountSid: string): void {
    if (!this.shared) this.order.add(resource, id);
    this.share.queued(accountSid);
  }

  /**
   * Whether a pending callback may be delivered now: the oldest of its resource (on a shared
   * store, the claim decides), none of its resource in flight here.
   */
  mayGo(resource: string, id: number): boolean {
    const next = this.shared ? !this.refused.has(id) : this.order.isHead(resource, id);
    return next && !this.busy.has(resource) && !this.delivering.has(id);
  }

  /** How many due callbacks to read for `wanted` that may go: enough to see past those held back. */
  toRead(wanted: number): number {
    return wanted + this.delivering.size + this.order.heldBack + this.share.held + this.refused.size;
  }

  /** Whether a due callback may go now or later (not held back behind an older one of its resource). */
  eligible(callback: PendingCallback): boolean {
    if (this.share.full(callback.accountSid)) return false;
    const resource = resourceOf(callback.key) as string;
    if (this.shared || this.order.has(resource, callback.id)) return this.mayGo(resource, callback.id);
    // An earlier process's, when start() did not read the outbox: in outbox order only as due.
    return !this.delivering.has(callback.id) && !this.busy.has(resource);
  }

  /**
   * Takes a slot for delivering `callback`: `delivering` when it is on its way already (a pump
   * that ran between its commit and its launch started it), `held` when its account has its
   * share in flight or its resource one.
   */
  take(callback: PendingCallback, resource: string): 'taken' | 'delivering' | 'held' {
    if (this.delivering.has(callback.id)) return 'delivering';
    if (this.share.full(callback.accountSid) || this.busy.has(resource)) return 'held';
    this.delivering.add(callback.id);
    this.busy.add(resource);
    this.share.started(callback.accountSid);
    return 'taken';
  }

  /** Its delivery is over (delivered, retrying or given up): the slot is free. */
  release(callback: PendingCallback, resource: string): void {
    this.delivering.delete(callback.id);
    this.busy.delete(resource);
    this.share.ended(callback.accountSid);
  }

  /** Whether the next callback of this resource (or account) may be waiting. */
  behind(resource: string, accountSid: string): boolean {
    return this.order.pending(resource) || this.share.waiting(accountSid);
  }

  /** Out of its resource's order here: delivered, or another node's to deliver. */
  forget(callback: PendingCallback): void {
    this.order.remove(resourceOf(callback.key) as string, callback.id);
    this.share.finished(callback.accountSid);
  }
}
