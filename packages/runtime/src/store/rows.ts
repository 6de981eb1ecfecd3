/** What the SQL stores (SQLite, PostgreSQL) share: the names they accept, and outbox rows. */
import type { PendingCallback } from './types.js';

/** A filter field: it is written into SQL, so nothing that could leave its quotes. */
export const FIELD = /^[A-Za-z][A-Za-z0-9]*$/;
export const KIND = /^[a-z][a-z-]*$/;
/** A blob key: a file name in the SQLite store, so no path. */
export const BLOB_KEY = /^[A-Za-z0-9._-]+$/;

/** An outbox row as the drivers return it (PostgreSQL's bigints as strings, its jsonb parsed). */
export interface OutboxRow {
  id: number | string;
  key: string;
  account_sid: string;
  url: string;
  method: 'GET' | 'POST';
  params: string | PendingCallback['params'];
  attempts: number;
  next_attempt_at: number | string;
  /** PostgreSQL's: the row's claim number (postgres-outbox.ts). */
  claim?: number | string;
}

export function pendingCallback(row: OutboxRow): PendingCallback {
  return {
    id: Number(row.id),
    key: row.key,
    accountSid: row.account_sid,
    url: row.url,
    method: row.method,
    params: typeof row.params === 'string' ? JSON.parse(row.params) : row.params,
    attempts: row.attempts,
    nextAttemptAt: Number(row.next_attempt_at),
  };
}

/** Outbox order: due first, then queued first. */
export const oldestFirst = (a: PendingCallback, b: PendingCallback) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id;
