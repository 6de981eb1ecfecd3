import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreConformance } from '../testing/store-conformance.js';
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
});
