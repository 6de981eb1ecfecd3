/**
 * An index of accounts kept in the store (kind `setting`, account `system`): the accounts that
 * have schedules, commands and the like, which a process reads at start-up instead of searching
 * every account. Adding an account is safe from several processes at once (a cluster's nodes): the
 * record is created once and the account added in one atomic update (store/conditional.ts), so no
 * process's account replaces another's.
 *
 * @example
 * await indexAccount(store, SCHEDULE_INDEX_SID, accountSid, now);
 * const accounts = await indexedAccounts(store, SCHEDULE_INDEX_SID);
 */
import { type CreatedOnce, updateOrCreate } from './conditional.js';
import type { Store } from './types.js';

export interface AccountIndexRecord extends CreatedOnce {
  readonly accounts: readonly string[];
}

/** Lists `accountSid` in the index `sid` (once). */
export async function indexAccount(store: Store, sid: string, accountSid: string, now: number): Promise<void> {
  await updateOrCreate<AccountIndexRecord>(
    store,
    'setting',
    { sid, accountSid: 'system', createdAt: now, accounts: [] },
    (index) => (index.accounts.includes(accountSid) ? index : { ...index, accounts: [...index.accounts, accountSid] }),
  );
}

/** The accounts of the index `sid`. */
export async function indexedAccounts(store: Store, sid: string): Promise<readonly string[]> {
  return (await store.find<AccountIndexRecord>('setting', sid))?.accounts ?? [];
}
