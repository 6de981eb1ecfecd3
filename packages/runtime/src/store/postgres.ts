/**
 * The store for several nodes: one PostgreSQL database shared by every node (records as JSONB,
 * the callback outbox, recording audio as bytea), through a pool of connections (node-postgres).
 * Every write has committed before its promise resolves, so what a request answered is in the
 * database whichever node answers next. `update` reads the row `FOR UPDATE` and writes it in one
 * transaction: two nodes changing the same call wait for each other instead of losing a change.
 * The outbox is shared: `claim` takes due callbacks with `FOR UPDATE SKIP LOCKED` and a lease,
 * so each goes to one node, and a dead node's come due again when its lease ends.
 *
 * @example
 * const store = await PostgresStore.open('postgres://patchbay:secret@127.0.0.1:5432/patchbay');
 */
import pg from 'pg';
import { applyChange } from './change.js';
import { openError, runtimeError } from './postgres-errors.js';
import { fromJsonb, toJsonb } from './postgres-json.js';
import { outboxOrderKey, postgresOutbox } from './postgres-outbox.js';
import { migrate } from './postgres-schema.js';
import { BLOB_KEY, FIELD, KIND } from './rows.js';
import type { FilterValue, ListQuery, Page, PutOptions, RecordKind, Store, StoredRecord } from './types.js';
import { WriteOrder } from './write-order.js';

/** The type oid of jsonb. */
const JSONB = 3802;

export interface PostgresStoreOptions {
  /** Connections in the pool. @default 10 */
  readonly poolSize?: number;
  /** How long to wait for a connection (to the server, or a free one from the pool). @default 5000 */
  readonly connectTimeoutMs?: number;
  /** The longest a query may run before it fails (a hung server fails writes instead of hanging requests). @default 10000 */
  readonly queryTimeoutMs?: number;
}

export class PostgresStore implements Store {
  private readonly order = new WriteOrder();

  private constructor(private readonly pool: pg.Pool) {}

  /**
   * Connects, creates or migrates the schema (one node at a time: see postgres-schema.ts), and
   * returns the store; a StartupError in words when the server cannot be reached or refuses.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      query_timeout: options.queryTimeoutMs ?? 10_000,
      // jsonb values as written by toJsonb (strings with U+0000 encoded: postgres-json.ts).
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === JSONB ? fromJsonb : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection the server closed (restart, outage) must not crash the process; the
    // next query opens another, or fails as `store-unavailable`.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw openError(error, url);
    }
    return new PostgresStore(pool);
  }

  /** Names of prepared statements by their text (each connection parses and plans one once). */
  private readonly prepared = new Map<string, string>();

  /** `{ name, text, values }`: named, so the server plans it once per connection (up to 256 texts). */
  private statement(text: string, values: unknown[]): pg.QueryConfig {
    let name = this.prepared.get(text);
    if (name === undefined && this.prepared.size < 256) {
      name = `patchbay_${this.prepared.size}`;
      this.prepared.set(text, name);
    }
    return name === undefined ? { text, values } : { name, text, values };
  }

  private async query<R extends pg.QueryResultRow>(
    sql: string,
    values: unknown[],
    client: pg.Pool | pg.PoolClient = this.pool,
  ): Promise<pg.QueryResult<R>> {
    try {
      return await client.query<R>(this.statement(sql, values));
    } catch (error) {
      throw runtimeError(error) ?? error;
    }
  }

  async put<T extends StoredRecord>(kind: RecordKind, record: T, options: PutOptions = {}): Promise<void> {
    const body = toJsonb(record);
    const values = [kind, record.sid, record.accountSid, record.createdAt, body];
    const upsert = `INSERT INTO records (kind, sid, account_sid, created_at, body) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (kind, sid) DO UPDATE SET account_sid = $3, created_at = $4, body = $5`;
    const unless = options.unlessStatusIn;
    await this.order.write(
      `${kind}:${record.sid}`,
      () =>
        unless
          ? // The row is locked by the conflict: no other node's write lands between the check and this one.
            this.query(
              `${upsert} WHERE (records.body ->> 'status') IS NULL OR NOT (records.body ->> 'status') = ANY($6)`,
              [...values, [...unless]],
            )
          : this.query(upsert, values),
      // The record's callbacks queued before this write commit before it (Store.put).
      [outboxOrderKey(record.sid)],
    );
  }

  async update<T extends StoredRecord>(
    kind: RecordKind,
    accountSid: string,
    sid: string,
    change: (current: T) => T,
  ): Promise<T | undefined> {
    return this.order.write(`${kind}:${sid}`, () =>
      this.transaction(async (client) => {
        const { rows } = await this.query<{ body: T }>(
          'SELECT body FROM records WHERE kind = $1 AND sid = $2 AND account_sid = $3 FOR UPDATE',
          [kind, sid, accountSid],
          client,
        );
        const current = rows[0];
        if (!current) return undefined;
        const next = applyChange(kind, current.body, change);
        await this.query(
          'UPDATE records SET created_at = $3, body = $4 WHERE kind = $1 AND sid = $2',
          [kind, sid, next.createdAt, toJsonb(next)],
          client,
        );
        return next;
      }),
    );
  }

