import { describe, expect, it } from 'vitest';
import { type CreatedOnce, updateIf, updateOrCreate } from './conditional.js';
import { MemoryStore } from './memory.js';

interface Counter extends CreatedOnce {
  readonly count: number;
  readonly node?: string;
}

const ACCOUNT = `AC${'8'.repeat(32)}`;
const counter = (count: number, node?: string): Counter => ({
  sid: 'CT1',
  accountSid: ACCOUNT,
  createdAt: 0,
  count,
  ...(node ? { node } : {}),
});

describe('updateIf', () => {
  it('changes the record when the change accepts it, and leaves it as it is when it declines', async () => {
    const store = new MemoryStore();
    await store.put('setting', counter(1, 'node-a'));
    const claim = (current: Counter) => (current.node === 'node-a' ? { ...current, node: 'node-b' } : undefined);
    expect(await updateIf(store, 'setting', ACCOUNT, 'CT1', claim)).toMatchObject({ node: 'node-b' });
    // Claimed already: declined, nothing written.
    expect(await updateIf(store, 'setting', ACCOUNT, 'CT1', claim)).toBeUndefined();
    expect(await store.get('setting', ACCOUNT, 'CT1')).toEqual(counter(1, 'node-b'));
    expect(await updateIf(store, 'setting', ACCOUNT, 'CT2', claim)).toBeUndefined();
  });

  it("passes on the store's own failures", async () => {
    const store = new MemoryStore();
    await store.put('setting', counter(1));
    await expect(
      updateIf<Counter>(store, 'setting', ACCOUNT, 'CT1', (current) => ({ ...current, sid: 'CT9' })),
    ).rejects.toThrow(TypeError);
  });
});

describe('updateOrCreate', () => {
  it('creates the record once and applies every change once, from many writers at once', async () => {
    const store = new MemoryStore();
    // Every update is answered a moment after it is made, as by a busy database: all the writers
    // find the record absent before any of them creates it.
    const update = store.update.bind(store);
    store.update = async (kind, accountSid, sid, change) => {
      const changed = await update(kind, accountSid, sid, change as never);
      await new Promise((resolve) => setImmediate(resolve));
      return changed as never;
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        updateOrCreate<Counter>(store, 'setting', counter(0), (current) => ({ ...current, count: current.count + 1 })),
      ),
    );
    expect(results.map((result) => result.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await store.get('setting', ACCOUNT, 'CT1')).toMatchObject({ count: 10, status: 'created' });
  });
});
