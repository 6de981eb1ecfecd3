/**
 * A request the server refused for the device's pace (TooManyRequests: more messages than a
 * device may send, docs/devices.md) was not carried out, so it is sent again, under a new id,
 * once the device's budget has had time to refill. Without this a hang-up sent in a burst was
 * dropped while the call stayed up on the server.
 *
 * Not every 31429 is a pace: one that counts something (identities or rooms followed, devices
 * carried, ICE restarts a minute) would get the same answer again, so those requests go once.
 *
 * @example
 * const result = await pacedRequest(clock, 'hangup', () => requests.add('hangup', { callSid }, send));
 */
import type { DeviceError } from '../protocol/errors.js';
import type { ClientRequest } from '../protocol/messages.js';
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

/** Requests whose TooManyRequests is a count, not the device's pace: trying again soon would get the same answer. */
const COUNTED: ReadonlySet<ClientRequest['type']> = new Set([
  'subscribe',
  'room-subscribe',
  'commands-attach',
  'renegotiate',
]);

/** Sends a request of `type`: again, after `delays`, while refused for the pace, unless its refusal is a count. */
export function pacedRequest<T>(
  clock: DeviceClock,
  type: ClientRequest['type'],
  send: () => Promise<T>,
  delays: readonly number[] = PACED_RETRY_DELAYS_MS,
): Promise<T> {
  return COUNTED.has(type) ? send() : paced(clock, send, delays);
}
