/**
 * Inbound routing from the store: a call to a number goes to the app of the account that owns
 * the number (its VoiceUrl, fallback and status callback, or those of its VoiceApplicationSid),
 * signed with that account's token.
 * Numbers with no VoiceUrl, or owned by an inactive account, are rejected. Messages are routed
 * the same way, to the SmsUrl.
 */
import type { Routed, RoutedMessageApp } from '../runtime.js';
import type { Store } from '../store/types.js';
import type { AccountRecord } from './auth.js';
import type { ApplicationRecord } from './resources/applications.js';
import type { NumberRecord } from './resources/numbers.js';

export function numberRouter(store: Store): (call: { readonly to: string }) => Promise<Routed | undefined> {
  return async ({ to }) => {
    const number = await store.findOne<NumberRecord>('number', { phoneNumber: to });
    if (!number) return undefined;
    const application = number.voiceApplicationSid
      ? await store.get<ApplicationRecord>('application', number.accountSid, number.voiceApplicationSid)
      : undefined;
    const settings = application ?? number;
    if (!settings.voiceUrl) return undefined;
    const account = await store.find<AccountRecord>('account', number.accountSid);
    if (account?.status !== 'active') return undefined;
    return {
      url: settings.voiceUrl,
      method: settings.voiceMethod,
      ...(settings.voiceFallbackUrl
        ? { fallbackUrl: settings.voiceFallbackUrl, fallbackMethod: settings.voiceFallbackMethod }
        : {}),
      ...(settings.statusCallback
        ? { statusCallback: settings.statusCallback, statusCallbackMethod: settings.statusCallbackMethod }
        : {}),
      account: { sid: account.sid, authToken: account.authToken },
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
    const number = await store.findOne<NumberRecord>('number', { phoneNumber: to });
    if (!number) return undefined;
    const application = number.smsApplicationSid
      ? await store.get<ApplicationRecord>('application', number.accountSid, number.smsApplicationSid)
      : undefined;
    const settings = application ?? number;
    if (!settings.smsUrl) return undefined;
    const account = await store.find<AccountRecord>('account', number.accountSid);
    if (account?.status !== 'active') return undefined;
    return {
      url: settings.smsUrl,
      method: settings.smsMethod,
      ...(settings.smsFallbackUrl
        ? { fallbackUrl: settings.smsFallbackUrl, fallbackMethod: settings.smsFallbackMethod }
        : {}),
      account: { sid: account.sid, authToken: account.authToken },
    };
  };
}
