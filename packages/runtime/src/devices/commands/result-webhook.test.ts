/**
 * A result webhook survives a crash between recording the outcome and queuing it: a server dies
 * (here: its callback queue fails, and the store is closed as a kill leaves it) either before the
 * webhook reached the outbox or after it did but before the mark was cleared. Started again on
 * the same SQLite file, the service queues what is still marked, and each webhook arrives once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'eventemitter3';
import { afterEach, expect, it } from 'vitest';
import type { AccountRecord } from '../../api/auth.js';
import { bootstrapAccount } from '../../api/server.js';
import { systemClock } from '../../clock/clock.js';
import { SqliteStore } from '../../store/sqlite.js';
import type { Store } from '../../store/types.js';
import { startAppServer } from '../../testing/app-server.js';
import type { Callback, CallbackEvents, Callbacks } from '../../webhooks/callbacks.js';
import { DurableCallbacks } from '../../webhooks/durable-callbacks.js';
import type { DeviceRecord } from '../records.js';
import type { CommandRecord } from './records.js';
import { CommandService } from './service.js';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

/** A callback queue whose process dies at `step`: before the webhook is stored, or after. */
function dying(store: Store, step: 'before-outbox' | 'after-outbox'): Callbacks {
  const die = () => {
    throw new Error('killed');
  };
  return {
    events: new EventEmitter<CallbackEvents>(),
    // Fire and forget: the process dies before the write lands.
    send: () => undefined,
    async queue(callback: Callback) {
      if (step === 'after-outbox')
        await store.outbox.add({
          key: callback.key ?? '',
          accountSid: String(callback.params.AccountSid),
          url: callback.url,
          method: callback.method,
          params: callback.params,
          nextAttemptAt: 0,
        });
      die();
    },
    drain: async () => undefined,
  };
}

const service = (store: Store, callbacks: Callbacks) =>
  new CommandService({ store, clock: systemClock, wake: async () => undefined, callbacks });

it('posts every result webhook exactly once after a crash between the outcome and the outbox', async () => {
  await using app = await startAppServer({ '/done': () => '' });
  const directory = await mkdtemp(join(tmpdir(), 'patchbay-command-webhooks-'));
  directories.push(directory);
  const results: CommandRecord[] = [];
  for (const step of ['before-outbox', 'after-outbox'] as const) {
    const store = await SqliteStore.open(directory);
    const { account } = await bootstrapAccount(store, { now: Date.now() });
    const device: DeviceRecord = {
      sid: `DV${step === 'before-outbox' ? '1' : '2'}${'0'.repeat(31)}`,
      accountSid: account.sid,
      createdAt: Date.now(),
      updatedAt: Date.now(),
      deviceId: step,
      identity: 'ann',
      binding: { type: 'email', address: 'ann@example.com' },
      secret: 'secret',
    };
    await store.put('device', device);
    const first = service(store, dying(store, step));
    const command = await first.submit(account, device.sid, {
      action: 'ring',
      params: {},
      resultCallback: `${app.url}/done`,
    });
    const settled = await first.settle(account.sid, command.sid, { status: 'completed', result: { rang: step } });
    // The outcome is recorded (and answered) though its webhook died on the way.
    expect(settled).toMatchObject({ recorded: true, record: { status: 'completed' } });
    results.push(settled.record);
    first.close();
    await store.close();
  }
  expect(app.requestsTo('/done')).toHaveLength(0);

  // Started again on the same file: the outbox delivers what it holds; the service queues what is marked.
  const store = await SqliteStore.open(directory);
  const tokenFor = async (sid: string) => (await store.find<AccountRecord>('account', sid))?.authToken;
  const callbacks = new DurableCallbacks(store, systemClock, tokenFor);
  callbacks.start();
  const second = service(store, callbacks);
  await second.start();
  await callbacks.drain();
  const posted = app.requestsTo('/done');
  expect(posted.map((request) => request.headers['i-twilio-idempotency-token']).sort()).toEqual(
    results.map((record) => `${record.sid}:settled`).sort(),
  );
  expect(posted.map((request) => request.params['Result.rang']).sort()).toEqual(['after-outbox', 'before-outbox']);
  // Queued, the marks are gone: a later start posts nothing more.
  for (const record of results)
    expect(await store.get<CommandRecord>('device-command', record.accountSid, record.sid)).not.toHaveProperty(
      'webhookPending',
    );
  second.close();
  await callbacks.close();
  await store.close();
  const again = await SqliteStore.open(directory);
  const later = new DurableCallbacks(again, systemClock, tokenFor);
  later.start();
  const third = service(again, later);
  await third.start();
  await later.drain();
  expect(app.requestsTo('/done')).toHaveLength(2);
  third.close();
  await later.close();
  await again.close();
});
