import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { sqliteUnavailable } from './sqlite-driver.js';

it('names a binary that does not load, and one built for another Node.js, and leaves other errors alone', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'patchbay-dlopen-'));
  try {
    // What the loader throws for a file that is not a binary for this platform.
    const file = join(folder, 'better_sqlite3.node');
    await writeFile(file, 'not a shared object');
    let thrown: unknown;
    try {
      process.dlopen({ exports: {} }, file);
    } catch (error) {
      thrown = error;
    }
    expect(sqliteUnavailable(thrown)).toMatchObject({
      code: 'sqlite-unavailable',
      message: expect.stringMatching(
        /^the SQLite driver \(better-sqlite3, a native module\) cannot load: its binary does not load \(/,
      ),
    });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  // Node's message for an ABI mismatch (after a Node.js upgrade without `npm rebuild`).
  const abi = Object.assign(
    new Error(
      "The module '/opt/patchbay/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 127. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
    ),
    { code: 'ERR_DLOPEN_FAILED' },
  );
  expect(sqliteUnavailable(abi)?.message).toBe(
    'the SQLite driver (better-sqlite3, a native module) cannot load: its binary was built for another Node.js version (NODE_MODULE_VERSION 115; this one needs 127)',
  );
  expect(sqliteUnavailable(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }))).toBeUndefined();
  expect(sqliteUnavailable('text')).toBeUndefined();
});
