import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCheckpointer } from './checkpointer.js';

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

function failureOf(file: string): { failed: Promise<unknown>; stop: () => Promise<void> } {
  let failed!: (error: unknown) => void;
  const failure = new Promise<unknown>((resolve) => {
    failed = resolve;
  });
  const checkpointer = startCheckpointer(file, 10, failed);
  return { failed: failure, stop: () => checkpointer.stop() };
}

describe('startCheckpointer', () => {
  it('reports a store whose directory is gone as a failure, and throws nothing', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'patchbay-checkpointer-'));
    await rm(directory, { recursive: true });
    const { failed, stop } = failureOf(join(directory, 'patchbay.db'));
    const error = await failed;
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/^checkpointer: .*directory does not exist/);
    await stop();
  });

  it('never creates a database where the store had one', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'patchbay-checkpointer-'));
    directories.push(directory);
    const file = join(directory, 'patchbay.db');
    const { failed, stop } = failureOf(file);
    expect(String(((await failed) as Error).message)).toMatch(/^checkpointer: /);
    await stop();
    expect(existsSync(file)).toBe(false);
  });
});
