/**
 * Proving which phone number (or email address) a device has, so the app's users can be reached
 * by it (docs/registration.md):
 * - `bySms(sms, registrationNumber)`: the device texts its id and wake-up address to the account's
 *   registration number; Patchbay texts back a signature for the number it read on the carrier
 *   side; the device posts it back over HTTPS. The user types nothing.
 * - `requestCode(phoneNumber)` then `pending.submit(code)`: the manual fallback.
 * - `byEmail(address)` then `pending.verified({ device })`: a one-use link by email; the device is
 *   told over its open channel when the link is opened (or polls).
 * Each resolves with the device's credential (`<device SID>:<secret>`), which the app keeps.
 *
 * @example
 * const registration = new Registration({ server, token, deviceId: 'tab-1', wakeUp: subscription.toJSON() });
 * const device = await registration.bySms(sms, '+15550100999');
 */
import type { Device } from '../device/device.js';
import { RestError } from '../rest/http.js';
import type { SmsPort } from './sms-port.js';

/** A push subscription as browsers give it (`PushSubscription.toJSON()`). */
export interface PushSubscriptionLike {
  readonly endpoint: string;
  readonly keys: { readonly p256dh: string; readonly auth: string };
}

export interface RegistrationOptions {
  /** The Patchbay server, `https://patchbay.example.com`. */
  readonly server: string;
  /** The device's access token (the one it registers on the bridge with), or a function that gets a fresh one. */
  readonly token: string | (() => string | Promise<string>);
  /** The app's id of this installation (1 to 64 characters of letters, digits and `._:-`). */
  readonly deviceId: string;
  /** Where the device can be woken up besides its open channel and SMS. */
  readonly wakeUp?: PushSubscriptionLike | undefined;
  /** How long to wait for the SMS answer. @default 60000 */
  readonly replyTimeoutMs?: number;
  /** How often `verified()` asks when it has no device channel to be told on. @default 5000 */
  readonly pollMs?: number;
  readonly fetch?: typeof fetch;
}

/** A registered device: its record, and its credential (shown once: keep it). */
export interface RegisteredDevice {
  readonly sid: string;
  readonly deviceId: string;
  readonly identity: string;
  readonly phoneNumber: string | null;
  readonly email: string | null;
  readonly credential: string;
}

export interface PendingCode {
  readonly sid: string;
  readonly expiresAt: Date;
  /** Completes the registration with the code the user typed (RestError 91208 wrong, 91209 locked, 91205 expired). */
  submit(code: string): Promise<RegisteredDevice>;
}

export interface PendingEmail {
  readonly sid: string;
  readonly expiresAt: Date;
  /** Resolves once the link was opened and the credential collected: told by `device`'s channel, else by polling. */
  verified(options?: { device?: Device; signal?: AbortSignal }): Promise<RegisteredDevice>;
}

const REPLY = /registration of (\S+) for (\+[0-9]{7,15}): (v1\.[A-Za-z0-9_.-]+)/;

