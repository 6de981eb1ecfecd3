/**
 * Credentials from a data directory (no server needed, none contacted), for `patchbay
 * credentials`:
 * - reading an account's SID and auth token (the bootstrap account by default), read-only, also
 *   beside a running server: how to get back a token whose one showing was missed;
 * - rotating it (and dropping a secondary one). That takes the data directory's lock, so it
 *   refuses while a server runs there: a live server has the old token in its calls under way
 *   (their webhooks are signed with it) and clients using it, so a live rotation goes through the
 *   API (AuthTokens Secondary, then Promote) instead.
 *
 * With a shared PostgreSQL store (`--store postgres://...`) it reads the account from that
 * database, whose nodes may be running; rotating there is refused (nodes have no lock to take,
 * and they hold the old token): rotate through any node's API.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AccountRecord } from '../api/auth.js';
import { StartupError } from '../startup-error.js';
import { lockDataDirectory } from '../store/lock.js';
import { describeServer } from '../store/postgres-errors.js';
import { SqliteStore } from '../store/sqlite.js';
import { openDatabase } from '../store/sqlite-file.js';
import { checkStoreUrl } from './serve-store.js';

type Find = <T>(kind: 'account' | 'setting', sid: string) => T | undefined | Promise<T | undefined>;

/** The account `sid`, or the bootstrap one; StartupError `invalid-account` when there is none. */
async function accountIn(find: Find, data: string, sid: string | undefined): Promise<AccountRecord> {
  const wanted = sid ?? (await find<{ accountSid: string }>('setting', 'bootstrap'))?.accountSid;
  const account = wanted === undefined ? undefined : await find<AccountRecord>('account', wanted);
  if (!account) {
    throw new StartupError(
      'invalid-account',
      sid ? `there is no account ${sid} in ${data}` : `${data} has no bootstrap account yet`,
      sid ? 'give the SID of an account of this server' : 'start the server once: it creates the account',
    );
  }
  return account;
}

/** The account's credentials, read-only (a running server may hold the directory). */
export async function readCredentials(data: string, sid?: string): Promise<AccountRecord> {
  const db = await openDatabase(join(data, 'patchbay.db'), { readonly: true });
  try {
    const statement = db.prepare('SELECT body FROM records WHERE kind = ? AND sid = ?');
    const find: Find = <T>(kind: string, key: string) => {
      const row = statement.get(kind, key) as { body: string } | undefined;
      return row ? (JSON.parse(row.body) as T) : undefined;
    };
    return await accountIn(find, data, sid);
  } finally {
    db.close();
  }
}

/** The account's credentials from the PostgreSQL database of a cluster (read; its nodes may run). */
export async function readSharedCredentials(url: string, sid?: string): Promise<AccountRecord> {
  checkStoreUrl(url);
  // Loaded only here: reading a SQLite directory never loads the PostgreSQL driver.
  const { PostgresStore } = await import('../store/postgres.js');
  const store = await PostgresStore.open(url, { poolSize: 1 });
  try {
    const find: Find = <T>(kind: 'account' | 'setting', key: string) => store.find(kind, key) as Promise<T | undefined>;
    return await accountIn(find, `the database at ${describeServer(url)}`, sid);
  } finally {
    await store.close();
  }
}

/** `--rotate` with a shared store: refused, in words. */
export function rotateSharedRefused(url: string): StartupError {
  return new StartupError(
    'store-unsupported',
    `patchbay credentials --rotate works on a SQLite data directory; the database at ${describeServer(url)} is shared by nodes that may be running with the old token`,
    'rotate through the API of any node: POST /v1/AuthTokens/Secondary, then POST /v1/AuthTokens/Promote',
  );
}

/** A new auth token for the account, with the server stopped (the directory's lock taken). */
export async function rotateCredentials(data: string, sid?: string, now = Date.now()): Promise<AccountRecord> {
  await readCredentials(data, sid); // the database exists, is healthy, and has the account
  let lock: ReturnType<typeof lockDataDirectory>;
  try {
    lock = lockDataDirectory(data);
  } catch (error) {
    if (error instanceof StartupError && error.code === 'data-locked') {
      throw new StartupError(
        'data-locked',
        error.message,
        'stop that server first, or rotate through its API (POST /v1/AuthTokens/Secondary, then POST /v1/AuthTokens/Promote)',
        { cause: error },
      );
    }
    throw error;
  }
  try {
    const store = await SqliteStore.open(data);
    try {
      const find: Find = <T>(kind: 'account' | 'setting', key: string) =>
        store.find(kind, key) as Promise<T | undefined>;
      const account = await accountIn(find, data, sid);
      const { secondaryAuthToken: _dropped, ...rest } = account;
      const rotated: AccountRecord = { ...rest, authToken: randomBytes(16).toString('hex'), updatedAt: now };
      await store.put('account', rotated);
      return rotated;
    } finally {
      await store.close();
    }
  } finally {
    lock.release();
  }
}
