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
  /** Every line printed on stdout so far (the banner, and the JSON log lines). */
  readonly seen: readonly string[];
  /** Resolves with the first stdout line (printed so far or later) that `test` accepts. */
  line(test: (line: string) => boolean): Promise<string>;
}

/**
 * Starts `patchbay serve` in its own process; resolves once it printed `Ready.`.
 * @param given the port (a number), or the port and more flags (logs at `warn` unless they say otherwise)
 */
export async function servePatchbay(
  data: string,
  env: Record<string, string> = {},
  given: number | { port?: number; args?: readonly string[] } = {},
): Promise<Served> {
  const options = typeof given === 'number' ? { port: given } : given;
  const args = options.args ?? [];
  const child = spawnPatchbay(
    [
      'serve',
      '--port',
      String(options.port ?? 0),
      '--data',
      data,
      ...(args.includes('--log-level') ? [] : ['--log-level', 'warn']),
      ...args,
    ],
    { PATCHBAY_ACCOUNT_SID: '', PATCHBAY_AUTH_TOKEN: '', ...env },
  );
  const seen: string[] = [];
  const waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
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
  await line((text) => text === 'Ready.');
  const text = seen.join('\n');
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
    seen,
    line,
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

/**
 * REST requests to a served process as one account (form bodies, Basic auth): the status, the
 * Retry-After header and the parsed body; and `GET /health`.
 */
export function restAs(account: string, token: string) {
  const auth = `Basic ${Buffer.from(`${account}:${token}`).toString('base64')}`;
  return {
    async request(base: string, method: string, resource: string, params?: Record<string, string>) {
      const response = await fetch(`${base}/2010-04-01/Accounts/${account}/${resource}`, {
        method,
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        ...(params ? { body: new URLSearchParams(params) } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: text ? JSON.parse(text) : {},
      };
    },
    async health(base: string) {
      const response = await fetch(`${base}/health`);
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    },
  };
}
