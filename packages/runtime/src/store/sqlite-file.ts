/**
 * The SQLite file of a data directory: made once (in a side file, then renamed into place, so a
 * crash during creation never leaves an empty `patchbay.db` behind), and checked on every open
 * (an empty file or one that is not a healthy database is refused with a one-line reason rather
 * than used as an empty store or failing later with a stack trace).
 */
import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StartupError } from '../startup-error.js';
import { sqliteUnavailable } from './sqlite-driver.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    sid TEXT NOT NULL,
    account_sid TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, sid)
  );
  CREATE INDEX IF NOT EXISTS records_by_account ON records (kind, account_sid, created_at DESC, sid DESC);
  -- findOne's lookups on hot paths: which account holds a number (every inbound and every placed
  -- call), and which calls and messages a crash left live (every start). SQLite uses a partial
  -- index when the query names the kind as a literal, which findOne does.
  CREATE INDEX IF NOT EXISTS numbers_by_phone ON records (json_extract(body, '$.phoneNumber')) WHERE kind = 'number';
  CREATE INDEX IF NOT EXISTS calls_by_status ON records (json_extract(body, '$.status')) WHERE kind = 'call';
  CREATE INDEX IF NOT EXISTS messages_by_status ON records (json_extract(body, '$.status')) WHERE kind = 'message';
  -- The SIP directory's per-INVITE lookups: a domain by name, a carrier by its target's address.
  CREATE INDEX IF NOT EXISTS sip_domains_by_name ON records (json_extract(body, '$.domainName')) WHERE kind = 'sip-domain';
  CREATE INDEX IF NOT EXISTS sip_targets_by_address ON records (json_extract(body, '$.address')) WHERE kind = 'connection-policy-target';
  CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    url TEXT NOT NULL,
    method TEXT NOT NULL,
    params TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS outbox_due ON outbox (done, next_attempt_at, id);
`;

/** The data directory and its `blobs/` folder, made if missing; StartupError `data-unwritable` if it cannot be. */
export async function prepareDirectory(directory: string): Promise<void> {
  try {
    await mkdir(join(directory, 'blobs'), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StartupError(
      'data-unwritable',
      `cannot create the data directory ${directory} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'choose a --data directory this user may write to',
      { cause: error },
    );
  }
}

const CORRUPT = /^SQLITE_(CORRUPT|NOTADB)/;
const UNWRITABLE = /^SQLITE_(CANTOPEN|READONLY|PERM|AUTH)/;

function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
}

/**
 * The database holds auth tokens and key secrets: readable by the server's user only, whatever
 * the umask or the directory's mode. SQLite gives its -wal and -shm files the database's mode.
 */
export const DATABASE_MODE = 0o600;

/** Makes an existing database, and its -wal and -shm files, readable by the owner only. */
async function restrict(file: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) {
    await chmod(`${file}${suffix}`, DATABASE_MODE).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}

/** A new, empty database at `file`, made beside it and renamed into place. */
async function create(file: string): Promise<void> {
  const side = `${file}.new`;
  for (const suffix of ['', '-wal', '-shm']) await rm(`${side}${suffix}`, { force: true });
  // Created with its mode first: SQLite would create it with the umask's.
  await writeFile(side, '', { mode: DATABASE_MODE });
  const db = new Database(side);
  configure(db);
  db.close();
  await rename(side, file);
}

/**
 * Opens the database of a data directory, creating it when there is none (`create`, the
 * server) or refusing its absence (StartupError `database-missing`, operator commands); refuses an
 * empty or corrupt file (StartupError `database-empty` / `database-corrupt`).
 * @param options.readonly a read-only connection (beside a running server)
 */
export async function openDatabase(
  file: string,
  options: { create?: boolean; readonly?: boolean } = { create: true },
): Promise<Database.Database> {
  const existing = await stat(file).catch(() => undefined);
  if (!existing && !options.create) {
    throw new StartupError(
      'database-missing',
      `there is no Patchbay database at ${file}`,
      'give the --data directory of a Patchbay server (default ./.patchbay)',
    );
  }
  if (existing?.size === 0) {
    throw new StartupError(
      'database-empty',
      `${file} is empty (0 bytes), so it was truncated: using it would start with no accounts, numbers or calls`,
      'restore it from a backup (docs/operations.md), or delete it to start afresh',
    );
  }
  let db: Database.Database | undefined;
  try {
    if (!existing) await create(file);
    else if (!options.readonly) await restrict(file);
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: true });
    if (!options.readonly) configure(db);
    const [check] = db.pragma('quick_check') as Array<{ quick_check: string }>;
    if (check?.quick_check !== 'ok')
      throw Object.assign(new Error(check?.quick_check ?? 'no answer'), { code: 'SQLITE_CORRUPT' });
    return db;
  } catch (error) {
    db?.close();
    const code = String((error as { code?: unknown }).code ?? '');
    if (CORRUPT.test(code)) {
      throw new StartupError(
        'database-corrupt',
        `${file} is not a usable database (${code}: ${(error as Error).message})`,
        'restore it from a backup (docs/operations.md), or move it away to start afresh',
        { cause: error },
      );
    }
    if (UNWRITABLE.test(code) || ['EACCES', 'EPERM', 'EROFS'].includes(code)) {
      throw new StartupError(
        'data-unwritable',
        `cannot open ${file}${options.readonly ? '' : ' for writing'} (${code})`,
        'check the permissions of the data directory and its files',
        { cause: error },
      );
    }
    throw sqliteUnavailable(error) ?? error;
  }
}
