/**
 * Time for devices: injectable so tests move it by hand.
 */

/** Timers, injectable so tests control time. */
export interface DeviceClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): () => void;
}

export const systemClock: DeviceClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
