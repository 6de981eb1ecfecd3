/**
 * The registration flows (docs/registration.md):
 * - SMS round trip: a device texts `REGISTER <device id> [<wake-up>]` to the account's
 *   registration number; the sender's number comes from the carrier side; the reply is a
 *   signature over {number, device id, wake-up address, nonce, expiry}, which the device posts back
 *   (`completeSigned`) to be bound.
 * - Manual code: the user types the number (`start` with channel `sms`), a six-digit code is
 *   texted from the registration number, the user types it (`completeCode`).
 * - Email link: `start` with channel `email` mails a one-use link; opening it (`verifyLink`)
 *   marks the registration verified and tells the waiting devices over their open channel; the
 *   device then collects its credential (`completeVerified`).
 *
 * @example
 * const flows = new Registrations({ store, now, sendSms, tell, publicUrl });
 * const reply = await flows.received(accountSid, '+15550100', '+15550999', 'REGISTER tab-1');
 */
import { RestError } from '../api/http.js';
import { newSid } from '../sid.js';
import type { Store } from '../store/types.js';
import { bindDevice } from './binding.js';
import { checkChallenge, checkSendRate, checkUsable, spend, unknownRegistration } from './challenges.js';
import type { Mailer } from './mailer.js';
import {
  type Binding,
  bindingWhere,
  DEVICE_LIMITS,
  type DeviceRecord,
  type RegistrationRecord,
  type WakeUpAddress,
} from './records.js';
import { deviceSettings } from './settings.js';
import { digestOf, newCode, newNonce, newSecret, parseSignature, sameDigest, sign, verifyMac } from './signing.js';
import { parseDeviceId, parseWakeUp } from './wake-address.js';

export interface RegistrationDeps {
  readonly store: Store;
  readonly now: () => number;
  /** Texts `body` from `from` (a number of the account) to `to`. */
  sendSms(accountSid: string, from: string, to: string, body: string): Promise<void>;
  /** Sends verification links; absent when the operator configured no SMTP server. */
  readonly mailer?: Mailer | undefined;
  /** Tells the identity's open device sessions that a registration changed. */
  tell(accountSid: string, identity: string, registration: RegistrationRecord): void;
}

/** Who is registering: the access token's account and identity. */
export interface Registrant {
  readonly accountSid: string;
  readonly identity: string;
}

export interface Completed {
  readonly device: DeviceRecord;
  readonly credential: string;
}

const REGISTER = /^\s*REGISTER\s+(\S+)(?:\s+(\S+))?\s*$/i;

export class Registrations {
  constructor(private readonly deps: RegistrationDeps) {}

  /**
   * A text to the registration number: the reply to send back (undefined: send none). A body
   * that is not a registration gets a line saying what the number is for; past the rate of
   * challenges to the number, nothing is sent (a stranger cannot make it text someone without end).
   */
  async received(accountSid: string, from: string, to: string, body: string): Promise<string | undefined> {
    const { store } = this.deps;
    const now = this.deps.now();
    const settings = await deviceSettings(store, accountSid, now);
    if (settings.registrationNumber !== to) return undefined;
    const match = REGISTER.exec(body);
    let deviceId: string;
    let wakeUp: WakeUpAddress | undefined;
    try {
      if (!match) throw new RestError(400, 91202, 'not a registration');
      deviceId = parseDeviceId(match[1]);
      wakeUp = parseWakeUp(match[2]);
    } catch {
      return 'This number registers devices of an app: it reads "REGISTER <device id> [<wake-up address>]".';
    }
    const binding: Binding = { type: 'phone', number: from };
    try {
      await checkSendRate(store, accountSid, bindingWhere(binding), now);
    } catch {
      return undefined;
    }
    const nonce = newNonce();
    const expiresAt = Math.floor((now + DEVICE_LIMITS.ttlMs) / 1000) * 1000;
    await store.put<RegistrationRecord>('device-registration', {
      sid: newSid('DR'),
      accountSid,
      createdAt: now,
      method: 'sms-signature',
      deviceId,
      binding,
      ...bindingWhere(binding),
      ...(wakeUp ? { wakeUp } : {}),
      nonce,
      expiresAt,
      attempts: 0,
      status: 'pending',
      updatedAt: now,
    });
    const signature = sign(settings.signingKey, { accountSid, binding, deviceId, wakeUp, nonce, expiresAt });
    return `Patchbay registration of ${deviceId} for ${from}: ${signature} (valid 10 minutes)`;
  }

