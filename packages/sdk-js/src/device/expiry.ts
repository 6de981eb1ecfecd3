/**
 * When to warn that a token expires: `refreshMs` before its `exp`, on the device's clock. Timers
 * hold at most 2^31-1 ms (24.8 days), so a longer wait is taken in steps.
 *
 * @example
 * const cancel = warnBeforeExpiry(clock, token, 10_000, () => device.emit('tokenWillExpire', device));
 */
import { readTokenClaims } from '../tokens/jwt.js';
import type { DeviceClock } from './connection.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `warn` `refreshMs` before the token expires (at once if that is past); returns the cancel. */
export function warnBeforeExpiry(clock: DeviceClock, token: string, refreshMs: number, warn: () => void): () => void {
  const expiresAt = readTokenClaims(token)?.expiresAt;
  if (expiresAt === undefined) return () => undefined;
  let cancel: () => void = () => undefined;
  const schedule = () => {
    const wait = Math.max(0, expiresAt - refreshMs - clock.now());
    cancel = wait > MAX_TIMER_MS ? clock.setTimeout(schedule, MAX_TIMER_MS) : clock.setTimeout(warn, wait);
  };
  schedule();
  return () => cancel();
}
