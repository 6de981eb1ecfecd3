/**
 * Running sipp from tests: one process per call, its exit code (0 = every call passed) awaited,
 * its message trace kept for assertions, and the process killed by `stop()` in afterEach.
 *
 * @example
 * const sipp = runSipp(['127.0.31.1:5060', '-sn', 'uac', '-m', '1']);
 * expect(await sipp.exited).toBe(0);
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

export interface SippRun {
  exited: Promise<number>;
  output(): string;
  /** sipp's -trace_msg log: every message sent and received. */
  messages(): string;
  stop(): void;
}

export function runSipp(args: string[]): SippRun {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-'));
  const child: ChildProcess = spawn('sipp', [...args, '-nostdin', '-trace_msg', '-trace_err'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const readLogs = (suffix: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(suffix))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
  return {
    exited,
    output: () => `${out}\n${readLogs('_errors.log')}`,
    messages: () => readLogs('_messages.log'),
    stop: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
