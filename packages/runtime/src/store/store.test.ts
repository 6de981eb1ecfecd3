import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreConformance } from '../testing/store-conformance.js';
import { backupDataDirectory } from './backup.js';
import { MemoryStore } from './memory.js';
import { SqliteStore } from './sqlite.js';

const directories: string[] = [];
async function freshDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'patchbay-store-'));
  directories.push(directory);
  return directory;
}
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

runStoreConformance('memory', async () => new MemoryStore());
runStoreConformance('sqlite', async () => SqliteStore.open(await freshDirectory()));

describe('SqliteStore', () => {
  it('commits the writes of one turn together, and a read sees every write made before it', async () => {
    const store = await SqliteStore.open(await freshDirectory());
    const account = `AC${'3'.repeat(32)}`;
    const records = Array.from({ length: 200 }, (_, i) => ({
      sid: `CA${String(i).padStart(32, '0')}`,
      accountSid: account,
      createdAt: i,
    }));
    const writes = records.map((record) => store.put('call', record));
    // Not awaited: the read flushes the pending writes first.
    expect(await store.get('call', account, records[199]?.sid ?? '')).toEqual(records[199]);
    await Promise.all(writes);
    expect((await store.list('call', { accountSid: account, page: 0, pageSize: 1000 })).items).toHaveLength(200);
    await store.close();
  });

  it('moves the write-ahead log into the database from a worker thread', async () => {
    const directory = await freshDirectory();
    let checkpointed!: (result: { log: number; checkpointed: number }) => void;
    const done = new Promise<{ log: number; checkpointed: number }>((resolve) => {
      checkpointed = resolve;
    });
    const store = await SqliteStore.open(directory, {
      checkpointEveryMs: 10,
      onCheckpoint: (result) => result.checkpointed > 0 && checkpointed(result),
    });
    const account = `AC${'4'.repeat(32)}`;
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        store.put('call', {
          sid: `CA${String(i).padStart(32, '0')}`,
          accountSid: account,
          createdAt: i,
          pad: 'x'.repeat(200),
        }),
      ),
    );
    const result = await done;
    expect(result.checkpointed).toBe(result.log);
    await store.close();
    const reopened = await SqliteStore.open(directory);
    expect((await reopened.list('call', { accountSid: account, page: 0, pageSize: 1000 })).items).toHaveLength(500);
    await reopened.close();
  });

  it('keeps records, pending callbacks and blobs across reopening', async () => {
    const directory = await freshDirectory();
    const before = await SqliteStore.open(directory);
    const record = { sid: `CA${'1'.repeat(32)}`, accountSid: `AC${'2'.repeat(32)}`, createdAt: 5, status: 'queued' };
    await before.put('call', record);
    await before.outbox.add({
      key: 'k',
      accountSid: record.accountSid,
      url: 'http://a',
      method: 'POST',
      params: { A: '1' },
      nextAttemptAt: 0,
    });
    await before.blobs.put('RE1.wav', new Uint8Array([1, 2, 3]));
    await before.close();
    const after = await SqliteStore.open(directory);
    expect(await after.get('call', record.accountSid, record.sid)).toEqual(record);
    expect(await after.outbox.due(1, 10)).toEqual([expect.objectContaining({ key: 'k', params: { A: '1' } })]);
    expect(await after.blobs.get('RE1.wav')).toEqual(new Uint8Array([1, 2, 3]));
    await after.close();
  });

  it('refuses filter fields and blob keys that could escape their place', async () => {
    const store = await SqliteStore.open(await freshDirectory());
    await expect(
      store.list('call', { accountSid: 'AC1', where: { "x') OR 1=1 --": 'y' }, page: 0, pageSize: 1 }),
    ).rejects.toThrow(TypeError);
    await expect(store.blobs.put('../escape', new Uint8Array())).rejects.toThrow(TypeError);
    await store.close();
  });

  it('keeps its database (auth tokens, key secrets) readable by its owner only, whatever the umask', async () => {
    const mode = async (file: string) => (await stat(file)).mode & 0o777;
    const directory = await freshDirectory();
    // A directory anyone may read, as an operator might make it, and a permissive umask.
    await chmod(directory, 0o755);
    const umask = process.umask(0o022);
    try {
      const store = await SqliteStore.open(directory);
      await store.put('setting', { sid: 'x', accountSid: 'AC1', createdAt: 1 });
      for (const file of ['patchbay.db', 'patchbay.db-wal', 'patchbay.db-shm'])
        expect(await mode(join(directory, file))).toBe(0o600);
      const copy = join(await freshDirectory(), 'copy');
      await backupDataDirectory(directory, copy);
      expect(await mode(join(copy, 'patchbay.db'))).toBe(0o600);
      await store.close();
      // A database made before (with the umask's mode) is restricted when the server opens it.
      await chmod(join(directory, 'patchbay.db'), 0o644);
      const reopened = await SqliteStore.open(directory);
      expect(await mode(join(directory, 'patchbay.db'))).toBe(0o600);
      await reopened.close();
    } finally {
      process.umask(umask);
    }
  });
});
