/**
 * Per-account caps on what an account stores (numbers, applications, keys: the `numbers`,
 * `applications` and `keys` limits), checked before a new one is created, so one account cannot
 * fill the server's store. The count is read as "is there an N-th one", a single indexed row.
 */
import type { AccountLimits } from '../../limits/account-limits.js';
import { resolveLimits } from '../../limits/account-limits.js';
import type { FilterValue, RecordKind, Store } from '../../store/types.js';
import { RestError } from '../http.js';
import type { ResourceContext } from './context.js';

const CAPPED = {
  number: { limit: 'numbers', what: 'phone numbers', code: 59200 },
  application: { limit: 'applications', what: 'applications', code: 59200 },
  key: { limit: 'keys', what: 'API keys', code: 70151 },
} as const satisfies Partial<Record<RecordKind, { limit: keyof AccountLimits; what: string; code: 59200 | 70151 }>>;

/** Refuses (400, 59200 or 70151) a new record of `kind` when the account has as many as its limit allows. */
export async function checkCount(context: ResourceContext, kind: keyof typeof CAPPED): Promise<void> {
  const { limit, what, code } = CAPPED[kind];
  const cap = resolveLimits(context.account.limits, context.runtime.limits)[limit];
  if (await atCap(context.store, kind, context.account.sid, cap))
    throw new RestError(400, code, `the account has ${cap} ${what}, as many as its limit allows: delete some first`);
}

/** Whether the account has `cap` records of `kind` (matching `where`) already. */
export async function atCap(
  store: Store,
  kind: RecordKind,
  accountSid: string,
  cap: number,
  where: Readonly<Record<string, FilterValue>> = {},
): Promise<boolean> {
  // With pages of one record, page `cap - 1` is the cap-th record: the account is at its cap when it exists.
  return cap === 0 || (await store.list(kind, { accountSid, where, page: cap - 1, pageSize: 1 })).items.length > 0;
}
