/**
 * The order in which a call's or message's end reaches the store: its final status callback is
 * queued in the outbox before its record is written as ended. A store commits a record's
 * callbacks queued before a write of the record first (store/types.ts `put`), so a crash between
 * the two leaves the call live in the store (recovery ends it and its final callback, same key,
 * is the one queued) and never ended with its final callback lost.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import { VirtualClock } from '../clock/virtual.js';
import type { MessageStatus, MessagingAdapter } from '../messaging/types.js';
import { createRuntime } from '../runtime.js';
import { MemoryStore } from '../store/memory.js';
import type { RecordKind, StoredRecord } from '../store/types.js';
import { DurableCallbacks } from '../webhooks/durable-callbacks.js';
import { persistRuntime, StoreWrites } from './persist.js';

const ACCOUNT = { sid: `AC${'4'.repeat(32)}`, authToken: 'token' };

/** A memory store that notes each write as it is made: `put <kind> <sid> <status>`, `add <key>`. */
class NotingStore extends MemoryStore {
  readonly writes: string[] = [];
  constructor() {
    super();
    const add = this.outbox.add.bind(this.outbox);
    this.outbox.add = (callback) => {
      this.writes.push(`add ${callback.key}`);
      return add(callback);
    };
  }
  override put<T extends StoredRecord>(kind: RecordKind, record: T, options?: Parameters<MemoryStore['put']>[2]) {
    this.writes.push(`put ${kind} ${record.sid} ${String((record as { status?: string }).status)}`);
    return super.put(kind, record, options);
  }
}

/** Delivers each message at once. */
const delivering: MessagingAdapter = {
  name: 'delivering',
  send: (_message, onStatus: (status: MessageStatus) => void) => {
    onStatus('sent');
    onStatus('delivered');
  },
};

describe('the end of a call or message in the store', () => {
  it('queues the final status callback before the record is written as ended', async () => {
    const store = new NotingStore();
    const clock = new VirtualClock();
    const callbacks = new DurableCallbacks(store, clock, async () => 'token');
    const runtime = createRuntime({
      media: new SimulatedNetwork(),
      messaging: delivering,
      clock,
      callbackQueue: callbacks,
    });
    const persistence = persistRuntime(runtime, new StoreWrites(store), () => clock.now());
    try {
      const call = runtime.calls.create({
        account: ACCOUNT,
        to: '+15550001111',
        from: '+15550002222',
        twiml: '<Response><Say>bye</Say></Response>',
        statusCallback: 'http://127.0.0.1:1/status',
      });
      await runtime.calls.ended(call.sid);
      const message = runtime.messages.send({
        account: ACCOUNT,
        to: '+15550003333',
        from: '+15550004444',
        body: 'hi',
        statusCallback: 'http://127.0.0.1:1/status',
      });
      await expect.poll(() => store.writes).toContainEqual(`put message ${message.sid} delivered`);

      const ended = store.writes.indexOf(`put call ${call.sid} completed`);
      expect(ended).toBeGreaterThan(-1);
      expect(store.writes.indexOf(`add ${call.sid}:final`)).toBeGreaterThan(-1);
      expect(store.writes.indexOf(`add ${call.sid}:final`)).toBeLessThan(ended);
      const delivered = store.writes.indexOf(`put message ${message.sid} delivered`);
      expect(store.writes.indexOf(`add ${message.sid}:final`)).toBeGreaterThan(-1);
      expect(store.writes.indexOf(`add ${message.sid}:final`)).toBeLessThan(delivered);
    } finally {
      persistence.stop();
      await runtime.close();
      await callbacks.close();
    }
  });
});
