import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredConference } from '../api/persist.js';
import type { CallRecord } from '../calls/call.js';
import { newSid } from '../sid.js';
import { SqliteStore } from '../store/sqlite.js';
import { recoverCalls } from './serve.js';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

describe('recoverCalls', () => {
  it('closes the calls and conferences a dead process left live, and nothing else', async () => {
    const data = await mkdtemp(join(tmpdir(), 'patchbay-recover-'));
    directories.push(data);
    const account = newSid('AC');
    const call = (status: CallRecord['status'], startedAt?: number) =>
      ({
        sid: newSid('CA'),
        accountSid: account,
        status,
        direction: 'outbound-api',
        to: '+15550300001',
        from: '+15550300000',
        createdAt: 1_000,
        updatedAt: 1_000,
        errors: [],
        ...(startedAt === undefined ? {} : { startedAt }),
      }) as unknown as CallRecord;
    const live = call('in-progress', 10_000);
    const ringing = call('ringing');
    const done = call('completed', 5_000);
    const room: StoredConference = {
      sid: newSid('CF'),
      accountSid: account,
      friendlyName: 'standup',
      status: 'in-progress',
      createdAt: 1_000,
      updatedAt: 1_000,
    };
    let store = await SqliteStore.open(data);
    for (const record of [live, ringing, done]) await store.put('call', record);
    await store.put('conference', room);
    await store.close();

    store = await SqliteStore.open(data);
    expect(await recoverCalls(store, 70_000)).toBe(3);
    expect(await store.get('call', account, live.sid)).toMatchObject({ status: 'completed', duration: 60 });
    expect(await store.get('call', account, ringing.sid)).toMatchObject({ status: 'failed', endedAt: 70_000 });
    expect(await store.get('call', account, done.sid)).toEqual(done);
    expect(await store.get('conference', account, room.sid)).toMatchObject({ status: 'completed', endedAt: 70_000 });
    expect(await recoverCalls(store, 80_000)).toBe(0);
    await store.close();
  });
});
