/**
 * Virtual time for tests and the instant simulated network: when nothing else is happening
 * (no hold open, the event loop has turned), time jumps to the next timer and fires it. Calls
 * that ring for 30 s and wait 5 s for digits finish in milliseconds, in a deterministic order.
 *
 * @example
 * const clock = new VirtualClock();
 * const runtime = createRuntime({ media, clock });
 */
import type { Clock } from './clock.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  private holds = 0;
  private scheduled = false;
  private readonly timers: Timer[] = [];

  /** @param start virtual start time, in epoch milliseconds @default 1_767_225_600_000 (2026-01-01) */
  constructor(start = 1_767_225_600_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    this.schedule();
    return () => {
      timer.cancelled = true;
    };
  }

  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.schedule();
    };
  }

  /**
   * Runs `work` with time standing still: requests in flight do not let the clock jump to the
   * next timer (an hourly sweep would otherwise expire an access token mid-request on a busy
   * machine).
   */
  async still<T>(work: () => Promise<T>): Promise<T> {
    const release = this.hold();
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Timers not yet fired (cancelled ones excluded). */
  get pending(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Two turns of the event loop: promise chains settle and I/O callbacks run before time moves.
    setImmediate(() => setImmediate(() => this.tick()));
  }

  private tick(): void {
    this.scheduled = false;
    if (this.holds > 0) return;
    let next: Timer | undefined;
    let index = -1;
    for (let i = 0; i < this.timers.length; i++) {
      const timer = this.timers[i] as Timer;
      if (timer.cancelled) continue;
      if (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq)) {
        next = timer;
        index = i;
      }
    }
    this.timers.splice(0, this.timers.length, ...this.timers.filter((t, i) => i !== index && !t.cancelled));
    if (!next) return;
    this.time = Math.max(this.time, next.at);
    next.fn();
    this.schedule();
  }
}