  /** `work` in one transaction on one connection: committed before it resolves, rolled back if it throws. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw runtimeError(error) ?? error;
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw runtimeError(error) ?? error;
    } finally {
      client.release(broken);
    }
  }

  async get<T extends StoredRecord>(kind: RecordKind, accountSid: string, sid: string): Promise<T | undefined> {
    await this.order.before(`${kind}:${sid}`);
    const { rows } = await this.query<{ body: T }>(
      'SELECT body FROM records WHERE kind = $1 AND sid = $2 AND account_sid = $3',
      [kind, sid, accountSid],
    );
    return rows[0]?.body;
  }

  async find<T extends StoredRecord>(kind: RecordKind, sid: string): Promise<T | undefined> {
    await this.order.before(`${kind}:${sid}`);
    const { rows } = await this.query<{ body: T }>('SELECT body FROM records WHERE kind = $1 AND sid = $2', [
      kind,
      sid,
    ]);
    return rows[0]?.body;
  }

  async findOne<T extends StoredRecord>(
    kind: RecordKind,
    where: Readonly<Record<string, FilterValue>>,
  ): Promise<T | undefined> {
    if (!KIND.test(kind)) throw new TypeError(`invalid record kind "${kind}"`);
    const values: unknown[] = [];
    // The kind and fields as literals, so the planner may use the partial indexes on them.
    const conditions = equalities(where, values);
    await this.order.all();
    const { rows } = await this.query<{ body: T }>(
      `SELECT body FROM records WHERE kind = '${kind}'${conditions} ORDER BY created_at DESC, sid DESC LIMIT 1`,
      values,
    );
    return rows[0]?.body;
  }

  async delete(kind: RecordKind, accountSid: string, sid: string): Promise<boolean> {
    return this.order.write(`${kind}:${sid}`, async () => {
      const result = await this.query('DELETE FROM records WHERE kind = $1 AND sid = $2 AND account_sid = $3', [
        kind,
        sid,
        accountSid,
      ]);
      return (result.rowCount ?? 0) > 0;
    });
  }

  async list<T extends StoredRecord>(kind: RecordKind, query: ListQuery): Promise<Page<T>> {
    const ranges = Object.entries(query.ranges ?? {});
    for (const [field] of ranges) if (!FIELD.test(field)) throw new TypeError(`invalid range field "${field}"`);
    const values: unknown[] = [kind, query.accountSid];
    let conditions = equalities(query.where ?? {}, values);
    for (const [field, { min, max }] of ranges) {
      // Numbers only (a record without the field, or with another type, does not match); the
      // CASE keeps the cast from seeing anything but a number.
      const number = `(CASE WHEN jsonb_typeof(body -> '${field}') = 'number' THEN (body ->> '${field}')::numeric END)`;
      conditions += ` AND jsonb_typeof(body -> '${field}') = 'number'`;
      if (min !== undefined) {
        values.push(min);
        conditions += ` AND ${number} >= $${values.length}`;
      }
      if (max !== undefined) {
        values.push(max);
        conditions += ` AND ${number} <= $${values.length}`;
      }
    }
    values.push(query.pageSize + 1, query.page * query.pageSize);
    await this.order.all();
    const { rows } = await this.query<{ body: T }>(
      `SELECT body FROM records WHERE kind = $1 AND account_sid = $2${conditions}
       ORDER BY created_at DESC, sid DESC LIMIT $${values.length - 1} OFFSET $${values.length}`,
      values,
    );
    return { items: rows.slice(0, query.pageSize).map((row) => row.body), more: rows.length > query.pageSize };
  }

  readonly outbox: Store['outbox'] = postgresOutbox((sql, values) => this.query(sql, values), this.order);

  readonly blobs: Store['blobs'] = {
    put: async (key, bytes) => {
      await this.order.write(`blob:${blobKey(key)}`, () =>
        this.query('INSERT INTO blobs (key, bytes) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET bytes = $2', [
          key,
          Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        ]),
      );
    },
    get: async (key) => {
      await this.order.before(`blob:${blobKey(key)}`);
      const { rows } = await this.query<{ bytes: Buffer }>('SELECT bytes FROM blobs WHERE key = $1', [key]);
      return rows[0] ? new Uint8Array(rows[0].bytes) : undefined;
    },
    delete: async (key) => {
      await this.order.write(`blob:${blobKey(key)}`, () => this.query('DELETE FROM blobs WHERE key = $1', [key]));
    },
  };

  async close(): Promise<void> {
    await this.order.all();
    await this.pool.end();
  }
}

/**
 * ` AND body -> 'field' = $n::jsonb` for each equality (the value's type must match too, as
 * with ===), its values appended to `values`; a field that could escape its quotes is refused.
 */
function equalities(where: Readonly<Record<string, FilterValue>>, values: unknown[]): string {
  let conditions = '';
  for (const [field, value] of Object.entries(where)) {
    if (!FIELD.test(field)) throw new TypeError(`invalid filter field "${field}"`);
    values.push(toJsonb(value));
    conditions += ` AND body -> '${field}' = $${values.length}::jsonb`;
  }
  return conditions;
}

/** The same keys as the SQLite store's files take, so a recording moves between stores unchanged. */
function blobKey(key: string): string {
  if (!BLOB_KEY.test(key)) throw new TypeError(`invalid blob key "${key}"`);
  return key;
}
