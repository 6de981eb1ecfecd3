/**
 * Wall-clock time that a test can move forward: everything runs in real time (the page, the
 * device channel, prompts), and `skip(ms)` jumps ahead, firing the timers that came due in the
 * order they were due. A phone that never answers is `no-answer` once the room's 30-second ring
 * is skipped, rather than after 30 real seconds; a call scheduled for 9:00 starts when the test
 * skips to it.
 *
 * @example
 * const clock = new SkipClock();
 * await startServer({ clock, ... });
 * clock.skip(30_000); // the rings that were due run out now
 */
import type { Clock } from '@patchbay/runtime';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancel: () => void;
}

export class SkipClock implements Clock {
  #offset = 0;
  #seq = 0;
  readonly #timers = new Set<Timer>();

  now(): number {
    return Date.now() + this.#offset;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer: Timer = { at: this.now() + Math.max(0, ms), seq: this.#seq++, fn, cancel: () => undefined };
    this.#timers.add(timer);
    this.#arm(timer);
    return () => {
      timer.cancel();
      this.#timers.delete(timer);
    };
  }

  /** Real I/O never waits on this clock: time only jumps when asked. */
  hold(): () => void {
    return () => undefined;
  }

  /** How far ahead of the wall clock this clock is. */
  get ahead(): number {
    return this.#offset;
  }

  /** Moves time `ms` ahead: every timer due by then fires, earliest first (ties in the order set). */
  skip(ms: number): void {
    this.#offset += ms;
    const due = [...this.#timers]
      .filter((timer) => timer.at <= this.now())
      .sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const timer of due) this.#fire(timer);
    // The rest are due sooner on the wall clock now.
    for (const timer of this.#timers) this.#arm(timer);
  }

  #arm(timer: Timer): void {
    timer.cancel();
    const wait = timer.at - this.now();
    if (wait <= 0) {
      const immediate = setImmediate(() => this.#fire(timer));
      timer.cancel = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(() => this.#fire(timer), wait);
      timer.cancel = () => clearTimeout(timeout);
    }
  }

  #fire(timer: Timer): void {
    if (!this.#timers.delete(timer)) return;
    timer.cancel();
    timer.fn();
  }
}
