/**
 * Inbound routing from the store: a call to a number goes to the app of the account that owns
 * the number (its VoiceUrl, fallback and status callback), signed with that account's token.
 * Numbers with no VoiceUrl, or owned by an inactive account, are rejected.
 */
import type { Routed } from '../runtime.js';
import type { Store } from '../store/types.js';
import type { AccountRecord } from './auth.js';
import type { NumberRecord } from './resources/numbers.js';

export function numberRouter(store: Store): (call: { readonly to: string }) => Promise<Routed | undefined> {
  return async ({ to }) => {
    const number = await store.findOne<NumberRecord>('number', { phoneNumber: to });
    if (!number?.voiceUrl) return undefined;
    const account = await store.find<AccountRecord>('account', number.accountSid);
    if (account?.status !== 'active') return undefined;
    return {
      url: number.voiceUrl,
      method: number.voiceMethod,
      ...(number.voiceFallbackUrl
        ? { fallbackUrl: number.voiceFallbackUrl, fallbackMethod: number.voiceFallbackMethod }
        : {}),
      ...(number.statusCallback
        ? { statusCallback: number.statusCallback, statusCallbackMethod: number.statusCallbackMethod }
        : {}),
      account: { sid: account.sid, authToken: account.authToken },
    };
  };
}
