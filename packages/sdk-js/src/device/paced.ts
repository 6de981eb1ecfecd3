/**
 * A request the server refused for the device's pace (TooManyRequests: more messages than a
 * device may send, docs/devices.md) was not carried out, so it is sent again, under a new id,
 * once the device's budget has had time to refill. Without this a hang-up sent in a burst was
 * dropped while the call stayed up on the server.
 *
 * @example
 * const result = await paced(clock, () => requests.add('hangup', { callSid }, send));
 */
import type { DeviceError } from '../protocol/errors.js';
import type { DeviceClock } from './clock.js';

/** Waits before each new try (the server refills 50 messages a second). */
export const PACED_RETRY_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000];

export async function paced<T>(
  clock: DeviceClock,
  send: () => Promise<T>,
  delays: readonly number[] = PACED_RETRY_DELAYS_MS,
): Promise<T> {
  for (const delay of delays) {
    try {
      return await send();
    } catch (error) {
      if ((error as Partial<DeviceError>).errorName !== 'TooManyRequests') throw error;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, delay));
    }
  }
  return send();
}
