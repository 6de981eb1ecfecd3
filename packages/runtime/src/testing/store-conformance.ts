/**
 * The conformance suite every Store runs (memory, SQLite, and later PostgreSQL).
 *
 * @example
 * runStoreConformance('sqlite', async () => SqliteStore.open(await mkdtemp(...)));
 */
import { describe, expect, it } from 'vitest';
import type { Store, StoredRecord } from '../store/types.js';
import { nodeConformance } from './store-conformance-nodes.js';

interface Call extends StoredRecord {
  readonly status: string;
  readonly to: string;
  readonly answered: boolean;
}

const A = `AC${'a'.repeat(32)}`;
const B = `AC${'b'.repeat(32)}`;
const call = (n: number, accountSid = A, extra: Partial<Call> = {}): Call => ({
  sid: `CA${String(n).padStart(32, '0')}`,
  accountSid,
  createdAt: 1_700_000_000_000 + n,
  status: n % 2 === 0 ? 'completed' : 'busy',
  to: `+1555000${String(n).padStart(4, '0')}`,
  answered: n % 2 === 0,
  ...extra,
});

export function runStoreConformance(name: string, open: () => Promise<Store>): void {
  describe(`store conformance: ${name}`, () => {
    async function withStore(test: (store: Store) => Promise<void>) {
      const store = await open();
      try {
        await test(store);
      } finally {
        await store.close();
      }
    }

    it('puts, gets, replaces and deletes records, within their account only', () =>
      withStore(async (store) => {
        await store.put('call', call(1));
        expect(await store.get('call', A, call(1).sid)).toEqual(call(1));
        expect(await store.get('call', B, call(1).sid)).toBeUndefined();
        expect(await store.get('message', A, call(1).sid)).toBeUndefined();
        expect(await store.find('call', call(1).sid)).toEqual(call(1));
        await store.put('call', call(1, A, { status: 'in-progress' }));
        expect((await store.get<Call>('call', A, call(1).sid))?.status).toBe('in-progress');
        expect(await store.delete('call', B, call(1).sid)).toBe(false);
        expect(await store.delete('call', A, call(1).sid)).toBe(true);
        expect(await store.get('call', A, call(1).sid)).toBeUndefined();
      }));

    it('updates the record as stored at that moment, in order with every other write', () =>
      withStore(async (store) => {
        await store.put('call', call(1, A, { status: 'queued' }));
        // Not awaited: each update must see the one before it (a read-then-put would lose all but one).
        const bumps = Array.from({ length: 20 }, () =>
          store.update<Call>('call', A, call(1).sid, (current) => ({ ...current, to: `${current.to}+` })),
        );
        await Promise.all(bumps);
        expect((await store.get<Call>('call', A, call(1).sid))?.to).toBe(`${call(1).to}${'+'.repeat(20)}`);

        // A write made after a caller read the record is what its update starts from.
        const stale = await store.get<Call>('call', A, call(1).sid);
        await store.put('call', { ...stale, status: 'completed' } as Call);
        const updated = await store.update<Call>('call', A, call(1).sid, (current) => ({
          ...current,
          answered: false,
        }));
        expect(updated).toMatchObject({ status: 'completed', answered: false });
        expect(await store.get('call', A, call(1).sid)).toEqual(updated);
      }));

    it('leaves a deleted record deleted, and another account’s record alone', () =>
      withStore(async (store) => {
        await store.put('call', call(2));
        const deleting = store.delete('call', A, call(2).sid);
        let called = false;
        const change = (current: Call) => {
          called = true;
          return { ...current, status: 'in-progress' };
        };
        // Made after the delete (not yet committed): it finds nothing and writes nothing.
        expect(await store.update<Call>('call', A, call(2).sid, change)).toBeUndefined();
        expect(await deleting).toBe(true);
        expect(called).toBe(false);
        expect(await store.find('call', call(2).sid)).toBeUndefined();

        await store.put('call', call(3, B));
        expect(await store.update<Call>('call', A, call(3).sid, change)).toBeUndefined();
        expect(await store.get('call', B, call(3).sid)).toEqual(call(3, B));
      }));

    it('writes nothing when the change refuses, or would move the record', () =>
      withStore(async (store) => {
        await store.put('call', call(4));
        const refusal = new Error('closed');
        await expect(
          store.update<Call>('call', A, call(4).sid, () => {
            throw refusal;
          }),
        ).rejects.toBe(refusal);
        await expect(
          store.update<Call>('call', A, call(4).sid, (current) => ({ ...current, accountSid: B })),
        ).rejects.toThrow(TypeError);
        await expect(
          store.update<Call>('call', A, call(4).sid, (current) => ({ ...current, sid: call(5).sid })),
        ).rejects.toThrow(TypeError);
        expect(await store.get('call', A, call(4).sid)).toEqual(call(4));
        expect(await store.find('call', call(5).sid)).toBeUndefined();
        expect(await store.get('call', B, call(4).sid)).toBeUndefined();
      }));

    it('lists newest first with equality filters on strings and booleans, in pages', () =>
      withStore(async (store) => {
        for (let n = 1; n <= 25; n++) await store.put('call', call(n));
        await store.put('call', call(99, B));
        const first = await store.list<Call>('call', { accountSid: A, page: 0, pageSize: 10 });
        expect(first.items.map((c) => c.sid)).toEqual(Array.from({ length: 10 }, (_, i) => call(25 - i).sid));
        expect(first.more).toBe(true);
        const last = await store.list<Call>('call', { accountSid: A, page: 2, pageSize: 10 });
        expect(last.items).toHaveLength(5);
        expect(last.more).toBe(false);
        const busy = await store.list<Call>('call', {
          accountSid: A,
          where: { status: 'busy' },
          page: 0,
          pageSize: 50,
        });
        expect(busy.items).toHaveLength(13);
        expect(busy.items.every((c) => c.status === 'busy')).toBe(true);
        const answered = await store.list<Call>('call', {
          accountSid: A,
          where: { answered: true, to: call(4).to },
          page: 0,
          pageSize: 50,
        });
        expect(answered.items.map((c) => c.sid)).toEqual([call(4).sid]);
        expect((await store.list('call', { accountSid: B, page: 0, pageSize: 50 })).items).toHaveLength(1);
        const between = await store.list<Call>('call', {
          accountSid: A,
          where: { status: 'busy' },
          ranges: { createdAt: { min: call(5).createdAt, max: call(9).createdAt } },
          page: 0,
          pageSize: 50,
        });
        expect(between.items.map((c) => c.sid)).toEqual([call(9).sid, call(7).sid, call(5).sid]);
        const after = await store.list<Call>('call', {
          accountSid: A,
          ranges: { createdAt: { min: call(24).createdAt } },
          page: 0,
          pageSize: 50,
        });
        expect(after.items.map((c) => c.sid)).toEqual([call(25).sid, call(24).sid]);
        const missing = await store.list('call', {
          accountSid: A,
          ranges: { endedAt: { min: 0 } },
          page: 0,
          pageSize: 50,
        });
        expect(missing.items).toEqual([]);
        expect(await store.findOne<Call>('call', { to: call(99).to })).toEqual(call(99, B));
        expect((await store.findOne<Call>('call', { status: 'completed' }))?.sid).toBe(call(24).sid);
        expect(await store.findOne('call', { to: 'nobody' })).toBeUndefined();
      }));

    it('queues callbacks once per key and hands them out when due until done', () =>
      withStore(async (store) => {
        const callback = {
          key: 'CA1:0',
          accountSid: A,
          url: 'http://app/status',
          method: 'POST' as const,
          params: { CallStatus: 'ringing', E: ['a', 'b'] },
          nextAttemptAt: 1000,
        };
        const first = await store.outbox.add(callback);
        expect(first).toBeTypeOf('number');
        expect(await store.outbox.add({ ...callback, url: 'http://elsewhere' })).toBeUndefined();
        const second = await store.outbox.add({ ...callback, key: 'CA1:1', nextAttemptAt: 500 });
        expect(second).toBeTypeOf('number');
        expect(second).not.toBe(first);
        expect(await store.outbox.due(999, 10)).toEqual([
          expect.objectContaining({ key: 'CA1:1', id: second, attempts: 0 }),
        ]);
        const [due] = await store.outbox.due(1000, 1);
        expect(due?.key).toBe('CA1:1');
        await store.outbox.retry(due?.id ?? 0, 5000);
        const stillDue = await store.outbox.due(1000, 10);
        expect(stillDue.map((c) => c.key)).toEqual(['CA1:0']);
        expect(stillDue[0]).toMatchObject({
          accountSid: A,
          url: 'http://app/status',
          method: 'POST',
          params: { CallStatus: 'ringing', E: ['a', 'b'] },
        });
        const [again] = await store.outbox.due(5000, 10).then((list) => list.filter((c) => c.key === 'CA1:1'));
        expect(again).toMatchObject({ attempts: 1, nextAttemptAt: 5000 });
        for (const pending of await store.outbox.due(10_000, 10)) await store.outbox.done(pending.id);
        expect(await store.outbox.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
        expect(await store.outbox.add(callback)).toBeUndefined();
      }));

    it('gives each due callback to one claimer, until its lease ends', () =>
      withStore(async (store) => {
        const base = { accountSid: A, url: 'http://app/status', method: 'POST' as const, params: { N: '1' } };
        const ids: number[] = [];
        for (let n = 0; n < 10; n++)
          ids.push((await store.outbox.add({ ...base, key: `CA3:${n}`, nextAttemptAt: 100 + n })) ?? 0);
        await store.outbox.add({ ...base, key: 'CA3:later', nextAttemptAt: 5000 });
        const claim = (owner: string, now: number, limit = 6, only?: number[]) =>
          store.outbox.claim({ now, limit, owner, leaseMs: 500, ...(only ? { ids: only } : {}) });
        // Two nodes at once: between them all ten, none twice, oldest first each.
        const [a, b] = await Promise.all([claim('a', 1000), claim('b', 1000)]);
        const taken = [...a, ...b].map((c) => c.id);
        expect(new Set(taken).size).toBe(10);
        expect(taken.sort((x, y) => x - y)).toEqual(ids);
        for (const list of [a, b])
          expect(list.map((c) => c.id)).toEqual([...list.map((c) => c.id)].sort((x, y) => x - y));
        expect(a[0]).toMatchObject({ accountSid: A, params: { N: '1' }, attempts: 0, nextAttemptAt: 1500 });
        // Leased: neither due nor claimable by anyone until the lease ends.
        expect(await store.outbox.due(1499, 20)).toEqual([]);
        expect(await claim('c', 1499, 20)).toEqual([]);
        const first = a[0]?.id ?? 0;
        const second = b[0]?.id ?? 0;
        await store.outbox.done(first);
        await store.outbox.retry(second, 1200);
        // A retry is due at its time for anyone.
        expect((await claim('c', 1200, 20)).map((c) => c.id)).toEqual([second]);
        // The owners died: their leases ended, the rest is due again (not the done one, nor c's).
        const again = await claim('c', 1500, 20);
        expect(again.map((c) => c.id).sort((x, y) => x - y)).toEqual(ids.filter((id) => id !== first && id !== second));
        // Only the ids asked for.
        const third = ids[2] ?? 0;
        expect((await claim('d', 2000, 20, [third, first])).map((c) => c.id)).toEqual([third]);
        expect(await claim('e', 2000, 20, [third])).toEqual([]);
      }));

    it('forgets delivered callbacks once they are old enough, and only those', () =>
      withStore(async (store) => {
        const base = { accountSid: A, url: 'http://app/status', method: 'POST' as const, params: {} };
        const old = await store.outbox.add({ ...base, key: 'CA2:0', nextAttemptAt: 100 });
        const recent = await store.outbox.add({ ...base, key: 'CA2:1', nextAttemptAt: 900 });
        await store.outbox.add({ ...base, key: 'CA2:2', nextAttemptAt: 100 });
        await store.outbox.done(old ?? 0);
        await store.outbox.done(recent ?? 0);
        // Done before 500: forgotten. Done since, or not done at all: kept.
        expect(await store.outbox.prune(500)).toBe(1);
        expect(await store.outbox.prune(500)).toBe(0);
        expect((await store.outbox.due(Number.MAX_SAFE_INTEGER, 10)).map((c) => c.key)).toEqual(['CA2:2']);
        expect(await store.outbox.add({ ...base, key: 'CA2:1', nextAttemptAt: 1000 })).toBeUndefined();
        // A forgotten key may be queued again.
        expect(await store.outbox.add({ ...base, key: 'CA2:0', nextAttemptAt: 1000 })).toBeTypeOf('number');
      }));

    nodeConformance(withStore);

    it('keeps blobs byte for byte', () =>
      withStore(async (store) => {
        const bytes = new Uint8Array([0, 1, 2, 255, 128]);
        await store.blobs.put('RE1.wav', bytes);
        expect(await store.blobs.get('RE1.wav')).toEqual(bytes);
        await store.blobs.delete('RE1.wav');
        expect(await store.blobs.get('RE1.wav')).toBeUndefined();
      }));
  });
}
