/**
 * The device bridge's view of the store: API keys and accounts (to verify access tokens) and
 * applications (where devices' outgoing calls go).
 */
import type { DeviceBridgeOptions } from '../bridge/bridge.js';
import type { Store } from '../store/types.js';
import type { AccountRecord, KeyRecord } from './auth.js';
import type { ApplicationRecord } from './resources/applications.js';

export function storeDirectory(store: Store): Pick<DeviceBridgeOptions, 'directory' | 'application'> {
  return {
    directory: {
      async key(sid) {
        const key = await store.find<KeyRecord>('key', sid);
        return key && { secret: key.secret, accountSid: key.accountSid };
      },
      async account(sid) {
        const account = await store.find<AccountRecord>('account', sid);
        return (
          account && {
            sid: account.sid,
            authToken: account.authToken,
            secondaryAuthToken: account.secondaryAuthToken,
            active: account.status === 'active',
            limits: account.limits,
          }
        );
      },
    },
    async application(accountSid, sid) {
      const app = await store.get<ApplicationRecord>('application', accountSid, sid);
      if (!app?.voiceUrl) return undefined;
      return {
        url: app.voiceUrl,
        method: app.voiceMethod,
        ...(app.voiceFallbackUrl ? { fallbackUrl: app.voiceFallbackUrl, fallbackMethod: app.voiceFallbackMethod } : {}),
        ...(app.statusCallback
          ? { statusCallback: app.statusCallback, statusCallbackMethod: app.statusCallbackMethod }
          : {}),
      };
    },
  };
}
