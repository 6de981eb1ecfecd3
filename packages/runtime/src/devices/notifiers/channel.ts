/**
 * The open channel: a device with a session on the bridge (its identity's) is told at once with
 * a `notice` message, sequenced and acknowledged like every other.
 *
 * @example
 * const notifier = channelNotifier(runtime.devices);
 */
import type { DeviceBridge } from '../../bridge/bridge.js';
import type { Notifier } from '../notifier.js';

export function channelNotifier(bridge: Pick<DeviceBridge, 'tell' | 'presenceOf'> | undefined): Notifier {
  return {
    kind: 'channel',
    reaches: (device) =>
      bridge?.presenceOf(device.accountSid, device.identity).some((p) => p.status === 'online') === true,
    async wake(device, payload) {
      const told = bridge?.tell(device.accountSid, device.identity, {
        type: 'notice',
        notice: {
          kind: 'wake',
          device: device.sid,
          reason: payload.reason,
          ...(payload.data ? { data: { ...payload.data } } : {}),
        },
      });
      return told ? { ok: true } : { ok: false, error: 'no open session' };
    },
  };
}
