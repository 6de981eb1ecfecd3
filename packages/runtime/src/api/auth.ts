/**
 * HTTP Basic authentication: `AccountSid:AuthToken`, or `ApiKeySid:ApiKeySecret` acting for the
 * key's account. Secrets are compared in constant time; every failure is the same 401 (20003),
 * so a caller cannot tell a wrong SID from a wrong secret.
 *
 * API keys have the hosted service's types: a main key may do whatever the auth token may; a
 * standard key may do everything except use the Accounts, Keys and auth-token resources, so it
 * can neither read a secret nor mint a key (see `mayAdminister`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CallAccount } from '../interpreter/types.js';
import type { AccountLimitOverrides } from '../limits/account-limits.js';
import type { Store, StoredRecord } from '../store/types.js';
import { RestError } from './http.js';

export interface AccountRecord extends StoredRecord {
  readonly friendlyName: string;
  readonly authToken: string;
  /** During a rotation: the next token, which authenticates too until promoted. */
  readonly secondaryAuthToken?: string;
  readonly status: 'active' | 'suspended' | 'closed';
  /** The parent of a subaccount (the owner of a top-level account is itself); a subaccount's record is owned (`accountSid`) by its parent. */
  readonly ownerAccountSid: string;
  readonly updatedAt: number;
  /** Its own limits where they differ from the server's (set by its parent: the Limits resource). */
  readonly limits?: AccountLimitOverrides;
}

/** What the runtime needs of an account for its calls: SID, signing token, own limits. */
/** The current auth token of each account (undefined: gone): what signs callbacks queued without one. */
export const accountTokens =
  (store: Store) =>
  async (accountSid: string): Promise<string | undefined> =>
    (await store.find<AccountRecord>('account', accountSid))?.authToken;

export function callAccount(account: AccountRecord): CallAccount {
  return { sid: account.sid, authToken: account.authToken, limits: account.limits };
}

export type KeyType = 'standard' | 'main';

export interface KeyRecord extends StoredRecord {
  readonly friendlyName: string;
  readonly secret: string;
  /** Absent on keys stored before key types existed: those are standard keys (see `keyTypeOf`). */
  readonly keyType?: KeyType;
  readonly updatedAt: number;
}

/** A key's type; keys stored before types existed are standard, as keys made through the Keys API are on the hosted service. */
export const keyTypeOf = (key: KeyRecord): KeyType => key.keyType ?? 'standard';

/** Who a request acts as: the account, and the credential it used. */
export interface Principal {
  readonly account: AccountRecord;
  /** The auth token (primary or secondary), or an API key of that type. */
  readonly via: 'auth-token' | 'main-key' | 'standard-key';
  readonly keySid?: string;
}

/** Whether the credential may use the Accounts, Keys and auth-token resources (the auth token and main keys). */
export const mayAdminister = (principal: Principal): boolean => principal.via !== 'standard-key';

export const unauthorized = () => new RestError(401, 20003, 'Authenticate');

/** What the hosted service answers a standard key on a main-key resource: 401, 20003. */
export const standardKeyRefused = (what: string) =>
  new RestError(401, 20003, `Authenticate: a standard API key cannot use ${what}; use a main key or the auth token`);

/** Equal-length digests compared in constant time, whatever the inputs' lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The account the request acts for and how it authenticated, or a 401. */
export async function authenticate(req: IncomingMessage, store: Store): Promise<Principal> {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) throw unauthorized();
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw unauthorized();
  const user = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  if (user.startsWith('SK')) {
    const key = await store.find<KeyRecord>('key', user);
    const account = key ? await store.find<AccountRecord>('account', key.accountSid) : undefined;
    // Compare even when nothing was found, so timing does not tell which part was wrong.
    const matches = sameSecret(secret, key?.secret ?? '\0missing');
    if (!key || !account || !matches || account.status !== 'active') throw unauthorized();
    return { account, via: keyTypeOf(key) === 'main' ? 'main-key' : 'standard-key', keySid: key.sid };
  }
  const account = user.startsWith('AC') ? await store.find<AccountRecord>('account', user) : undefined;
  const primary = sameSecret(secret, account?.authToken ?? '\0missing');
  const secondary = sameSecret(secret, account?.secondaryAuthToken ?? '\0missing');
  const matches = primary || secondary;
  if (!account || !matches || account.status !== 'active') throw unauthorized();
  return { account, via: 'auth-token' };
}

/** Whether `caller` may act on `target`: itself, or a subaccount it owns. */
export function mayAccess(caller: AccountRecord, target: AccountRecord): boolean {
  return caller.sid === target.sid || target.ownerAccountSid === caller.sid;
}
