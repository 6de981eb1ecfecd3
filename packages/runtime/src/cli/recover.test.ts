import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredConference } from '../api/persist.js';
import type { CallRecord } from '../calls/call.js';
import { finalCallbackKey } from '../interpreter/call-state.js';
import type { MessageRecord } from '../messaging/types.js';
import { newSid } from '../sid.js';
import { SqliteStore } from '../store/sqlite.js';
import { recoverCalls, recoverMessages } from './recover.js';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

describe('recoverCalls', () => {
  it('closes the calls and conferences a dead process left live, sends their final callback, and touches nothing else', async () => {
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
    const live = {
      ...call('in-progress', 10_000),
      statusCallback: {
        url: 'http://app.example/status',
        method: 'POST' as const,
        events: ['answered', 'completed'] as const,
        nextSequence: 1,
      },
    };
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
    // The answered callback was stored with SequenceNumber 1 after the last write of the record.
    await store.outbox.add({
      key: `${live.sid}:1`,
      accountSid: account,
      url: 'http://app.example/status',
      method: 'POST',
      params: { CallStatus: 'in-progress', SequenceNumber: '1' },
      nextAttemptAt: 10_000,
    });
    await store.close();

    store = await SqliteStore.open(data);
    expect(await recoverCalls(store, 70_000)).toBe(3);
    expect(await store.get('call', account, live.sid)).toMatchObject({ status: 'completed', duration: 60 });
    expect(await store.get('call', account, ringing.sid)).toMatchObject({ status: 'failed', endedAt: 70_000 });
    expect(await store.get('call', account, done.sid)).toEqual(done);
    expect(await store.get('conference', account, room.sid)).toMatchObject({ status: 'completed', endedAt: 70_000 });
    // The app asked for `completed` on the live call: it gets it, with the next free SequenceNumber.
    const queued = await store.outbox.due(Number.MAX_SAFE_INTEGER, 10);
    expect(queued.map((c) => c.key)).toEqual([`${live.sid}:1`, `${live.sid}:final`]);
    expect(queued[1]).toMatchObject({
      url: 'http://app.example/status',
      method: 'POST',
      params: { CallSid: live.sid, CallStatus: 'completed', SequenceNumber: '2', CallDuration: '60', Duration: '1' },
    });
    // The same parameters as any other callback of a call: the location ones included.
    expect(queued[1]?.params).toMatchObject({ FromCountry: 'US', ToCountry: 'US', CallerCountry: 'US', CalledZip: '' });
    expect(await recoverCalls(store, 80_000)).toBe(0);
    await store.close();
  });
});

describe('recoverCalls taking over a call whose node already ended it', () => {
  it('queues no second final callback when the node queued its own before the record said so', async () => {
    // A partitioned node ends its calls while a survivor takes them over: the node's final
    // callback can be in the outbox while the stored record still says in-progress.
    const data = await mkdtemp(join(tmpdir(), 'patchbay-recover-'));
    directories.push(data);
    const account = newSid('AC');
    const live = {
      sid: newSid('CA'),
      accountSid: account,
      status: 'in-progress',
      direction: 'outbound-api',
      to: '+15550300001',
      from: '+15550300000',
      createdAt: 1_000,
      updatedAt: 1_000,
      startedAt: 10_000,
      errors: [],
      node: 'node-a',
      statusCallback: { url: 'http://app.example/status', method: 'POST', events: ['completed'], nextSequence: 0 },
    } as unknown as CallRecord;
    const store = await SqliteStore.open(data);
    await store.put('call', live);
    await store.outbox.add({
      key: finalCallbackKey(live.sid),
      accountSid: account,
      url: 'http://app.example/status',
      method: 'POST',
      params: { CallSid: live.sid, CallStatus: 'completed', SequenceNumber: '0' },
      nextAttemptAt: 20_000,
    });
    expect(await recoverCalls(store, 30_000, 'node-a')).toBe(1);
    const queued = await store.outbox.due(Number.MAX_SAFE_INTEGER, 10);
    expect(queued.map((c) => c.params.SequenceNumber)).toEqual(['0']);
    await store.close();
  });
});

describe('recoverMessages', () => {
  it('ends the messages a dead process left on their way and queues the final callback their app asked for', async () => {
    const data = await mkdtemp(join(tmpdir(), 'patchbay-recover-'));
    directories.push(data);
    const account = newSid('AC');
    const message = (status: MessageRecord['status'], statusCallback?: string): MessageRecord => ({
      sid: newSid('SM'),
      accountSid: account,
      direction: 'outbound-api',
      from: '+15550300000',
      to: '+15550300001',
      body: 'hello',
      mediaUrls: [],
      status,
      createdAt: 1_000,
      updatedAt: 1_000,
      ...(statusCallback ? { statusCallback } : {}),
    });
    const queued = message('queued', 'http://app.example/sms-status');
    const sending = message('sending');
    const sent = message('sent', 'http://app.example/sms-status');
    const delivered = message('delivered', 'http://app.example/sms-status');
    const received = { ...message('received'), direction: 'inbound' as const };
    const store = await SqliteStore.open(data);
    for (const record of [queued, sending, sent, delivered, received]) await store.put('message', record);

    expect(await recoverMessages(store, 70_000)).toBe(3);
    expect(await store.get('message', account, queued.sid)).toMatchObject({
      status: 'failed',
      errorCode: 30008,
      updatedAt: 70_000,
    });
    expect(await store.get('message', account, sending.sid)).toMatchObject({ status: 'failed', errorCode: 30008 });
    expect(await store.get('message', account, sent.sid)).toMatchObject({ status: 'undelivered', errorCode: 30008 });
    expect(await store.get('message', account, delivered.sid)).toEqual(delivered);
    expect(await store.get('message', account, received.sid)).toEqual(received);
    const queuedCallbacks = await store.outbox.due(Number.MAX_SAFE_INTEGER, 10);
    expect(queuedCallbacks.map((c) => [c.key, c.url, c.params.MessageStatus, c.params.ErrorCode])).toEqual([
      [`${queued.sid}:final`, 'http://app.example/sms-status', 'failed', '30008'],
      [`${sent.sid}:final`, 'http://app.example/sms-status', 'undelivered', '30008'],
    ]);
    expect(queuedCallbacks[0]?.params).toMatchObject({
      MessageSid: queued.sid,
      SmsSid: queued.sid,
      AccountSid: account,
      SmsStatus: 'failed',
    });
    expect(await recoverMessages(store, 80_000)).toBe(0);
    await store.close();
  });
});
