/**
 * Where `patchbay serve` keeps its state. By default the SQLite store in the data directory,
 * locked (one server per directory), with the key that seals SIP passwords beside it. With
 * `--store postgres://...` a PostgreSQL database several nodes share: nothing to lock (every
 * node uses it at once), recordings in the database, and the sealing key given to every node
 * (`--secret-key-file` or PATCHBAY_SECRET_KEY), since a key made by one node would leave the
 * others unable to read the passwords it sealed.
 *
 * @example
 * const place = await prepareStore({ data: './.patchbay' });
 * const store = await place.open();
 */

import { SecretBox } from '../sip/secret-box.js';
import { StartupError } from '../startup-error.js';
import { lockDataDirectory } from '../store/lock.js';
import { describeServer } from '../store/postgres-errors.js';
import { SqliteStore } from '../store/sqlite.js';
import { prepareDirectory } from '../store/sqlite-file.js';
import type { Store } from '../store/types.js';

/** A store several nodes share. */
export const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/**
 * How long a node's claim on a callback lasts on a shared store: longer than a delivery with
 * its retries of connection set-up can take; a dead node's callbacks go out this long after.
 */
export const SHARED_CALLBACK_LEASE_MS = 60_000;

export interface StoreOptions {
  readonly data: string;
  /** A postgres:// URL: the shared store (else SQLite in `data`). */
  readonly store?: string | undefined;
  /** The 32-byte key that seals SIP passwords, the same on every node (PostgreSQL only). */
  readonly secretKey?: Uint8Array | undefined;
  /** The SQLite database's cap, in bytes. */
  readonly maxDatabaseBytes?: number | undefined;
  /** How long a claim on a callback lasts on the shared store. @default SHARED_CALLBACK_LEASE_MS */
  readonly callbackLeaseMs?: number | undefined;
}

export interface PreparedStore {
  /** `postgres` when several nodes may share the store. */
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is, for messages (never a password). */
  readonly where: string;
  readonly secrets: SecretBox;
  open(): Promise<Store>;
  /** How DurableCallbacks claims callbacks on this store (see durable-callbacks.ts). */
  readonly callbackLeaseMs: number;
  /** Frees the data directory's lock (SQLite); nothing for PostgreSQL. */
  release(): void;
}

/** The key of PATCHBAY_SECRET_KEY or a `--secret-key-file`: 64 hex digits. */
export function parseSecretKey(text: string, from: string): Uint8Array {
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new StartupError(
      'secret-key-missing',
      `${from} is not a key of 64 hex digits`,
      'make one with `openssl rand -hex 32` and give the same one to every node',
    );
  return Buffer.from(hex, 'hex');
}

/** A `--store` that is not a postgres:// URL: `store-invalid`, without the password. */
export function checkStoreUrl(url: string): void {
  if (!POSTGRES_URL.test(url))
    throw new StartupError(
      'store-invalid',
      `--store "${url.replace(/\/\/[^@/]*@/, '//')}" is not a postgres:// URL`,
      'give postgres://user:password@host:port/database, or leave --store out for SQLite in --data',
    );
}

export async function prepareStore(options: StoreOptions): Promise<PreparedStore> {
  const url = options.store;
  if (url === undefined || url === '') {
    await prepareDirectory(options.data);
    const lock = lockDataDirectory(options.data);
    try {
      // SIP passwords in the store are sealed with this key, kept beside the database.
      const secrets = await SecretBox.inDirectory(options.data);
      const maxPages = options.maxDatabaseBytes === undefined ? undefined : Math.ceil(options.maxDatabaseBytes / 4096);
      return {
        kind: 'sqlite',
        where: options.data,
        secrets,
        open: () => SqliteStore.open(options.data, maxPages === undefined ? {} : { maxPages }),
        callbackLeaseMs: 0,
        release: () => lock.release(),
      };
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  checkStoreUrl(url);
  const where = describeServer(url);
  if (!options.secretKey)
    throw new StartupError(
      'secret-key-missing',
      `nodes sharing PostgreSQL at ${where} need one key to seal SIP passwords, and none was given`,
      'make one with `openssl rand -hex 32 > patchbay.key` (mode 0600) and give every node --secret-key-file patchbay.key (or PATCHBAY_SECRET_KEY)',
    );
  const secrets = new SecretBox(options.secretKey);
  // Loaded only here: a SQLite server never loads the PostgreSQL driver.
  const { PostgresStore } = await import('../store/postgres.js');
  return {
    kind: 'postgres',
    where,
    secrets,
    open: () => PostgresStore.open(url),
    callbackLeaseMs: options.callbackLeaseMs ?? SHARED_CALLBACK_LEASE_MS,
    release: () => undefined,
  };
}
