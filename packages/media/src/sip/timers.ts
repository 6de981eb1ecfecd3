/**
 * Time for the SIP layer. Every retransmission and timeout (RFC 3261 §17 timers A–K) goes through
 * `Timers`, so tests drive them with `VirtualTimers` and assert the exact schedule; the runtime's
 * `Clock` fits this interface too.
 *
 * @example
 * const timers = new VirtualTimers();
 * timers.setTimer(() => fired.push(timers.now()), 500);
 * timers.advance(500); // fired == [500]
 */
export interface Timers {
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** RFC 3261 timer values. */
export interface TimerConfig {
  /** RTT estimate. @default 500 */
  t1Ms: number;
  /** Longest retransmit interval for non-INVITE requests and INVITE responses. @default 4000 */
  t2Ms: number;
  /** How long a message may stay in the network. @default 5000 */
  t4Ms: number;
}

export const DEFAULT_TIMER_CONFIG: TimerConfig = { t1Ms: 500, t2Ms: 4000, t4Ms: 5000 };

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};

/** A clock that only moves when told: `advance(ms)` runs due timers in time order. */
export class VirtualTimers implements Timers {
  private time = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const id = this.seq++;
    this.pending.set(id, { at: this.time + Math.max(0, ms), fn });
    return () => this.pending.delete(id);
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones set meanwhile). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let nextId = -1;
      let next: { at: number; fn: () => void } | undefined;
      for (const [id, t] of this.pending) if (t.at <= end && (!next || t.at < next.at)) [nextId, next] = [id, t];
      if (!next) break;
      this.pending.delete(nextId);
      this.time = next.at;
      next.fn();
    }
    this.time = end;
  }

  get size(): number {
    return this.pending.size;
  }
}
