import { readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpProcesses, dataDirectory } from '../cli/processes.test-support.js';
import { PatchbayError } from '../errors.js';
import { monitored } from './health.js';
import { MemoryStore } from './memory.js';
import { SqliteStore } from './sqlite.js';

afterEach(cleanUpProcesses);
const freshDirectory = () => dataDirectory('patchbay-health-');

const ACCOUNT = `AC${'4'.repeat(32)}`;
const record = (i: number) => ({
  sid: `CA${String(i).padStart(32, '0')}`,
  accountSid: ACCOUNT,
  createdAt: i,
  pad: 'x'.repeat(2000),
});

describe('a monitored store', () => {
  it('fails writes past SQLite’s size cap with store-full, is degraded once, and recovers on the next commit', async () => {
    const store = monitored(await SqliteStore.open(await freshDirectory(), { maxPages: 40 }), {
      probeEveryMs: 60_000,
      quietMs: 0,
    });
    const events: string[] = [];
    store.health.events.on('degraded', (error) => events.push(`degraded ${error.code}`));
    store.health.events.on('recovered', () => events.push('recovered'));
    let stored = 0;
    let failure: unknown;
    for (let i = 0; i < 500 && failure === undefined; i++) {
      await store.put('call', record(i)).then(
        () => stored++,
        (error: unknown) => {
          failure = error;
        },
      );
    }
    expect(failure).toBeInstanceOf(PatchbayError);
    expect(failure).toMatchObject({ code: 'store-full', status: 503, numericCode: 20503 });
    await expect(store.put('call', record(1000))).rejects.toMatchObject({ code: 'store-full' });
    expect(store.health.state).toMatchObject({ status: 'degraded', code: 'store-full' });
    expect(events).toEqual(['degraded store-full']);
    // Reads still work, and space freed inside the database is used again.
    expect((await store.list('call', { accountSid: ACCOUNT, page: 0, pageSize: 1000 })).items).toHaveLength(stored);
    for (let i = 0; i < 10; i++) await store.delete('call', ACCOUNT, record(i).sid);
    await store.put('call', record(2000));
    expect(store.health.state).toEqual({ status: 'ok' });
    expect(events).toEqual(['degraded store-full', 'recovered']);
    await store.close();
  });

  it('leaves the degraded state by itself once a probe write succeeds and no write failed for a while', async () => {
    const directory = await freshDirectory();
    const store = monitored(await SqliteStore.open(directory, { maxPages: 40 }), { probeEveryMs: 20, quietMs: 50 });
    for (let i = 0; store.health.state.status === 'ok' && i < 500; i++)
      await store.put('call', record(i)).catch(() => undefined);
    expect(store.health.state.status).toBe('degraded');
    const recovered = new Promise((resolve) => store.health.events.once('recovered', resolve));
    // Space comes back from outside (another connection deletes old rows); no request writes.
    const other = await SqliteStore.open(directory);
    for (let i = 0; i < 20; i++) await other.delete('call', ACCOUNT, record(i).sid);
    await other.close();
    await recovered;
    expect(store.health.state).toEqual({ status: 'ok' });
    await store.close();
  });

  it('fails a blob written to a full device with store-full (ENOSPC), leaving no partial file', async () => {
    const directory = await freshDirectory();
    const store = monitored(await SqliteStore.open(directory), { quietMs: 0 });
    // The temporary file a blob is written to is the kernel's always-full device.
    await symlink('/dev/full', join(directory, 'blobs', 'RE1.wav.tmp'));
    await expect(store.blobs.put('RE1.wav', new Uint8Array(4096))).rejects.toMatchObject({
      code: 'store-full',
      cause: expect.objectContaining({ code: 'ENOSPC' }),
    });
    expect(store.health.state).toMatchObject({ status: 'degraded', code: 'store-full' });
    expect(await readdir(join(directory, 'blobs'))).toEqual([]);
    expect(await store.blobs.get('RE1.wav')).toBeUndefined();
    await store.blobs.put('RE1.wav', new Uint8Array([1, 2, 3]));
    expect(store.health.state.status).toBe('ok');
    expect(await store.blobs.get('RE1.wav')).toEqual(new Uint8Array([1, 2, 3]));
    await store.close();
  });

  it('lets errors that say nothing about the store through unchanged', async () => {
    const store = monitored(await SqliteStore.open(await freshDirectory()));
    await expect(store.blobs.put('../escape', new Uint8Array(1))).rejects.toBeInstanceOf(TypeError);
    expect(store.health.state.status).toBe('ok');
    await store.close();
  });

  it('is degraded by a read that finds the database unreachable, not by other read errors, and a read never ends it', async () => {
    const inner = new MemoryStore();
    let failure: unknown;
    const reading = Object.assign(Object.create(inner) as MemoryStore, {
      find: async () => {
        throw failure;
      },
    });
    const store = monitored(reading, { probeEveryMs: 60_000, quietMs: 0 });
    failure = new PatchbayError('invalid-url', 'not a store problem');
    await expect(store.find('account', ACCOUNT)).rejects.toBe(failure);
    expect(store.health.state).toEqual({ status: 'ok' });
    failure = new PatchbayError(
      'store-unavailable',
      'the database cannot be reached (ECONNREFUSED): see the server log',
    );
    await expect(store.find('account', ACCOUNT)).rejects.toBe(failure);
    expect(store.health.state).toMatchObject({ status: 'degraded', code: 'store-unavailable' });
    await store.get('call', ACCOUNT, record(1).sid);
    expect(store.health.state.status).toBe('degraded');
    await store.put('call', record(1));
    expect(store.health.state).toEqual({ status: 'ok' });
    await store.close();
  });
});
