/**
 * Waking a device up: a `Notifier` reaches it one way (its open channel, Web Push, SMS); `Wakeup`
 * tries the ways that can reach it in that order, the first to succeed wins, and every failure is
 * kept in the outcome. A device woken connects and fetches what waits for it (its notices,
 * `GET /patchbay/v1/DeviceNotices`; the command channel adds its commands).
 *
 * @example
 * const wakeup = new Wakeup([channelNotifier(bridge), webPushNotifier(...), smsNotifier(...)]);
 * const outcome = await wakeup.wake(device, { reason: 'incoming-call', data: { CallSid } });
 */
import type { DeviceRecord, NotifierKind } from './records.js';

/** What a wake-up says: why (a short word), and a few small values. The push payload is its JSON. */
export interface WakePayload {
  readonly reason: string;
  readonly data?: Readonly<Record<string, string>>;
}

export type WakeOutcome =
  | { readonly ok: true; readonly via: NotifierKind; readonly failures: readonly WakeFailure[] }
  | { readonly ok: false; readonly failures: readonly WakeFailure[] };

export interface WakeFailure {
  readonly via: NotifierKind;
  readonly error: string;
  /** The address is gone for good (a push subscription the service answered 404 or 410 for). */
  readonly gone?: boolean;
}

export type NotifyResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string; readonly gone?: boolean };

/** One way of reaching a device. Implementations run the shared suite (notifier.test-support.ts). */
export interface Notifier {
  readonly kind: NotifierKind;
  /** Whether this way can reach the device at all now (it has the address, or an open session). */
  reaches(device: DeviceRecord): boolean;
  /** Delivers the wake-up; never throws (a failure is a result). */
  wake(device: DeviceRecord, payload: WakePayload): Promise<NotifyResult>;
}

export class Wakeup {
  constructor(
    private readonly notifiers: readonly Notifier[],
    /** Told of each delivered wake-up (the device record remembers when and how). */
    private readonly onWoken?: (device: DeviceRecord, via: NotifierKind) => void,
    /** Told of a push subscription that is gone (the device record forgets it). */
    private readonly onGone?: (device: DeviceRecord, via: NotifierKind) => void,
  ) {}

  /** Whether some way can reach the device now. */
  reaches(device: DeviceRecord): boolean {
    return this.notifiers.some((notifier) => notifier.reaches(device));
  }

  async wake(device: DeviceRecord, payload: WakePayload): Promise<WakeOutcome> {
    const failures: WakeFailure[] = [];
    for (const notifier of this.notifiers) {
      if (!notifier.reaches(device)) continue;
      let result: NotifyResult;
      try {
        result = await notifier.wake(device, payload);
      } catch (error) {
        result = { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      if (result.ok) {
        this.onWoken?.(device, notifier.kind);
        return { ok: true, via: notifier.kind, failures };
      }
      failures.push({ via: notifier.kind, error: result.error, ...(result.gone ? { gone: true } : {}) });
      if (result.gone) this.onGone?.(device, notifier.kind);
    }
    if (failures.length === 0)
      failures.push({ via: 'channel', error: 'no open channel, no push subscription, no number' });
    return { ok: false, failures };
  }
}
