/**
 * For tests that run the built `patchbay` binary: its path, child processes killed and data
 * directories removed after each test (call `cleanUpProcesses` from `afterEach`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

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

export interface Served {
  child: ChildProcess;
  url: string;
  /** Resolves with the first output line (printed so far or later) that `test` accepts. */
  line(test: (line: string) => boolean): Promise<string>;
  /** Every line printed so far. */
  readonly seen: readonly string[];
}

/** Starts `patchbay serve --port 0 --data <data> ...extra` in its own process; resolves once it is ready. */
export async function servePatchbay(
  data: string,
  env: Record<string, string>,
  extra: readonly string[] = ['--log-level', 'debug'],
): Promise<Served> {
  const child = spawnPatchbay(['serve', '--port', '0', '--data', data, ...extra], env);
  const waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = [];
  const seen: string[] = [];
  const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  reader.on('line', (text) => {
    seen.push(text);
    for (const waiter of [...waiters]) {
      if (!waiter.test(text)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(text);
    }
  });
  const line = (test: (line: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const earlier = seen.find(test);
      if (earlier !== undefined) return resolve(earlier);
      waiters.push({ test, resolve });
      child.once('exit', () => reject(new Error(`the server exited: ${seen.join('\n')}`)));
    });
  const listening = line((text) => text.startsWith('Patchbay is listening on '));
  await line((text) => text === 'Ready.');
  const url = (await listening).replace('Patchbay is listening on ', '');
  return { child, url, line, seen };
}

/** Runs `patchbay ...args` to its end: its exit code and output lines. */
export async function runPatchbay(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; lines: string[] }> {
  const child = spawnPatchbay(args, env);
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  reader.on('line', (text) => lines.push(text));
  const [[code]] = (await Promise.all([once(child, 'exit'), once(reader, 'close')])) as [[number | null], unknown];
  return { code, lines };
}
