/**
 * For tests that run the built `patchbay` binary: its path, child processes killed and data
 * directories removed after each test (call `cleanUpProcesses` from `afterEach`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '../../dist/cli/bin.js');

const children: ChildProcess[] = [];
const directories: string[] = [];

/** Runs `node <bin> ...args`, stdout piped; killed after the test. */
export function spawnPatchbay(args: readonly string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

/** A fresh data directory, removed after the test. */
export async function dataDirectory(prefix: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), prefix));
  directories.push(directory);
  return directory;
}

export async function cleanUpProcesses(): Promise<void> {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
}