  /** The device posts what it sent and the signature it got back: verified, spent, bound. */
  async completeSigned(
    who: Registrant,
    posted: { number: string; deviceId: string; wakeUp: WakeUpAddress | undefined; signature: string },
  ): Promise<Completed> {
    const { store } = this.deps;
    const now = this.deps.now();
    const parsed = parseSignature(posted.signature);
    const invalid = () => new RestError(400, 91203, 'the signature does not verify');
    if (!parsed) throw invalid();
    const record = (
      await store.list<RegistrationRecord>('device-registration', {
        accountSid: who.accountSid,
        where: { nonce: parsed.nonce },
        page: 0,
        pageSize: 1,
      })
    ).items[0];
    if (record?.method !== 'sms-signature') throw invalid();
    const binding: Binding = { type: 'phone', number: posted.number };
    checkChallenge(record, posted.deviceId, binding, now);
    const { signingKey } = await deviceSettings(store, who.accountSid, now);
    const claims = { accountSid: who.accountSid, binding, deviceId: posted.deviceId, wakeUp: posted.wakeUp };
    if (
      parsed.expiresAt !== record.expiresAt ||
      !verifyMac(signingKey, { ...claims, nonce: parsed.nonce, expiresAt: parsed.expiresAt }, parsed.mac)
    )
      throw invalid();
    const spent = await spend(store, record, 'pending', 'completed', now, { identity: who.identity });
    return this.bind(who, spent);
  }

  /** The manual flow's first step (or the email link's): the challenge is sent; its record says where. */
  async start(
    who: Registrant,
    request: { deviceId: string; binding: Binding; wakeUp: WakeUpAddress | undefined; linkBase: string },
  ): Promise<RegistrationRecord> {
    const { store } = this.deps;
    const now = this.deps.now();
    const { binding } = request;
    const settings = await deviceSettings(store, who.accountSid, now);
    if (binding.type === 'phone' && !settings.registrationNumber)
      throw new RestError(409, 91200, 'the account has no registration number to text the code from');
    const mailer = this.deps.mailer;
    if (binding.type === 'email' && !mailer)
      throw new RestError(503, 91213, 'this server has no SMTP server to send verification links with');
    await checkSendRate(store, who.accountSid, bindingWhere(binding), now);
    const secret = binding.type === 'phone' ? newCode() : newSecret();
    const record: RegistrationRecord = {
      sid: newSid('DR'),
      accountSid: who.accountSid,
      createdAt: now,
      method: binding.type === 'phone' ? 'sms-code' : 'email-link',
      deviceId: request.deviceId,
      binding,
      ...bindingWhere(binding),
      ...(request.wakeUp ? { wakeUp: request.wakeUp } : {}),
      identity: who.identity,
      digest: digestOf(settings.signingKey, secret),
      expiresAt: now + DEVICE_LIMITS.ttlMs,
      attempts: 0,
      status: 'pending',
      updatedAt: now,
    };
    await store.put('device-registration', record);
    if (binding.type === 'phone')
      await this.deps.sendSms(
        who.accountSid,
        settings.registrationNumber as string,
        binding.number,
        `Your verification code is ${secret}. It is good for 10 minutes; nobody will ask you for it.`,
      );
    else
      await mailer?.sendLink(
        binding.address,
        `${request.linkBase}/${record.sid}/Verify?Token=${secret}`,
        request.deviceId,
      );
    return record;
  }

  /** The registration of `who`, for its status (or for completing it). */
  async get(who: Registrant, sid: string): Promise<RegistrationRecord> {
    const record = await this.deps.store.get<RegistrationRecord>('device-registration', who.accountSid, sid);
    if (!record || record.identity !== who.identity) throw unknownRegistration();
    return record;
  }

