/**
 * Waking a registered number's offline devices for a call (docs/registration.md#ringing-a-number):
 * when the app rings a number, every device bound to it whose identity has no session online and
 * that a notifier can reach (Web Push, else SMS) gets a notice `incoming-call` with the call's
 * `CallSid`, `From` and `To`, and a wake-up. Woken, the app connects and registers; the bridge
 * offers it the call while the app ring time lasts (bridge/invitations.ts `join`).
 *
 * @example
 * const stop = bridge.wakeWith(ringWaker({ store, wakeup, now, online }));
 */
import type { RingWaker } from '../bridge/bridge.js';
import type { Store } from '../store/types.js';
import type { Wakeup } from './notifier.js';
import { DEVICE_LIMITS, type DeviceRecord } from './records.js';
import { leaveNotice } from './waiting.js';

export function ringWaker(deps: {
  readonly store: Store;
  readonly wakeup: Wakeup;
  readonly now: () => number;
  /** Whether the device's identity has a session online, here or on another node (it is invited, not woken). */
  online(device: DeviceRecord): boolean | Promise<boolean>;
  readonly onError?: ((error: unknown) => void) | undefined;
}): RingWaker {
  return async (request) => {
    if (request.number === undefined) return undefined;
    const { items } = await deps.store.list<DeviceRecord>('device', {
      accountSid: request.accountSid,
      where: { number: request.number },
      page: 0,
      pageSize: DEVICE_LIMITS.devicesPerBinding,
    });
    const online = await Promise.all(items.map((device) => deps.online(device)));
    const offline = items.filter((device, index) => !online[index] && deps.wakeup.reaches(device));
    if (offline.length === 0) return undefined;
    const payload = {
      reason: 'incoming-call',
      data: { CallSid: request.callSid, From: request.from, To: request.number },
    };
    const wake = async (device: DeviceRecord) => {
      try {
        const stored = await leaveNotice(deps.store, device, payload, deps.now());
        return stored !== undefined && (await deps.wakeup.wake(stored, payload)).ok;
      } catch (error) {
        deps.onError?.(error);
        return false;
      }
    };
    return { start: async () => (await Promise.all(offline.map(wake))).some(Boolean) };
  };
}
