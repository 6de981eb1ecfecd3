/**
 * The PostgreSQL store's schema, created or brought up to date when a node opens the store.
 * Several nodes may start at once against an empty database: the migration runs under a
 * transaction-scoped advisory lock, so one node migrates and the others wait, then find the
 * schema at its version and do nothing.
 *
 * Each entry of MIGRATIONS is applied once, in order, and never edited once released: a change
 * is a new entry. `patchbay_schema` records the version reached.
 */
import type pg from 'pg';

/** The advisory lock key of the migration ("patchbay" in ASCII, as a bigint). */
const MIGRATION_LOCK = '7061746368626179';

const MIGRATIONS: readonly string[] = [
  // 1: records (JSONB bodies), the callback outbox, blobs.
  `CREATE TABLE records (
     kind text NOT NULL,
     sid text COLLATE "C" NOT NULL,
     account_sid text COLLATE "C" NOT NULL,
     created_at bigint NOT NULL,
     body jsonb NOT NULL,
     PRIMARY KEY (kind, sid)
   );
   -- Lists: one account's records of a kind, newest first.
   CREATE INDEX records_list ON records (kind, account_sid, created_at DESC, sid DESC);
   -- The look-ups made by field (as the SQLite store's, sqlite-file.ts): which account owns a
   -- number, what a crash left live, SIP routing. Filters on other fields use the list order's
   -- index and read the bodies (a GIN index on every body cost each write more than it saved).
   CREATE INDEX numbers_by_phone ON records ((body -> 'phoneNumber')) WHERE kind = 'number';
   CREATE INDEX calls_by_status ON records ((body -> 'status')) WHERE kind = 'call';
   CREATE INDEX messages_by_status ON records ((body -> 'status')) WHERE kind = 'message';
   CREATE INDEX sip_domains_by_name ON records ((body -> 'domainName')) WHERE kind = 'sip-domain';
   CREATE INDEX sip_targets_by_address ON records ((body -> 'address')) WHERE kind = 'connection-policy-target';
   CREATE TABLE outbox (
     id bigserial PRIMARY KEY,
     key text NOT NULL UNIQUE,
     account_sid text NOT NULL,
     url text NOT NULL,
     method text NOT NULL,
     params jsonb NOT NULL,
     attempts integer NOT NULL DEFAULT 0,
     next_attempt_at bigint NOT NULL,
     done boolean NOT NULL DEFAULT false,
     -- The node delivering it now (a lease until next_attempt_at), for operators.
     claimed_by text,
     -- The call, conference or message it is about (webhooks/ordering.ts): delivered in order.
     resource text GENERATED ALWAYS AS (COALESCE(substring(key from '^([A-Z]{2}[0-9a-f]{32}):'), key)) STORED
   );
   CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE NOT done;
   CREATE INDEX outbox_resource ON outbox (resource, id) WHERE NOT done;
   CREATE INDEX outbox_done ON outbox (next_attempt_at) WHERE done;
   CREATE TABLE blobs (key text PRIMARY KEY, bytes bytea NOT NULL);`,
  // 2: each claim of a callback (and each release) is numbered, so a node that lost its claim
  // (taken over while cut off) can tell before it sends (outbox.hold).
  `ALTER TABLE outbox ADD COLUMN claim bigint NOT NULL DEFAULT 0;`,
];

/** The schema version this code needs. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION; refuses one written by a newer Patchbay. */
export async function migrate(client: pg.PoolClient): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(x'${MIGRATION_LOCK}'::bigint)`);
    await client.query('CREATE TABLE IF NOT EXISTS patchbay_schema (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM patchbay_schema');
    const version = rows[0]?.version ?? 0;
    if (version > SCHEMA_VERSION)
      throw new Error(
        `the database's schema is version ${version}, newer than this Patchbay's ${SCHEMA_VERSION}: upgrade Patchbay`,
      );
    for (const migration of MIGRATIONS.slice(version)) await client.query(migration);
    if (rows.length === 0) await client.query('INSERT INTO patchbay_schema (version) VALUES ($1)', [SCHEMA_VERSION]);
    else await client.query('UPDATE patchbay_schema SET version = $1', [SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
