import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

describe('GroupCommit', () => {
  it('runs the writes of one turn in one transaction; a failing write fails alone', async () => {
    const transactions: string[][] = [];
    let current: string[] = [];
    const group = new GroupCommit((work) => {
      current = [];
      work();
      transactions.push(current);
    });
    const a = group.write(() => current.push('a'));
    const bad = group.write(() => {
      throw new Error('constraint');
    });
    const b = group.write(() => current.push('b'));
    await expect(a).resolves.toBe(1);
    await expect(bad).rejects.toThrow('constraint');
    await expect(b).resolves.toBe(2);
    expect(transactions).toEqual([['a', 'b']]);
    await group.write(() => current.push('c'));
    expect(transactions).toEqual([['a', 'b'], ['c']]);
  });

  it('fails every write of a transaction whose commit fails, and flush() commits at once', async () => {
    const group = new GroupCommit((work) => {
      work();
      throw new Error('disk full');
    });
    const writes = [group.write(() => 1), group.write(() => 2)];
    group.flush();
    for (const write of writes) await expect(write).rejects.toThrow('disk full');
  });
});

describe('GroupCommit when one write ends the transaction', () => {
  it('fails every write of the turn with that write’s error (SQLite rolled them all back)', async () => {
    let open = false;
    let pending: number[] = [];
    const committed: number[][] = [];
    const group = new GroupCommit(
      (work) => {
        open = true;
        pending = [];
        work();
        if (!open) throw new Error('cannot commit - no transaction is active');
        committed.push(pending);
        open = false;
      },
      () => open,
    );
    const push = (n: number) => () => pending.push(n);
    const first = group.write(push(1));
    const full = group.write(() => {
      open = false; // as SQLite does on SQLITE_FULL: the whole transaction is rolled back
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    });
    const after = group.write(push(3));
    for (const write of [first, full, after]) await expect(write).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    expect(committed).toEqual([]);
  });
});