  /** The manual flow's second step: the typed code. Each wrong one counts; the last locks it. */
  async completeCode(who: Registrant, sid: string, posted: { deviceId: string; binding: Binding; code: string }) {
    const { store } = this.deps;
    const now = this.deps.now();
    const record = await this.get(who, sid);
    if (record.method !== 'sms-code') throw unknownRegistration();
    checkChallenge(record, posted.deviceId, posted.binding, now);
    const { signingKey } = await deviceSettings(store, who.accountSid, now);
    if (!sameDigest(signingKey, posted.code.trim(), record.digest ?? '')) {
      const counted = await store.update<RegistrationRecord>('device-registration', who.accountSid, sid, (current) => {
        if (current.status !== 'pending') return current;
        const attempts = current.attempts + 1;
        return {
          ...current,
          attempts,
          status: attempts >= DEVICE_LIMITS.attempts ? 'locked' : 'pending',
          updatedAt: now,
        };
      });
      if (counted?.status === 'locked')
        throw new RestError(429, 91209, `${DEVICE_LIMITS.attempts} wrong codes: start again`);
      if (counted?.status !== 'pending') checkUsable(counted ?? record, now);
      throw new RestError(
        400,
        91208,
        `wrong code (${DEVICE_LIMITS.attempts - (counted?.attempts ?? 0)} attempts left)`,
      );
    }
    return this.bind(who, await spend(store, record, 'pending', 'completed', now));
  }

  /** The registration an email link names, if its token is right and it can still be confirmed (nothing changes). */
  async checkLink(sid: string, token: string): Promise<RegistrationRecord> {
    const { store } = this.deps;
    const now = this.deps.now();
    const record = await store.find<RegistrationRecord>('device-registration', sid);
    const unknown = () => new RestError(404, 91214, 'this verification link is not one this server sent');
    if (record?.method !== 'email-link') throw unknown();
    const { signingKey } = await deviceSettings(store, record.accountSid, now);
    if (!sameDigest(signingKey, token, record.digest ?? '')) throw unknown();
    checkUsable(record, now);
    if (record.status === 'verified') throw new RestError(409, 91204, 'this link was used already');
    return record;
  }

  /** The person confirmed the link: the registration is verified, and its devices are told. */
  async verifyLink(sid: string, token: string): Promise<RegistrationRecord> {
    const record = await this.checkLink(sid, token);
    const verified = await spend(this.deps.store, record, 'pending', 'verified', this.deps.now());
    if (verified.identity) this.deps.tell(verified.accountSid, verified.identity, verified);
    return verified;
  }

  /** A verified email registration's device collects its credential (once). */
  async completeVerified(who: Registrant, sid: string, deviceId: string): Promise<Completed> {
    const now = this.deps.now();
    const record = await this.get(who, sid);
    if (record.method !== 'email-link') throw unknownRegistration();
    if (record.deviceId !== deviceId)
      throw new RestError(400, 91206, `the registration was issued to device "${record.deviceId}", not "${deviceId}"`);
    if (record.status === 'pending') {
      checkUsable(record, now);
      throw new RestError(409, 91216, 'the link in the email has not been opened yet');
    }
    return this.bind(who, await spend(this.deps.store, record, 'verified', 'completed', now));
  }

  private async bind(who: Registrant, record: RegistrationRecord): Promise<Completed> {
    const completed = await bindDevice(
      this.deps.store,
      {
        accountSid: who.accountSid,
        identity: who.identity,
        deviceId: record.deviceId,
        binding: record.binding,
        wakeUp: record.wakeUp,
      },
      this.deps.now(),
    );
    await this.deps.store.update<RegistrationRecord>('device-registration', who.accountSid, record.sid, (current) => ({
      ...current,
      deviceSid: completed.device.sid,
    }));
    this.deps.tell(who.accountSid, who.identity, { ...record, deviceSid: completed.device.sid });
    return completed;
  }
}
