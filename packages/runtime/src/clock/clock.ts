/**
 * Time, injected everywhere a call waits (Pause, Gather timeouts, ringing, time limits, retry
 * back-off), so tests and the simulated network can run in virtual time.
 *
 * @example
 * await clock.sleep(1000, signal); // rejects with signal.reason when the call is interrupted
 */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` after `ms` milliseconds; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
  /**
   * Marks real I/O in progress (an HTTP request): a virtual clock does not move while any hold
   * is open, so a timeout cannot fire before a slow server answers. Returns the release function.
   */
  hold(): () => void;
}

/** Resolves after `ms` on `clock`; rejects with `signal.reason` if the signal aborts first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  // Nothing to wait for (instant simulated media): no timer, no event-loop turn.
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `work` with the clock held, so virtual time waits for it. */
export async function holding<T>(clock: Clock, work: () => Promise<T>): Promise<T> {
  const release = clock.hold();
  try {
    return await work();
  } finally {
    release();
  }
}

/** Wall-clock time. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    // setTimeout(0) waits at least 1 ms; immediate work should not.
    if (ms <= 0) {
      const immediate = setImmediate(fn);
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
  hold: () => () => {},
};