const compact = (wakeUp: PushSubscriptionLike | undefined): string =>
  wakeUp ? `wp:${base64url(JSON.stringify({ endpoint: wakeUp.endpoint, keys: wakeUp.keys }))}` : '-';

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export class Registration {
  private readonly server: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: RegistrationOptions) {
    this.server = options.server.replace(/\/$/, '');
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** The SMS round trip: nothing for the user to type. */
  async bySms(sms: SmsPort, registrationNumber: string): Promise<RegisteredDevice> {
    const { deviceId } = this.options;
    const signal = AbortSignal.timeout(this.options.replyTimeoutMs ?? 60_000);
    const reply = sms.next(
      (text) => text.from === registrationNumber && REPLY.exec(text.body)?.[1] === deviceId,
      signal,
    );
    await sms.send(registrationNumber, `REGISTER ${deviceId} ${compact(this.options.wakeUp)}`);
    const match = REPLY.exec((await reply).body) as RegExpExecArray;
    return this.device(
      await this.post('DeviceRegistrations/Signed', {
        PhoneNumber: match[2] as string,
        DeviceId: deviceId,
        WakeUp: compact(this.options.wakeUp),
        Signature: match[3] as string,
      }),
    );
  }

  /** The manual flow: a code is texted to `phoneNumber` from the account's registration number. */
  async requestCode(phoneNumber: string): Promise<PendingCode> {
    const started = await this.start({ PhoneNumber: phoneNumber });
    return {
      ...started,
      submit: async (code) =>
        this.device(
          await this.post(`DeviceRegistrations/${started.sid}/Code`, {
            Code: code,
            DeviceId: this.options.deviceId,
            PhoneNumber: phoneNumber,
          }),
        ),
    };
  }

  /** The email flow: a one-use link goes to `address`. */
  async byEmail(address: string): Promise<PendingEmail> {
    const started = await this.start({ Email: address });
    const complete = async () =>
      this.device(await this.post(`DeviceRegistrations/${started.sid}/Complete`, { DeviceId: this.options.deviceId }));
    return {
      ...started,
      verified: async ({ device, signal } = {}) => {
        await this.untilVerified(started.sid, device, signal);
        return complete();
      },
    };
  }

  private async untilVerified(sid: string, device: Device | undefined, signal: AbortSignal | undefined): Promise<void> {
    const told = new Promise<void>((resolve) => {
      const listener = (notice: { kind: string; registration?: string; status?: string }) => {
        if (notice.kind !== 'registration' || notice.registration !== sid || notice.status !== 'verified') return;
        device?.off('notice', listener);
        resolve();
      };
      device?.on('notice', listener);
      signal?.addEventListener('abort', () => device?.off('notice', listener), { once: true });
    });
    for (;;) {
      signal?.throwIfAborted();
      const status = String((await this.request('GET', `DeviceRegistrations/${sid}`)).status);
      if (status !== 'pending') return;
      const wait = new Promise<void>((resolve) => setTimeout(resolve, this.options.pollMs ?? 5000));
      await Promise.race([told, wait]);
    }
  }

  private async start(form: Record<string, string>): Promise<{ sid: string; expiresAt: Date }> {
    const body = await this.post('DeviceRegistrations', {
      ...form,
      DeviceId: this.options.deviceId,
      WakeUp: compact(this.options.wakeUp),
    });
    return { sid: String(body.sid), expiresAt: new Date(String(body.date_expires)) };
  }

  private device(body: Record<string, unknown>): RegisteredDevice {
    return {
      sid: String(body.sid),
      deviceId: String(body.device_id),
      identity: String(body.identity),
      phoneNumber: (body.phone_number as string | null) ?? null,
      email: (body.email as string | null) ?? null,
      credential: String(body.credential),
    };
  }

  private post(path: string, form: Record<string, string>): Promise<Record<string, unknown>> {
    return this.request('POST', path, form);
  }

  private async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
    const token = typeof this.options.token === 'string' ? this.options.token : await this.options.token();
    const response = await this.fetch(`${this.server}/patchbay/v1/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const text = await response.text();
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (!response.ok)
      throw new RestError(
        response.status,
        Number(body.code ?? 0),
        String(body.message ?? response.statusText),
        body.more_info as string | undefined,
      );
    return body;
  }
}

/** What waits for a registered device (`GET /patchbay/v1/DeviceNotices`): the notices after `after`. */
export async function fetchNotices(
  server: string,
  credential: string,
  after = 0,
  fetcher: typeof fetch = globalThis.fetch.bind(globalThis),
): Promise<{ seq: number; reason: string; data?: Record<string, string>; at: number }[]> {
  const response = await fetcher(`${server.replace(/\/$/, '')}/patchbay/v1/DeviceNotices?After=${after}`, {
    headers: { authorization: `Basic ${btoa(credential)}` },
  });
  const body = (await response.json()) as { notices?: []; code?: number; message?: string };
  if (!response.ok) throw new RestError(response.status, Number(body.code ?? 0), String(body.message ?? ''));
  return body.notices ?? [];
}
