/**
 * The part of the Store conformance suite about several nodes writing one store: what a node that
 * lost a record or a callback (cut off from the cluster, taken over) may still write, and may not.
 * Run by runStoreConformance for every store; the outbox fence only where the store has one.
 */
import { expect, it } from 'vitest';
import type { Store, StoredRecord } from '../store/types.js';

interface Message extends StoredRecord {
  readonly status: string;
}

const A = `AC${'a'.repeat(32)}`;
const FINAL = ['delivered', 'undelivered', 'failed'];

export function nodeConformance(withStore: (test: (store: Store) => Promise<void>) => Promise<void>): void {
  it('never moves a record out of a final status with a put that names the final statuses', () =>
    withStore(async (store) => {
      const message = (status: string): Message => ({ sid: 'SM1', accountSid: A, createdAt: 1, status });
      const guarded = (status: string) => store.put('message', message(status), { unlessStatusIn: FINAL });
      await guarded('queued');
      await guarded('sent');
      expect((await store.get<Message>('message', A, 'SM1'))?.status).toBe('sent');
      // The survivor of a dead node ends it; the node's own late status arrives after.
      await guarded('undelivered');
      await guarded('delivered');
      await guarded('sending');
      expect((await store.get<Message>('message', A, 'SM1'))?.status).toBe('undelivered');
      // Concurrent guarded writes: whichever final lands first stays.
      await store.put('message', { sid: 'SM2', accountSid: A, createdAt: 2, status: 'sent' } as Message);
      const racing = ['delivered', 'sending', 'failed', 'sent'].map((status) =>
        store.put('message', { sid: 'SM2', accountSid: A, createdAt: 2, status } as Message, { unlessStatusIn: FINAL }),
      );
      await Promise.all(racing);
      expect((await store.get<Message>('message', A, 'SM2'))?.status).toBe('delivered');
      // Without the option a put replaces, as always.
      await store.put('message', message('queued'));
      expect((await store.get<Message>('message', A, 'SM1'))?.status).toBe('queued');
    }));

  it('lets a node send a callback only while its claim holds: a release or a new claim fences it', () =>
    withStore(async (store) => {
      const { hold, release } = store.outbox;
      if (!hold || !release) return; // a store one process uses: nobody else claims
      const base = { accountSid: A, url: 'http://app/status', method: 'POST' as const, params: {} };
      await store.outbox.add({ ...base, key: 'CA4:0', nextAttemptAt: 100 });
      const claim = (owner: string, now: number) => store.outbox.claim({ now, limit: 1, owner, leaseMs: 500 });
      const [first] = await claim('a', 1000);
      expect(first?.claim).toBeTypeOf('number');
      const held = first?.claim ?? 0;
      const id = first?.id ?? 0;
      // Extended right before sending: not due again until the new end.
      expect(await hold.call(store.outbox, id, held, 3000)).toBe(true);
      expect(await claim('b', 2000)).toEqual([]);
      // Node a is taken over: its claim is released; it may no longer send, nor finish it.
      expect(await release.call(store.outbox, 'a', 2000)).toBe(1);
      expect(await hold.call(store.outbox, id, held, 4000)).toBe(false);
      await store.outbox.done(id, held);
      await store.outbox.retry(id, 9000, held);
      const [again] = await claim('b', 2000);
      expect(again).toMatchObject({ id, attempts: 0 });
      expect(again?.claim).not.toBe(held);
      // A node that will not send after all gives it back: due at once, for anyone.
      expect(await hold.call(store.outbox, id, again?.claim ?? 0, 2000)).toBe(true);
      const [third] = await claim('c', 2000);
      expect(third?.id).toBe(id);
      expect(await hold.call(store.outbox, id, again?.claim ?? 0, 5000)).toBe(false);
      await store.outbox.done(id, third?.claim);
      expect(await store.outbox.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      expect(await hold.call(store.outbox, id, third?.claim ?? 0, 5000)).toBe(false);
    }));

  it("lets a node claim a callback only once its resource's older ones are done, whichever node has them", () =>
    withStore(async (store) => {
      if (!store.outbox.release) return; // a store one process uses: the node keeps the order itself
      const [C5, C6] = [`CA${'5'.repeat(32)}`, `CA${'6'.repeat(32)}`];
      const base = { accountSid: A, url: 'http://app/status', method: 'POST' as const, params: {} };
      await store.outbox.add({ ...base, key: `${C5}:0`, nextAttemptAt: 100 });
      await store.outbox.add({ ...base, key: `${C5}:1`, nextAttemptAt: 100 });
      await store.outbox.add({ ...base, key: `${C6}:0`, nextAttemptAt: 100 });
      const claim = (owner: string, now: number, limit = 10) => store.outbox.claim({ now, limit, owner, leaseMs: 500 });
      const keys = (claimed: readonly { key?: string }[]) => claimed.map((callback) => callback.key);
      // One claim takes the oldest of each resource, not the ones behind them.
      const first = await claim('a', 1000);
      expect(keys(first)).toEqual([`${C5}:0`, `${C6}:0`]);
      // Node b may not take CA5:1 while a has CA5:0 on its way, nor once a's lease ended and CA5:0 is due again.
      expect(keys(await claim('b', 1200))).toEqual([]);
      const [older] = first;
      const again = await claim('b', 2000, 1);
      expect(keys(again)).toEqual([`${C5}:0`]);
      await store.outbox.done(older?.id ?? 0, again[0]?.claim);
      // Done: the next one may go, to any node.
      expect(keys(await claim('a', 2000, 1))).toEqual([`${C5}:1`]);
    }));
}
