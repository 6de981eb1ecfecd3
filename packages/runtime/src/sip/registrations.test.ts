/**
 * Registrations kept for the registrar survive the store being closed and opened again (a
 * restart), come back without what expired meanwhile, and are forgotten when the last binding goes;
 * another registrar on the same store (a cluster's other node) finds an AOR's live bindings.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite.js';
import { type SavedSipBinding, storeSipRegistrations } from './registrations.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const binding = (host: string, expiresAt: number): SavedSipBinding => ({
  contact: `<sip:alice@${host}:5060>`,
  source: {
    transport: 'udp',
    address: host,
    port: 5060,
    local: { transport: 'udp', host: '127.0.0.1', port: 5060 },
  },
  expiresAt,
  callId: 'c1',
  cseq: 1,
});

describe('SIP registrations in the SQLite store', () => {
  it('come back after a restart, without bindings that expired while it was down', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'patchbay-registrations-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const first = await SqliteStore.open(directory);
    const before = storeSipRegistrations(first, () => 1_000);
    await before.save('alice@a.test', [binding('10.0.0.1', 5_000), binding('10.0.0.2', 9_000)]);
    await before.save('bob@a.test', [binding('10.0.0.3', 4_000)]);
    await before.save('carol@a.test', [binding('10.0.0.4', 9_000)]);
    await before.save('carol@a.test', []);
    await first.close();

    const second = await SqliteStore.open(directory);
    cleanups.push(() => second.close());
    const after = storeSipRegistrations(second);
    expect(await after.load(6_000)).toEqual([{ aor: 'alice@a.test', bindings: [binding('10.0.0.2', 9_000)] }]);
    // Bob's record expired while the server was down: loading forgot it, even for an earlier clock.
    expect((await after.load(0)).map((r) => r.aor)).toEqual(['alice@a.test']);
  });

  it('are found by another registrar on the same store, by AOR in any case or with its scheme, live ones only', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'patchbay-registrations-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const store = await SqliteStore.open(directory);
    cleanups.push(() => store.close());
    const [nodeA, nodeB] = [storeSipRegistrations(store), storeSipRegistrations(store)];
    await nodeA.save('alice@a.test', [binding('10.0.0.1', 5_000), binding('10.0.0.2', 9_000)]);
    expect(await nodeB.find('sip:Alice@A.test', 6_000)).toEqual([binding('10.0.0.2', 9_000)]);
    expect(await nodeB.find('alice@a.test', 10_000)).toEqual([]);
    expect(await nodeB.find('bob@a.test', 0)).toEqual([]);
    await nodeA.save('alice@a.test', []);
    expect(await nodeB.find('alice@a.test', 0)).toEqual([]);
  });
});
