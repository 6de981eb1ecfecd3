/**
 * Per-account limits counted across the cluster, through the bus's counters (each node also
 * keeps its own, as a single node does):
 *
 * - live calls (`concurrentCalls`): a unit taken when a call is admitted (an inbound call's
 *   before it starts, `reserve`, so one past the cap is refused busy without a record), given
 *   back once when it ends; past the cap an API call fails with 10004, as on one node. A dead
 *   node's units are freed by the bus when it is declared down.
 * - REST requests in progress (`apiConcurrency`) and requests a second (`apiRequestsPerSecond`,
 *   counted in one-second windows): past either, 429 with 20429 and `Retry-After`.
 *
 * @example
 * const calls = new ClusterCallCap(bus, store, () => runtime.limits);
 * const api = new ClusterApiLimiter(bus);
 */
import type { AccountRecord } from '../api/auth.js';
import { RestError } from '../api/http.js';
import type { CallRecord } from '../calls/call.js';
import type { Clock } from '../clock/clock.js';
import { PatchbayError } from '../errors.js';
import { type AccountLimits, resolveLimits } from '../limits/account-limits.js';
import type { SharedCallCap } from '../limits/shared-call-cap.js';
import type { Runtime } from '../runtime-types.js';
import type { Store } from '../store/types.js';
import type { Bus } from './bus.js';

const FINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** The cluster-wide cap on an account's live calls. */
export class ClusterCallCap implements SharedCallCap {
  /** Calls holding a unit, by SID (given back once, when the call ends). */
  private readonly holding = new Map<string, string>();
  /** Per account, settled once the latest call admitted has asked the bus for its unit. */
  private readonly asked = new Map<string, Promise<void>>();
  private stop: (() => void) | undefined;
  /** The runtime's limits, for accounts without their own (known once attached). */
  private defaults: AccountLimits | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly store: Store,
  ) {}

  /** Gives units back as the runtime's calls end. */
  attach(runtime: Runtime): void {
    const ended = (call: CallRecord) => {
      if (FINAL.has(call.status)) this.giveBack(call.sid);
    };
    runtime.events.on('call.status', ended);
    this.stop = () => runtime.events.off('call.status', ended);
    this.defaults = runtime.limits;
  }

  /**
   * Takes a unit for an inbound call before it starts (limits/shared-call-cap.ts): the refusal
   * at the account's cap; a bus that cannot be asked leaves it to `admit`.
   */
  async reserve(accountSid: string, cap: number, sid: string): Promise<PatchbayError | undefined> {
    const counter = `calls:${accountSid}`;
    const taken = await this.bus.take(counter, cap).catch(() => undefined);
    if (taken === false) return atCap(accountSid, cap);
    if (taken) this.holding.set(sid, counter);
    return undefined;
  }

  /** Gives back the unit of a call reserved and never started. */
  release(sid: string): void {
    this.giveBack(sid);
  }

  /**
   * Takes a unit for a new call (none when it reserved one); rejects with `concurrency-limit`
   * (10004) at the account's cap. An account's units are asked for in the order its calls were
   * admitted here, as one node counts them: of two legs placed one after the other with one unit
   * left, the first gets it (the account reads run side by side; only the asking waits its turn).
   */
  async admit(call: CallRecord): Promise<void> {
    if (this.holding.has(call.sid)) return;
    const { accountSid } = call;
    const before = this.asked.get(accountSid);
    let asked = () => {};
    const turn = new Promise<void>((resolve) => {
      asked = resolve;
    });
    this.asked.set(accountSid, turn);
    try {
      const [account] = await Promise.all([this.store.find<AccountRecord>('account', accountSid), before]);
      if (!this.defaults) return;
      const cap = resolveLimits(account?.limits, this.defaults).concurrentCalls;
      const counter = `calls:${accountSid}`;
      // Asked now (the bus keeps the order requests are made in): the next call may ask.
      const taking = this.bus.take(counter, cap);
      asked();
      if (!(await taking)) throw atCap(accountSid, cap);
      this.holding.set(call.sid, counter);
    } finally {
      asked();
      if (this.asked.get(accountSid) === turn) this.asked.delete(accountSid);
    }
  }

  /** Gives the unit of call `sid` back, once. */
  private giveBack(sid: string): void {
    const counter = this.holding.get(sid);
    if (counter === undefined) return;
    this.holding.delete(sid);
    void this.bus.give(counter).catch(() => undefined);
  }

  close(): void {
    this.stop?.();
  }
}

/** The cluster-wide REST limits of an account (api/limiter.ts keeps each node's own). */
export class ClusterApiLimiter {
  constructor(
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {}

  /** Takes one of the account's cluster-wide slots; resolves with what frees it, or rejects with the 429. */
  async enter(
    accountSid: string,
    limits: Pick<AccountLimits, 'apiConcurrency' | 'apiRequestsPerSecond'>,
  ): Promise<() => void> {
    const rate = limits.apiRequestsPerSecond;
    if (rate > 0) {
      const second = Math.floor(this.clock.now() / 1000);
      const hits = await this.bus.hit(`rate:${accountSid}:${second}`, 2000);
      if (hits > rate) throw tooMany(`account ${accountSid} made more than ${rate} requests a second, its limit`);
    }
    const counter = `api:${accountSid}`;
    if (!(await this.bus.take(counter, limits.apiConcurrency)))
      throw tooMany(`account ${accountSid} has ${limits.apiConcurrency} requests in progress, its limit`);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      void this.bus.give(counter).catch(() => undefined);
    };
  }
}

function atCap(accountSid: string, cap: number): PatchbayError {
  return new PatchbayError(
    'concurrency-limit',
    `account ${accountSid} has ${cap} live calls across the cluster, as many as its limit`,
  );
}

function tooMany(message: string): RestError {
  return new RestError(429, 20429, `Too Many Requests: ${message} (across the cluster)`, { 'retry-after': '1' });
}
