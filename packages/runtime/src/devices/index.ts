/**
 * Devices bound to a number or email (docs/registration.md) on a runtime: the registration flows,
 * the registration number's in-process SMS app, the device endpoints, the account's REST
 * resources, and the notifiers that wake devices up (open channel, Web Push, SMS, in that order).
 *
 * @example
 * const devices = devicesFeature({ runtime, store, options: { mailer, vapidSubject: 'mailto:ops@example.com' } });
 * const answer = devices.route(req, url, publicUrl) ?? otherRoutes(req);
 * devices.close();
 */
import { MessagingResponse } from '@patchbay/markup';
import { type AccountRecord, callAccount } from '../api/auth.js';
import { storeDirectory } from '../api/device-directory.js';
import { verifyAccessToken } from '../bridge/access-tokens.js';
import type { Runtime } from '../runtime.js';
import type { Store } from '../store/types.js';
import type { Egress } from '../webhooks/egress.js';
import { deviceRoutes } from './device-rest.js';
import type { Mailer, SmtpSettings } from './mailer.js';
import { Wakeup } from './notifier.js';
import { channelNotifier } from './notifiers/channel.js';
import { smsNotifier } from './notifiers/sms.js';
import { webPushNotifier } from './notifiers/web-push.js';
import type { DeviceRecord } from './records.js';
import { Registrations } from './registrations.js';
import { devicesResource } from './rest.js';
import { ringWaker } from './ring-wake.js';
import { DEVICES_ORIGIN } from './settings.js';

export interface DevicesOptions {
  /** Sends email verification links (an SMTP server); without it, email registration answers 91213. */
  readonly mailer?: Mailer | undefined;
  /** The VAPID subject (`mailto:` or `https:`) push services may contact the operator at. @default 'mailto:postmaster@localhost' */
  readonly vapidSubject?: string | undefined;
  /** Where push endpoints may be reached (the runtime's egress rules). @default DEFAULT_EGRESS */
  readonly egress?: Egress | undefined;
}

/** What an operator configures (`patchbay serve` flags, cli/device-flags.ts). */
export interface RegistrationSettings {
  /** The SMTP server verification links go through. @default none: email registration answers 91213 */
  readonly smtp?: SmtpSettings;
  readonly vapidSubject?: string;
  /** How long a registered number's devices ring in the app before the number. @default 15000 */
  readonly appRingMs?: number;
}

export function devicesFeature(parts: {
  readonly runtime: Runtime;
  readonly store: Store;
  readonly options?: DevicesOptions | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
}) {
  const { runtime, store } = parts;
  const options = parts.options ?? {};
  const now = () => runtime.clock.now();
  const sendSms = async (accountSid: string, from: string, to: string, body: string) => {
    const account = await store.find<AccountRecord>('account', accountSid);
    if (account?.status !== 'active') throw new Error(`account ${accountSid} is not active`);
    runtime.messages.send({ account: callAccount(account), from, to, body });
  };
  const registrations = new Registrations({
    store,
    now,
    sendSms,
    mailer: options.mailer,
    tell: (accountSid, identity, record) =>
      void runtime.devices?.tell(accountSid, identity, {
        type: 'notice',
        notice: {
          kind: 'registration',
          registration: record.sid,
          status: record.status,
          ...(record.deviceSid ? { device: record.deviceSid } : {}),
        },
      }),
  });
  const remember = (device: DeviceRecord, change: (current: DeviceRecord) => DeviceRecord) =>
    void store
      .update<DeviceRecord>('device', device.accountSid, device.sid, change)
      .catch((error: unknown) => parts.onError?.(error));
  const channel = channelNotifier(runtime.devices);
  const wakeup = new Wakeup(
    [
      channel,
      webPushNotifier({ store, now, clock: runtime.clock, egress: options.egress, subject: options.vapidSubject }),
      smsNotifier({ store, now, send: sendSms }),
    ],
    (device, via) => remember(device, (current) => ({ ...current, lastWokenAt: now(), lastWokenVia: via })),
    (device) =>
      remember(device, (current) => {
        const { wakeUp: _gone, ...rest } = current;
        return { ...rest, updatedAt: now() };
      }),
  );
  const stopWaking = runtime.devices?.wakeWith(
    ringWaker({
      store,
      wakeup,
      now,
      online: async (device) =>
        channel.reaches(device) ||
        (await runtime.devices?.registeredElsewhere(device.accountSid, device.identity)) === true,
      onError: parts.onError,
    }),
  );
  const unmount = runtime.localApps.mount(DEVICES_ORIGIN, async ({ url, params, accountSid }) => {
    const response = new MessagingResponse();
    if (url.pathname !== '/sms') return response.toString();
    const reply = await registrations.received(
      accountSid,
      String(params.From ?? ''),
      String(params.To ?? ''),
      String(params.Body ?? ''),
    );
    if (reply) response.message(reply);
    return response.toString();
  });
  const { directory } = storeDirectory(store);
  const route = deviceRoutes({
    store,
    registrations,
    now,
    verify: (jwt) => verifyAccessToken(jwt, directory, { now: now(), skewMs: 60_000 }),
  });
  return {
    registrations,
    wakeup,
    /** The device endpoints: an answer, or undefined for a path that is not one. */
    route,
    /** The account's resources (DeviceSettings, Devices). */
    resource: devicesResource(wakeup),
    close() {
      unmount();
      stopWaking?.();
      options.mailer?.close();
    },
  };
}

export type DevicesFeature = ReturnType<typeof devicesFeature>;
export type { Mailer, SmtpSettings } from './mailer.js';
export { smtpMailer } from './mailer.js';
export { numberIdentities } from './ring-number.js';
