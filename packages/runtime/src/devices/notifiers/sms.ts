/**
 * SMS, the last resort: a text from the account's registration number to the device's bound
 * number, which the app (its `SmsPort`) reads and answers by connecting. The text says what it is
 * for a person too. The command channel carries its own signed compact form over the same way.
 *
 * @example
 * const notifier = smsNotifier({ store, now, send: (accountSid, from, to, body) => ... });
 */
import type { Store } from '../../store/types.js';
import type { Notifier } from '../notifier.js';
import { deviceSettings } from '../settings.js';

export function smsNotifier(deps: {
  readonly store: Store;
  readonly now: () => number;
  send(accountSid: string, from: string, to: string, body: string): Promise<void>;
}): Notifier {
  return {
    kind: 'sms',
    reaches: (device) => device.binding.type === 'phone',
    async wake(device, payload) {
      if (device.binding.type !== 'phone') return { ok: false, error: 'no number' };
      const settings = await deviceSettings(deps.store, device.accountSid, deps.now());
      if (!settings.registrationNumber)
        return { ok: false, error: 'the account has no registration number to text from' };
      await deps.send(
        device.accountSid,
        settings.registrationNumber,
        device.binding.number,
        `PBWAKE ${device.deviceId} ${payload.reason}: open the app to see what is waiting.`,
      );
      return { ok: true };
    },
  };
}
