/**
 * The SQLite store's blobs (recording audio): one file per key in the data directory's `blobs/`
 * folder, beside the database rather than in it. A file is written beside its place and renamed
 * into it, so a crash or a full disk never leaves half a blob under its key.
 *
 * @example
 * const blobs = blobFiles(join(directory, 'blobs'));
 * await blobs.put('RE0123.wav', audio);
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BLOB_KEY } from './rows.js';
import type { Store } from './types.js';

export function blobFiles(blobDir: string): Store['blobs'] {
  const blobPath = (key: string): string => {
    if (!BLOB_KEY.test(key)) throw new TypeError(`invalid blob key "${key}"`);
    return join(blobDir, key);
  };
  return {
    put: async (key, bytes) => {
      const path = blobPath(key);
      // Written beside, then renamed: a crash never leaves half a file under the key, and a
      // failed write (no space) leaves nothing.
      try {
        await writeFile(`${path}.tmp`, bytes, { mode: 0o600 });
        await rename(`${path}.tmp`, path);
      } catch (error) {
        await rm(`${path}.tmp`, { force: true }).catch(() => undefined);
        throw error;
      }
    },
    get: async (key) => {
      try {
        return new Uint8Array(await readFile(blobPath(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    delete: async (key) => {
      await rm(blobPath(key), { force: true });
    },
  };
}
