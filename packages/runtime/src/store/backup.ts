/**
 * An online backup of a data directory: a consistent copy of the SQLite database made with
 * SQLite's backup API (better-sqlite3's `backup()`, in one step, so the copy is one snapshot
 * even while a server writes), then the recording audio (`blobs/`). It needs no lock and works
 * beside a running server. The database goes first: audio is written before its recording's
 * record, so every recording in the copy has its audio (a recording deleted during the backup may
 * be in it without). The key SIP passwords are sealed with (`secrets.key`) goes along: without
 * it the copy's SIP credentials could not be read. The result is itself a data directory:
 * restoring is serving from it.
 *
 * @example
 * const copied = await backupDataDirectory('./.patchbay', '/backups/patchbay-2026-11-28');
 */
import { chmod, copyFile, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SECRETS_KEY_FILE } from '../sip/secret-box.js';
import { StartupError } from '../startup-error.js';
import { DATABASE_MODE, openDatabase } from './sqlite-file.js';

export interface BackupSummary {
  /** Records (accounts, numbers, calls, messages, ...) in the copy. */
  readonly records: number;
  /** Callbacks in the copy's outbox still to deliver. */
  readonly pendingCallbacks: number;
  readonly blobs: number;
  /** Bytes copied: the database and the blobs. */
  readonly bytes: number;
}

export async function backupDataDirectory(data: string, destination: string): Promise<BackupSummary> {
  const source = await openDatabase(join(data, 'patchbay.db'), { readonly: true });
  try {
    const present = await readdir(destination).catch(() => undefined);
    if (present && present.length > 0) {
      throw new StartupError(
        'destination-not-empty',
        `the backup destination ${destination} is not empty`,
        'give a new or empty directory: a backup never overwrites one',
      );
    }
    await mkdir(join(destination, 'blobs'), { recursive: true, mode: 0o700 });
    const copy = join(destination, 'patchbay.db');
    // The copy holds the same secrets: owner-only, as the original (SQLite would use the umask).
    await writeFile(copy, '', { mode: DATABASE_MODE });
    // All pages in one step: one read transaction, one snapshot, whatever the server writes meanwhile.
    await source.backup(copy, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  let bytes = (await stat(join(destination, 'patchbay.db'))).size;
  try {
    await copyFile(join(data, SECRETS_KEY_FILE), join(destination, SECRETS_KEY_FILE));
    await chmod(join(destination, SECRETS_KEY_FILE), 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // no SIP secrets sealed yet
  }
  let blobs = 0;
  for (const name of await readdir(join(data, 'blobs')).catch(() => [] as string[])) {
    if (name.endsWith('.tmp')) continue; // a write in progress: not yet a blob
    try {
      await copyFile(join(data, 'blobs', name), join(destination, 'blobs', name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted meanwhile
      throw error;
    }
    bytes += (await stat(join(destination, 'blobs', name))).size;
    blobs++;
  }
  const copied = await openDatabase(join(destination, 'patchbay.db'), { readonly: true });
  try {
    const count = (sql: string) => (copied.prepare(sql).get() as { n: number }).n;
    return {
      records: count('SELECT count(*) AS n FROM records'),
      pendingCallbacks: count('SELECT count(*) AS n FROM outbox WHERE done = 0'),
      blobs,
      bytes,
    };
  } finally {
    copied.close();
  }
}
