/**
 * Loops that repeat while a caller waits (hold music, wait documents) take at least a second
 * per turn: with instant media or an empty wait document a turn costs nothing, and the loop
 * would otherwise spin without ever yielding, or hammer the app server.
 */
import { type Clock, sleep } from '../clock/clock.js';

export const MIN_TURN_MS = 1000;

/** Runs `turn` until it returns false or `signal` aborts, each turn lasting at least MIN_TURN_MS. */
export async function paced(clock: Clock, signal: AbortSignal, turn: () => Promise<boolean>): Promise<void> {
  while (!signal.aborted) {
    const began = clock.now();
    if (!(await turn())) return;
    const rest = MIN_TURN_MS - (clock.now() - began);
    if (rest > 0) await sleep(clock, rest, signal).catch(() => undefined);
  }
}
