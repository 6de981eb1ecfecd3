import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory.js';
import { StoreWrites } from './persist.js';

/** A write that fails when `fail` is called. */
function failing(): { task: () => Promise<void>; fail: () => void } {
  let fail!: () => void;
  const done = new Promise<void>((_, reject) => {
    fail = () => reject(new Error('disk full'));
  });
  return { task: () => done, fail };
}

describe('StoreWrites', () => {
  it("fails a request whose own write failed, even when an older write's failure completes later", async () => {
    const writes = new StoreWrites(new MemoryStore());
    const older = failing();
    void writes.run('recording:RE1', older.task).catch(() => undefined);
    const mark = writes.mark();
    const mine = failing();
    void writes.run('call:CA1', mine.task).catch(() => undefined);
    // The request's own write fails first; the older one (started before its mark) fails after.
    mine.fail();
    await Promise.resolve();
    older.fail();
    await expect(writes.settled(mark)).rejects.toThrow('disk full');
  });

  it('answers a request whose writes all committed, even when an older write failed', async () => {
    const writes = new StoreWrites(new MemoryStore());
    const older = failing();
    void writes.run('recording:RE1', older.task).catch(() => undefined);
    const mark = writes.mark();
    void writes.run('call:CA1', async () => undefined);
    older.fail();
    await expect(writes.settled(mark)).resolves.toBeUndefined();
  });
});
