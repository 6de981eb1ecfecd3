/**
 * The embedded store: one SQLite file (WAL) in the data directory, plus a `blobs/` folder for
 * recording audio. Every write is a committed transaction before the call returns, so a crash of
 * the process loses nothing it acknowledged (`synchronous=NORMAL` under WAL: durable across
 * process crashes; an OS crash or power cut may lose the last moments).
 *
 * @example
 * const store = await SqliteStore.open('./.patchbay');
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { applyChange } from './change.js';
import { type Checkpointer, type CheckpointResult, startCheckpointer } from './checkpointer.js';
import { GroupCommit } from './group-commit.js';
import { FIELD, KIND, type OutboxRow, oldestFirst, pendingCallback } from './rows.js';
import { blobFiles } from './sqlite-blobs.js';
import { openDatabase, prepareDirectory } from './sqlite-file.js';
import type {
  FilterValue,
  ListQuery,
  NewCallback,
  Page,
  PutOptions,
  RecordKind,
  Store,
  StoredRecord,
} from './types.js';

function sqlValue(value: FilterValue): string | number {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

export class SqliteStore implements Store {
  /** Recording audio: files in the data directory's `blobs/` folder (sqlite-blobs.ts). */
  readonly blobs: Store['blobs'];

  private constructor(
    private readonly db: Database.Database,
    blobDir: string,
    private readonly checkpointer: Checkpointer,
  ) {
    this.blobs = blobFiles(blobDir);
  }

  /**
   * Opens (creating if needed) the store in `directory`. A database file that is empty, not a
   * database, or fails SQLite's quick check is refused (StartupError `database-empty` or
   * `database-corrupt`), never used as an empty store.
   * @param options.checkpointEveryMs how often the worker moves the log into the database @default 1000
   * @param options.onCheckpoint after each checkpoint (for tests and metrics)
   * @param options.maxPages a cap on the database's size, in pages of 4 KiB (SQLite's
   *   max_page_count): writes past it fail as on a full disk (`store-full`)
   */
  static async open(
    directory: string,
    options: {
      checkpointEveryMs?: number;
      onCheckpoint?: (result: CheckpointResult) => void;
      maxPages?: number;
    } = {},
  ): Promise<SqliteStore> {
    await prepareDirectory(directory);
    const file = join(directory, 'patchbay.db');
    const db = await openDatabase(file);
    if (options.maxPages !== undefined) db.pragma(`max_page_count = ${Math.floor(options.maxPages)}`);
    // Checkpoints happen in a worker (see checkpointer.ts); should it fail, SQLite's own come back.
    db.pragma('wal_autocheckpoint = 0');
    const checkpointer = startCheckpointer(
      file,
      options.checkpointEveryMs ?? 1000,
      () => {
        if (db.open) db.pragma('wal_autocheckpoint = 1000');
      },
      options.onCheckpoint,
    );
    return new SqliteStore(db, join(directory, 'blobs'), checkpointer);
  }

  private readonly statements = {
    put: () =>
      this.db.prepare(
        'INSERT OR REPLACE INTO records (kind, sid, account_sid, created_at, body) VALUES (?, ?, ?, ?, ?)',
      ),
    // A put that leaves a record in a final status as it is (PutOptions.unlessStatusIn).
    putUnless: () =>
      this.db.prepare(
        `INSERT INTO records (kind, sid, account_sid, created_at, body) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (kind, sid) DO UPDATE SET account_sid = excluded.account_sid, created_at = excluded.created_at, body = excluded.body
         WHERE json_extract(records.body, '$.status') IS NULL
           OR json_extract(records.body, '$.status') NOT IN (SELECT value FROM json_each(?))`,
      ),
    get: () => this.db.prepare('SELECT body FROM records WHERE kind = ? AND sid = ? AND account_sid = ?'),
    find: () => this.db.prepare('SELECT body FROM records WHERE kind = ? AND sid = ?'),
    delete: () => this.db.prepare('DELETE FROM records WHERE kind = ? AND sid = ? AND account_sid = ?'),
    add: () =>
      this.db.prepare(
        'INSERT OR IGNORE INTO outbox (key, account_sid, url, method, params, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
    due: () =>
      this.db.prepare(
        'SELECT * FROM outbox WHERE done = 0 AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?',
      ),
    // The lease is the next attempt's time (a single process needs no owner column).
    claim: () =>
      this.db.prepare(
        `UPDATE outbox SET next_attempt_at = ? WHERE id IN (SELECT id FROM outbox WHERE done = 0 AND next_attempt_at <= ?
         AND (? IS NULL OR id IN (SELECT value FROM json_each(?))) ORDER BY next_attempt_at, id LIMIT ?) RETURNING *`,
      ),
    done: () => this.db.prepare('UPDATE outbox SET done = 1 WHERE id = ?'),
    retry: () => this.db.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?'),
    prune: () => this.db.prepare('DELETE FROM outbox WHERE done = 1 AND next_attempt_at < ?'),
  };
  private readonly prepared = new Map<keyof SqliteStore['statements'], Database.Statement>();
  /** Writes share one transaction per turn of the event loop (see group-commit.ts). */
  private readonly group = new GroupCommit(
    (work) => this.db.transaction(work)(),
    () => this.db.inTransaction,
  );

  private write<T>(run: () => T): Promise<T> {
    return this.group.write(run);
  }

  /** Commits pending writes: every read calls it first. */
  private commit(): void {
    this.group.flush();
  }

  private readonly queries = new Map<string, Database.Statement>();

  /** A statement for SQL built at run time (filters), prepared once per distinct text. */
  private query(sql: string): Database.Statement {
    let statement = this.queries.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.queries.size < 256) this.queries.set(sql, statement);
    }
    return statement;
  }

  private statement(name: keyof SqliteStore['statements']): Database.Statement {
    let statement = this.prepared.get(name);
    if (!statement) {
      statement = this.statements[name]();
      this.prepared.set(name, statement);
    }
    return statement;
  }

  async put<T extends StoredRecord>(kind: RecordKind, record: T, options: PutOptions = {}): Promise<void> {
    const body = JSON.stringify(record);
    const unless = options.unlessStatusIn;
    await this.write(() =>
      unless
        ? this.statement('putUnless').run(
            kind,
            record.sid,
            record.accountSid,
            record.createdAt,
            body,
            JSON.stringify(unless),
          )
        : this.statement('put').run(kind, record.sid, record.accountSid, record.createdAt, body),
    );
  }

  async update<T extends StoredRecord>(
    kind: RecordKind,
    accountSid: string,
    sid: string,
    change: (current: T) => T,
  ): Promise<T | undefined> {
    // Read and write in the same write (one transaction, in order with every other write).
    return this.write(() => {
      const row = this.statement('get').get(kind, sid, accountSid) as { body: string } | undefined;
      if (!row) return undefined;
      const next = applyChange(kind, JSON.parse(row.body) as T, change);
      this.statement('put').run(kind, next.sid, next.accountSid, next.createdAt, JSON.stringify(next));
      return next;
    });
  }

  async get<T extends StoredRecord>(kind: RecordKind, accountSid: string, sid: string): Promise<T | undefined> {
    this.commit();
    const row = this.statement('get').get(kind, sid, accountSid) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as T) : undefined;
  }

  async find<T extends StoredRecord>(kind: RecordKind, sid: string): Promise<T | undefined> {
    this.commit();
    const row = this.statement('find').get(kind, sid) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as T) : undefined;
  }

  async findOne<T extends StoredRecord>(
    kind: RecordKind,
    where: Readonly<Record<string, FilterValue>>,
  ): Promise<T | undefined> {
    this.commit();
    const entries = Object.entries(where);
    for (const [field] of entries) if (!FIELD.test(field)) throw new TypeError(`invalid filter field "${field}"`);
    if (!KIND.test(kind)) throw new TypeError(`invalid record kind "${kind}"`);
    const conditions = entries.map(([field]) => ` AND json_extract(body, '$.${field}') = ?`).join('');
    // The kind as a literal, so SQLite may use a partial index on it (sqlite-file.ts).
    const sql = `SELECT body FROM records WHERE kind = '${kind}'${conditions} ORDER BY created_at DESC, sid DESC LIMIT 1`;
    const row = this.query(sql).get(...entries.map(([, value]) => sqlValue(value))) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as T) : undefined;
  }

  async delete(kind: RecordKind, accountSid: string, sid: string): Promise<boolean> {
    return this.write(() => this.statement('delete').run(kind, sid, accountSid).changes > 0);
  }

  async list<T extends StoredRecord>(kind: RecordKind, query: ListQuery): Promise<Page<T>> {
    this.commit();
    const where = Object.entries(query.where ?? {});
    for (const [field] of where) if (!FIELD.test(field)) throw new TypeError(`invalid filter field "${field}"`);
    const ranges = Object.entries(query.ranges ?? {});
    for (const [field] of ranges) if (!FIELD.test(field)) throw new TypeError(`invalid range field "${field}"`);
    const bounds: number[] = [];
    const rangeConditions = ranges
      .map(([field, { min, max }]) => {
        let condition = ` AND json_type(body, '$.${field}') IN ('integer', 'real')`;
        if (min !== undefined) {
          condition += ` AND json_extract(body, '$.${field}') >= ?`;
          bounds.push(min);
        }
        if (max !== undefined) {
          condition += ` AND json_extract(body, '$.${field}') <= ?`;
          bounds.push(max);
        }
        return condition;
      })
      .join('');
    const conditions = where.map(([field]) => ` AND json_extract(body, '$.${field}') = ?`).join('') + rangeConditions;
    const sql = `SELECT body FROM records WHERE kind = ? AND account_sid = ?${conditions} ORDER BY created_at DESC, sid DESC LIMIT ? OFFSET ?`;
    const rows = this.query(sql).all(
      kind,
      query.accountSid,
      ...where.map(([, value]) => sqlValue(value)),
      ...bounds,
      query.pageSize + 1,
      query.page * query.pageSize,
    ) as Array<{ body: string }>;
    return {
      items: rows.slice(0, query.pageSize).map((row) => JSON.parse(row.body) as T),
      more: rows.length > query.pageSize,
    };
  }

  readonly outbox: Store['outbox'] = {
    add: async (callback: NewCallback) => {
      const params = JSON.stringify(callback.params);
      return this.write(() => {
        const result = this.statement('add').run(
          callback.key,
          callback.accountSid,
          callback.url,
          callback.method,
          params,
          callback.nextAttemptAt,
        );
        return result.changes > 0 ? Number(result.lastInsertRowid) : undefined;
      });
    },
    due: async (now, limit) => {
      this.commit();
      return (this.statement('due').all(now, limit) as OutboxRow[]).map(pendingCallback);
    },
    claim: async ({ now, limit, leaseMs, ids }) => {
      const only = ids ? JSON.stringify(ids) : null;
      const rows = await this.write(
        () => this.statement('claim').all(now + leaseMs, now, only, only, limit) as OutboxRow[],
      );
      return rows.map(pendingCallback).sort(oldestFirst);
    },
    done: async (id) => {
      await this.write(() => this.statement('done').run(id));
    },
    retry: async (id, nextAttemptAt) => {
      await this.write(() => this.statement('retry').run(nextAttemptAt, id));
    },
    prune: async (before) => this.write(() => this.statement('prune').run(before).changes),
  };

  async close(): Promise<void> {
    this.commit();
    await this.checkpointer.stop();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}
