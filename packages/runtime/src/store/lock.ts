/**
 * The data directory's exclusive lock: one `patchbay serve` (or operator command that writes)
 * per data directory. It is an operating-system lock (SQLite's own POSIX file lock, taken by a
 * write transaction held open on `patchbay.lock`), so the kernel releases it when the holder
 * dies, SIGKILL included: a crashed server never blocks the next start, and there is no stale-lock
 * guesswork. (A lock-file library such as proper-lockfile marks ownership with a file's mtime and
 * declares it stale after a delay; that delays the restart after a crash and can, on a paused
 * process, let two holders in. better-sqlite3 is already here, and its locks are the ones SQLite
 * relies on itself.) `patchbay.pid` beside it names the holder, for the error message only.
 *
 * @example
 * const lock = lockDataDirectory('./.patchbay'); // throws StartupError 'data-locked' if held
 * // ...
 * lock.release();
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StartupError } from '../startup-error.js';
import { sqliteUnavailable } from './sqlite-driver.js';

export interface DataLock {
  /** Lets the next process in (idempotent). */
  release(): void;
}

function holder(directory: string): string {
  try {
    const pid = readFileSync(join(directory, 'patchbay.pid'), 'utf8').trim();
    return /^\d+$/.test(pid) ? ` (pid ${pid})` : '';
  } catch {
    return '';
  }
}

/** Takes the lock of `directory` (which must exist), or throws StartupError `data-locked`. */
export function lockDataDirectory(directory: string): DataLock {
  const file = join(directory, 'patchbay.lock');
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db?.close();
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new StartupError(
        'data-locked',
        `the data directory ${directory} is in use by another Patchbay process${holder(directory)}`,
        'stop that server first, or give this one its own --data directory',
        { cause: error },
      );
    }
    const driver = sqliteUnavailable(error);
    if (driver) throw driver;
    throw new StartupError(
      'data-unwritable',
      `cannot lock the data directory ${directory} (${code || (error as Error).message})`,
      'check that the directory exists and this user may write to it',
      { cause: error },
    );
  }
  const held = db;
  try {
    writeFileSync(join(directory, 'patchbay.pid'), `${process.pid}\n`);
  } catch {
    // The pid only names the holder in messages.
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      rmSync(join(directory, 'patchbay.pid'), { force: true });
      held.exec('ROLLBACK');
      held.close();
    },
  };
}
