import { describe, expect, it } from 'vitest';
import type { StoredConference } from '../api/persist.js';
import type { CallRecord } from '../calls/call.js';
import { recoverOwn } from '../cli/recover.js';
import type { MessageRecord } from '../messaging/types.js';
import { newSid } from '../sid.js';
import { MemoryStore } from '../store/memory.js';

const ACCOUNT = newSid('AC');
const call = (node?: string) =>
  ({
    sid: newSid('CA'),
    accountSid: ACCOUNT,
    status: 'in-progress',
    direction: 'outbound-api',
    to: '+15550300001',
    from: '+15550300000',
    createdAt: 1_000,
    updatedAt: 1_000,
    startedAt: 1_000,
    errors: [],
    ...(node ? { node } : {}),
  }) as unknown as CallRecord;
const message = (node?: string): MessageRecord & { node?: string } => ({
  sid: newSid('SM'),
  accountSid: ACCOUNT,
  direction: 'outbound-api',
  from: '+15550300000',
  to: '+15550300001',
  body: 'hi',
  mediaUrls: [],
  status: 'sent',
  statusCallback: 'http://app.example/sms-status',
  createdAt: 1_000,
  updatedAt: 1_000,
  ...(node ? { node } : {}),
});
const conference = (node?: string) =>
  ({
    sid: newSid('CF'),
    accountSid: ACCOUNT,
    friendlyName: 'room',
    status: 'in-progress',
    createdAt: 1_000,
    updatedAt: 1_000,
    ...(node ? { node } : {}),
  }) as unknown as StoredConference;

describe("recovery of one node's records", () => {
  it("closes only the named node's calls, conferences and messages, with their final callbacks", async () => {
    const store = new MemoryStore();
    const [callA, callB, messageA, messageB, roomA, roomB] = [
      call('node-a'),
      call('node-b'),
      message('node-a'),
      message('node-b'),
      conference('node-a'),
      conference('node-b'),
    ];
    for (const record of [callA, callB]) await store.put('call', record);
    for (const record of [messageA, messageB]) await store.put('message', record);
    for (const record of [roomA, roomB]) await store.put('conference', record);

    expect(await recoverOwn(store, 5_000, 'node-a')).toEqual({ calls: 2, messages: 1, callbacks: 0 });
    expect((await store.get<CallRecord>('call', ACCOUNT, callA.sid))?.status).toBe('completed');
    expect((await store.get<CallRecord>('call', ACCOUNT, callB.sid))?.status).toBe('in-progress');
    expect(await store.get<MessageRecord>('message', ACCOUNT, messageA.sid)).toMatchObject({
      status: 'undelivered',
      errorCode: 30008,
    });
    expect((await store.get<MessageRecord>('message', ACCOUNT, messageB.sid))?.status).toBe('sent');
    expect((await store.get<StoredConference>('conference', ACCOUNT, roomA.sid))?.status).toBe('completed');
    expect((await store.get<StoredConference>('conference', ACCOUNT, roomB.sid))?.status).toBe('in-progress');
    const queued = await store.outbox.due(Number.MAX_SAFE_INTEGER, 100);
    expect(queued.map((callback) => callback.params.MessageSid)).toEqual([messageA.sid]);

    // A single node (no id) closes everything left, as before clusters.
    expect(await recoverOwn(store, 6_000)).toEqual({ calls: 2, messages: 1, callbacks: 0 });
  });
});
