/**
 * /2010-04-01/Accounts/{AccountSid}/Limits.json (a Patchbay resource): the per-account limits
 * that apply to an account (its concurrent calls, device sessions, REST concurrency and rate).
 * The account and its parent read them; only the parent sets them, on its subaccounts, with its
 * auth token or a main key: an account never raises its own. A parameter given empty goes back
 * to the server's default.
 */
import { type AccountLimits, LIMIT_FIELDS, MAX_LIMIT, resolveLimits, validLimit } from '../../limits/account-limits.js';
import { type AccountRecord, mayAdminister, standardKeyRefused } from '../auth.js';
import { field, invalid, RestError } from '../http.js';
import { changeAccount } from './accounts.js';
import type { Resource } from './context.js';

const NAMES = Object.keys(LIMIT_FIELDS) as Array<keyof AccountLimits>;

function limitsJson(account: AccountRecord, defaults: AccountLimits) {
  const limits = resolveLimits(account.limits, defaults);
  return {
    account_sid: account.sid,
    ...Object.fromEntries(NAMES.map((name) => [LIMIT_FIELDS[name].json, limits[name]])),
    /** Which of them are the account's own (the others are the server's defaults). */
    own: NAMES.filter((name) => account.limits?.[name] !== undefined).map((name) => LIMIT_FIELDS[name].json),
    uri: `/2010-04-01/Accounts/${account.sid}/Limits.json`,
  };
}

export const limitsResource: Resource = async (context) => {
  if (context.rest !== 'Limits.json') return undefined;
  const { account, principal, runtime } = context;
  if (context.method === 'GET') return { status: 200, body: limitsJson(account, runtime.limits) };
  if (context.method !== 'POST') return undefined;
  if (!mayAdminister(principal)) throw standardKeyRefused('the Limits resource');
  if (principal.account.sid === account.sid || account.ownerAccountSid !== principal.account.sid)
    throw new RestError(403, 20403, 'Only the parent account sets the limits of a subaccount');
  const form = await context.form();
  const changes: Partial<Record<keyof AccountLimits, number | undefined>> = {};
  for (const name of NAMES) {
    const { parameter, min } = LIMIT_FIELDS[name];
    const text = field(form, parameter);
    if (text === undefined) continue;
    if (text === '') {
      changes[name] = undefined;
      continue;
    }
    const value = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
    if (!validLimit(name, value)) throw invalid(21200, parameter, `must be a whole number from ${min} to ${MAX_LIMIT}`);
    changes[name] = value;
  }
  const updated = await changeAccount(context.store, account, (current) => {
    const merged: Record<string, number | undefined> = { ...current.limits, ...changes };
    const limits = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
    const { limits: _old, ...rest } = current;
    return { ...rest, ...(Object.keys(limits).length > 0 ? { limits } : {}), updatedAt: context.now };
  });
  return { status: 200, body: limitsJson(updated, runtime.limits) };
};
