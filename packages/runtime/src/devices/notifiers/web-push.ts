/**
 * Web Push (RFC 8030): the message is encrypted for the subscription (RFC 8291, aes128gcm) and
 * signed for the push service (VAPID, RFC 8292) with the account's key pair by the maintained
 * `web-push` library; the POST itself goes through Patchbay's egress rules (http/https only, no
 * link-local or metadata addresses, private ones only under `allow-private`), with timeouts, like
 * every request Patchbay makes. 201/202 is delivered; 404/410 means the subscription is gone (the
 * device record forgets it); anything else is a failure the next notifier gets past.
 *
 * @example
 * const notifier = webPushNotifier({ store, now, clock, egress, subject: 'mailto:ops@example.com' });
 */
import { request } from 'undici';
import webpush from 'web-push';
import { type Clock, holding } from '../../clock/clock.js';
import type { Store } from '../../store/types.js';
import { DEFAULT_EGRESS, type Egress } from '../../webhooks/egress.js';
import type { Notifier } from '../notifier.js';
import { deviceSettings } from '../settings.js';

export interface WebPushSettings {
  readonly store: Store;
  readonly now: () => number;
  readonly clock: Clock;
  /** @default DEFAULT_EGRESS */
  readonly egress?: Egress | undefined;
  /** The VAPID subject push services may contact the operator at (`mailto:` or `https:`). @default 'mailto:postmaster@localhost' */
  readonly subject?: string | undefined;
  /** How long the push service keeps an undelivered message, in seconds. @default 600 */
  readonly ttlS?: number;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

export function webPushNotifier(settings: WebPushSettings): Notifier {
  const egress = settings.egress ?? DEFAULT_EGRESS;
  const timeoutMs = settings.timeoutMs ?? 10_000;
  return {
    kind: 'web-push',
    reaches: (device) => device.wakeUp?.type === 'web-push',
    async wake(device, payload) {
      const subscription = device.wakeUp;
      if (!subscription) return { ok: false, error: 'no push subscription' };
      const url = new URL(subscription.endpoint);
      const refused = egress.refuseUrl(url);
      if (refused) return { ok: false, error: `push endpoint refused: ${refused}` };
      const keys = await deviceSettings(settings.store, device.accountSid, settings.now());
      if (!keys.vapidPublicKey || !keys.vapidPrivateKey) return { ok: false, error: 'the account has no VAPID keys' };
      const details = webpush.generateRequestDetails(
        { endpoint: subscription.endpoint, keys: { ...subscription.keys } },
        JSON.stringify({ device: device.sid, reason: payload.reason, ...(payload.data ? { data: payload.data } : {}) }),
        {
          vapidDetails: {
            subject: settings.subject ?? 'mailto:postmaster@localhost',
            publicKey: keys.vapidPublicKey,
            privateKey: keys.vapidPrivateKey,
          },
          TTL: settings.ttlS ?? 600,
          urgency: 'high',
          contentEncoding: 'aes128gcm',
        },
      );
      const headers = Object.fromEntries(Object.entries(details.headers).map(([name, value]) => [name, String(value)]));
      try {
        const response = await holding(settings.clock, () =>
          request(url, {
            method: 'POST',
            headers,
            body: details.body ?? undefined,
            dispatcher: egress.dispatcher(timeoutMs),
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
          }),
        );
        await response.body.dump();
        if (response.statusCode === 201 || response.statusCode === 202) return { ok: true };
        const gone = response.statusCode === 404 || response.statusCode === 410;
        return { ok: false, error: `the push service answered ${response.statusCode}`, ...(gone ? { gone } : {}) };
      } catch (error) {
        return {
          ok: false,
          error: `the push service could not be reached: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    },
  };
}
