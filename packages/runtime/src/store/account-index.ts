/**
 * An index of accounts kept in the store (kind `setting`, account `system`): the accounts that
 * have schedules, commands and the like, which a process reads at start-up instead of searching
 * every account. Adding an account is safe from several processes at once (a cluster's nodes): the
 * record is created only if it is absent (a put with `unlessStatusIn`, in the same statement as
 * the write), then the account is added in one atomic update, so no process's account replaces
 * another's.
 *
 * @example
 * await indexAccount(store, SCHEDULE_INDEX_SID, accountSid, now);
 * const accounts = await indexedAccounts(store, SCHEDULE_INDEX_SID);
 */
import type { Store, StoredRecord } from './types.js';

export interface AccountIndexRecord extends StoredRecord {
  readonly accounts: readonly string[];
  /** `created` on records made since it exists: what lets a put create the record only once. */
  readonly status?: 'created';
}

/** Lists `accountSid` in the index `sid` (once). */
export async function indexAccount(store: Store, sid: string, accountSid: string, now: number): Promise<void> {
  const add = (index: AccountIndexRecord) =>
    index.accounts.includes(accountSid) ? index : { ...index, accounts: [...index.accounts, accountSid] };
  if (await store.update<AccountIndexRecord>('setting', 'system', sid, add)) return;
  await store.put<AccountIndexRecord>(
    'setting',
    { sid, accountSid: 'system', createdAt: now, accounts: [], status: 'created' },
    { unlessStatusIn: ['created'] },
  );
  await store.update<AccountIndexRecord>('setting', 'system', sid, add);
}

/** The accounts of the index `sid`. */
export async function indexedAccounts(store: Store, sid: string): Promise<readonly string[]> {
  return (await store.find<AccountIndexRecord>('setting', sid))?.accounts ?? [];
}
