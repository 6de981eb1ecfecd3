/**
 * Inbound routing from the store: a call to a number goes to the app of the account that owns
 * the number (its VoiceUrl, fallback and status callback, or those of its VoiceApplicationSid),
 * signed with that account's token.
 * Numbers with no VoiceUrl, or owned by an inactive account, are rejected. Messages are routed
 * the same way, to the SmsUrl.
 */
import type { SimulatedNetwork } from '../adapters/simulated/network.js';
import type { CallRouter } from '../calls/on-net.js';
import { roomDialInUrl, roomSmsUrl } from '../rooms/call/urls.js';
import type { Routed, RoutedMessageApp } from '../runtime.js';
import type { Store } from '../store/types.js';
import { type AccountRecord, callAccount } from './auth.js';
import { RestError } from './http.js';
import type { AppSettingsRecord } from './resources/app-settings.js';
import type { ApplicationRecord } from './resources/applications.js';
import type { NumberRecord } from './resources/numbers.js';

/**
 * The settings a number's calls or messages follow (its own, or its application's), and the
 * active account that holds it; undefined when the number is nobody's or has no such URL.
 */
async function ownerAndSettings(
  store: Store,
  to: string,
  applicationOf: (number: NumberRecord) => string | undefined,
  hasUrl: (settings: AppSettingsRecord, number: NumberRecord) => boolean,
): Promise<{ settings: AppSettingsRecord; account: AccountRecord; number: NumberRecord } | undefined> {
  const number = await store.findOne<NumberRecord>('number', { phoneNumber: to });
  if (!number) return undefined;
  const applicationSid = applicationOf(number);
  const application = applicationSid
    ? await store.get<ApplicationRecord>('application', number.accountSid, applicationSid)
    : undefined;
  const settings = application ?? number;
  if (!hasUrl(settings, number)) return undefined;
  const account = await store.find<AccountRecord>('account', number.accountSid);
  if (account?.status !== 'active') return undefined;
  return { settings, account, number };
}

export function numberRouter(store: Store): (call: { readonly to: string }) => Promise<Routed | undefined> {
  return async ({ to }) => {
    const found = await ownerAndSettings(
      store,
      to,
      (n) => n.voiceApplicationSid,
      (s, n) => Boolean(s.voiceUrl || n.roomSid),
    );
    if (!found) return undefined;
    const { settings, account, number } = found;
    // A room's number (free of URLs by definition) is answered by the rooms app in-process.
    if (!settings.voiceUrl && number.roomSid)
      return { url: roomDialInUrl(number.roomSid), phoneNumberSid: number.sid, account: callAccount(account) };
    return {
      url: settings.voiceUrl as string,
      phoneNumberSid: number.sid,
      method: settings.voiceMethod,
      ...(settings.voiceFallbackUrl
        ? { fallbackUrl: settings.voiceFallbackUrl, fallbackMethod: settings.voiceFallbackMethod }
        : {}),
      ...(settings.statusCallback
        ? { statusCallback: settings.statusCallback, statusCallbackMethod: settings.statusCallbackMethod }
        : {}),
      account: callAccount(account),
    };
  };
}

/**
 * Inbound messages by number: the SmsUrl (with its fallback) of the number, or of its
 * SmsApplicationSid, in the account that holds it.
 */
export function messageRouter(
  store: Store,
): (message: { readonly to: string }) => Promise<RoutedMessageApp | undefined> {
  return async ({ to }) => {
    const found = await ownerAndSettings(
      store,
      to,
      (n) => n.smsApplicationSid,
      (s, n) => Boolean(s.smsUrl || n.roomSid),
    );
    if (!found) return undefined;
    const { settings, account, number } = found;
    // A room's number: the rooms app takes its messages in-process (STOP, START).
    if (!settings.smsUrl && number.roomSid) return { url: roomSmsUrl(number.roomSid), account: callAccount(account) };
    return {
      url: settings.smsUrl as string,
      method: settings.smsMethod,
      ...(settings.smsFallbackUrl
        ? { fallbackUrl: settings.smsFallbackUrl, fallbackMethod: settings.smsFallbackMethod }
        : {}),
      account: callAccount(account),
    };
  };
}

/**
 * `route`, and the far ends an account scripted on the simulated network to run a document
 * (Simulator/Numbers with `Url` or `Twiml`), for calls that account places: they are called
 * on-net, their document running in the calling account as an inbound call would.
 */
export function withSimulatedApps(route: CallRouter, network: SimulatedNetwork | undefined): CallRouter {
  if (!network) return route;
  return async (call) => {
    const hosted = await route(call);
    if (hosted || !call.caller) return hosted;
    const app = (await network.findNumber(call.to, call.caller.sid))?.app;
    if (!app) return undefined;
    if ('twiml' in app) return { url: '', twiml: app.twiml, account: call.caller };
    return { url: app.url, ...(app.method ? { method: app.method } : {}), account: call.caller };
  };
}

/**
 * Which numbers an account may present as a call's caller ID or a message's sender: any but a
 * number another account on this server holds, so one tenant cannot pose as another (to that
 * tenant's own apps through on-net calls, or to anyone). Numbers this server does not host are
 * not the server's to vouch for, and stay allowed, as do `client:` identities.
 */
export function callerIdPolicy(store: Store): (accountSid: string, number: string) => Promise<boolean> {
  return async (accountSid, number) => {
    const held = await store.findOne<NumberRecord>('number', { phoneNumber: number.trim() });
    return !held || held.accountSid === accountSid;
  };
}

/** A REST request's caller ID (`From`, `CallerId`), refused with `code` when `callerIdPolicy` refuses it. */
export async function checkCallerId(
  store: Store,
  accountSid: string,
  parameter: string,
  number: string | undefined,
  code: 21210 | 21606,
): Promise<void> {
  if (number === undefined || (await callerIdPolicy(store)(accountSid, number))) return;
  throw new RestError(400, code, `${parameter}: ${number} is a number of another account, not yours to use`);
}
