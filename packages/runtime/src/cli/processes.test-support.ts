/**
 * For tests that run the built `patchbay` binary: its path, child processes killed and data
 * directories removed after each test (call `cleanUpProcesses` from `afterEach`), a client
 * command run to its end (what it printed and its exit code), and `patchbay serve` started and
 * ready.
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
export function spawnPatchbay(
  args: readonly string[],
  env: Record<string, string>,
  stderr: 'inherit' | 'pipe' = 'inherit',
): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', stderr],
  });
  children.push(child);
  return child;
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a `patchbay` command to its end: its exit code and everything it printed. */
export async function runPatchbay(args: readonly string[], env: Record<string, string> = {}): Promise<Finished> {
  // Nothing from the test's own environment decides where the command goes.
  const child = spawnPatchbay(
    args,
    { PATCHBAY_URL: '', PATCHBAY_ACCOUNT_SID: '', PATCHBAY_AUTH_TOKEN: '', PATCHBAY_DEBUG: '', ...env },
    'pipe',
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

export interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  readonly sid: string;
  /** Printed only when this start created the account. */
  readonly token: string | undefined;
  /** PATCHBAY_URL, PATCHBAY_ACCOUNT_SID and PATCHBAY_AUTH_TOKEN for client commands. */
  readonly env: Record<string, string>;
}

/** Starts `patchbay serve` in its own process; resolves once it printed `Ready.`. */
export async function servePatchbay(data: string, env: Record<string, string> = {}, port = 0): Promise<Served> {
  const child = spawnPatchbay(['serve', '--port', String(port), '--data', data, '--log-level', 'warn'], {
    PATCHBAY_ACCOUNT_SID: '',
    PATCHBAY_AUTH_TOKEN: '',
    ...env,
  });
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of reader) {
    lines.push(line);
    if (line === 'Ready.') break;
  }
  const text = lines.join('\n');
  const url = /listening on (\S+)/.exec(text)?.[1] ?? '';
  const sid = /Account SID: (\S+)/.exec(text)?.[1] ?? '';
  const token = /Auth token:\s+(\S+)/.exec(text)?.[1];
  const authToken = token ?? env.PATCHBAY_AUTH_TOKEN ?? '';
  return {
    child,
    url,
    sid,
    token,
    env: { PATCHBAY_URL: url, PATCHBAY_ACCOUNT_SID: sid, PATCHBAY_AUTH_TOKEN: authToken },
  };
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
