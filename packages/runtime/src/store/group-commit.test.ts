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
