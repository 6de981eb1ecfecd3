/**
 * Accounts: `/2010-04-01/Accounts.json` lists the caller and its subaccounts and creates
 * subaccounts; `/2010-04-01/Accounts/{Sid}.json` fetches and updates one (FriendlyName, Status
 * active|suspended|closed). Auth-token rotation follows the hosted `accounts` API:
 * `POST /v1/AuthTokens/Secondary` makes a secondary token (it authenticates too),
 * `POST /v1/AuthTokens/Promote` makes it the token (the old one stops working),
 * `DELETE /v1/AuthTokens/Secondary` drops it.
 */
import { randomBytes } from 'node:crypto';
import { newSid } from '../../sid.js';
import type { Store } from '../../store/types.js';
import type { AccountRecord } from '../auth.js';
import { apiDate, type Form, field, invalid, notFound, RestError } from '../http.js';
import { filtersFrom, pageBody, pageRequest } from '../paging.js';

export function accountJson(account: AccountRecord) {
  const base = `/2010-04-01/Accounts/${account.sid}`;
  return {
    sid: account.sid,
    friendly_name: account.friendlyName,
    status: account.status,
    type: 'Full',
    auth_token: account.authToken,
    owner_account_sid: account.ownerAccountSid,
    date_created: apiDate(account.createdAt),
    date_updated: apiDate(account.updatedAt),
    uri: `${base}.json`,
    subresource_uris: {
      calls: `${base}/Calls.json`,
      conferences: `${base}/Conferences.json`,
      incoming_phone_numbers: `${base}/IncomingPhoneNumbers.json`,
      keys: `${base}/Keys.json`,
      messages: `${base}/Messages.json`,
      queues: `${base}/Queues.json`,
      recordings: `${base}/Recordings.json`,
      applications: `${base}/Applications.json`,
    },
  };
}

const STATUSES = new Set(['active', 'suspended', 'closed']);

/**
 * `GET`/`POST /2010-04-01/Accounts.json`. A subaccount's record is owned by its parent, so the
 * caller's list holds itself and its subaccounts.
 */
export async function accountsList(
  store: Store,
  caller: AccountRecord,
  method: string,
  query: URLSearchParams,
  form: () => Promise<Form>,
  now: number,
) {
  if (method === 'POST') {
    if (caller.ownerAccountSid !== caller.sid) throw new RestError(403, 20403, 'Subaccounts cannot create subaccounts');
    const friendlyName = field(await form(), 'FriendlyName') ?? `Subaccount of ${caller.sid}`;
    const account: AccountRecord = {
      sid: newSid('AC'),
      accountSid: caller.sid,
      ownerAccountSid: caller.sid,
      friendlyName: friendlyName.slice(0, 64),
      authToken: randomBytes(16).toString('hex'),
      status: 'active',
      createdAt: now,
      updatedAt: now,
    };
    await store.put('account', account);
    return { status: 201, body: accountJson(account) };
  }
  if (method !== 'GET') return undefined;
  const request = pageRequest(query);
  const where = filtersFrom(query, ['Status', 'FriendlyName']);
  // A subaccount's list is itself (its record belongs to its parent).
  const page =
    caller.ownerAccountSid === caller.sid
      ? await store.list<AccountRecord>('account', { accountSid: caller.sid, where, ...request })
      : {
          items:
            request.page === 0 && Object.entries(where).every(([k, v]) => caller[k as keyof AccountRecord] === v)
              ? [caller]
              : [],
          more: false,
        };
  return { status: 200, body: pageBody('accounts', '/2010-04-01/Accounts.json', query, request, page, accountJson) };
}

/** `GET`/`POST /2010-04-01/Accounts/{Sid}.json`. */
export async function accountResource(
  store: Store,
  target: AccountRecord,
  method: string,
  form: () => Promise<Form>,
  now: number,
) {
  if (method === 'GET') return { status: 200, body: accountJson(target) };
  if (method !== 'POST') return undefined;
  const values = await form();
  const status = field(values, 'Status');
  if (status !== undefined && !STATUSES.has(status))
    throw invalid(20001, 'Status', 'must be active, suspended or closed');
  const friendlyName = field(values, 'FriendlyName');
  // Checked against the account as it is now, not as it was when the request began.
  const updated = await changeAccount(store, target, (current) => {
    if (current.status === 'closed') throw new RestError(400, 20001, `account ${current.sid} is closed`);
    if (status !== undefined && current.ownerAccountSid === current.sid && status !== current.status)
      throw invalid(20001, 'Status', 'a top-level account cannot change its own status');
    return {
      ...current,
      ...(friendlyName === undefined ? {} : { friendlyName: friendlyName.slice(0, 64) }),
      ...(status === undefined ? {} : { status: status as AccountRecord['status'] }),
      updatedAt: now,
    };
  });
  return { status: 200, body: accountJson(updated) };
}

/** Changes the stored account atomically (see Store.update); 404 once it is gone. */
export async function changeAccount(
  store: Store,
  account: AccountRecord,
  change: (current: AccountRecord) => AccountRecord,
): Promise<AccountRecord> {
  const updated = await store.update<AccountRecord>('account', account.accountSid, account.sid, change);
  if (!updated) throw notFound(account.sid);
  return updated;
}

/** `/v1/AuthTokens/Secondary` and `/v1/AuthTokens/Promote` for the authenticated account. */
export async function authTokens(store: Store, account: AccountRecord, path: string, method: string, now: number) {
  const json = (a: AccountRecord, token?: string) => ({
    account_sid: a.sid,
    ...(token === undefined ? { auth_token: a.authToken } : { secondary_auth_token: token }),
    date_created: new Date(a.updatedAt).toISOString(),
    date_updated: new Date(a.updatedAt).toISOString(),
    url: `https://accounts.patchbay.invalid${path}`,
  });
  if (path === '/v1/AuthTokens/Secondary' && method === 'POST') {
    const updated = await changeAccount(store, account, (current) => {
      // A second one would silently replace the first, which apps may have deployed already.
      if (current.secondaryAuthToken)
        throw new RestError(400, 20001, 'There is a secondary auth token already; promote or delete it first');
      return { ...current, secondaryAuthToken: randomBytes(16).toString('hex'), updatedAt: now };
    });
    return { status: 201, body: json(updated, updated.secondaryAuthToken) };
  }
  if (path === '/v1/AuthTokens/Secondary' && method === 'DELETE') {
    await changeAccount(store, account, ({ secondaryAuthToken: _dropped, ...current }) => ({
      ...current,
      updatedAt: now,
    }));
    return { status: 204 };
  }
  if (path === '/v1/AuthTokens/Promote' && method === 'POST') {
    const updated = await changeAccount(store, account, ({ secondaryAuthToken, ...current }) => {
      if (!secondaryAuthToken) throw new RestError(400, 20001, 'There is no secondary auth token to promote');
      return { ...current, authToken: secondaryAuthToken, updatedAt: now };
    });
    return { status: 200, body: json(updated) };
  }
  throw notFound(path);
}
