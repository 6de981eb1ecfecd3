/**
 * sipp (Debian's sip-tester, 3.6) for scripted, bulk and malformed SIP traffic in tests. It runs
 * in a temp directory of its own; counts come from its statistics file (`-trace_stat`), written
 * at exit, so a test asserts on calls that completed, not on its screen.
 *
 * Exit codes (sipp's own): 0 every call succeeded, 1 some failed, 97 exited on an internal
 * command, 99 ended without any call processed, 255 fatal error (254: could not bind its port).
 *
 * @example
 * const uas = await startSipp({ scenario: 'uas', local: '127.0.0.3' });
 * const run = await runSipp({ scenario: 'uac', remote: uas.target, local: '127.0.0.2', calls: 20, rate: 50 });
 * expect(run).toMatchObject({ code: 0, successful: 20, failed: 0 });
 * await uas.kill();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PeerError } from './errors.js';
import { freePort, OutputTail, removeDir, stopChild, tempDir, track } from './processes.js';

export interface SippOptions {
  /** A built-in scenario (`uac`, `uas`, ...) or the path of our own XML scenario. */
  scenario: string;
  /** host:port to send to (a UAC needs it). */
  remote?: string;
  /** Its own loopback address. */
  local: string;
  /** @default a free port on `local` */
  port?: number;
  /** The Request-URI user (`-s`), e.g. a phone number. @default 'service' */
  service?: string;
  /** Calls to make before ending (`-m`); a UAS without it runs until killed. */
  calls?: number;
  /** Calls per second (`-r`). @default 10 */
  rate?: number;
  /** Ends the run as failed after this long (`-timeout`, and our own kill after it). @default 10000 */
  timeoutMs?: number;
  /** More sipp arguments, e.g. ['-trace_msg'] or ['-set', 'name', 'value']. */
  extra?: string[];
}

export interface SippResult {
  code: number;
  successful: number;
  failed: number;
  /** The end of its screen and error log, for messages. */
  output: string;
}

export interface SippProcess {
  readonly address: string;
  readonly port: number;
  /** address:port, to give another sipp as `remote`. */
  readonly target: string;
  /** Settles when sipp ends by itself or is killed. */
  readonly result: Promise<SippResult>;
  /**
   * Ends it (SIGINT, sipp's graceful quit, then SIGTERM, SIGKILL) and returns its counts. The
   * built-in uas scenario counts a call only 4 s after its BYE (a timewait), so a UAS killed
   * sooner reports none: assert on the UAC's counts.
   */
  kill(): Promise<SippResult>;
}

/** Starts sipp; resolves once its SIP port is bound (a UAS is then ready to be dialed). */
export function startSipp(options: SippOptions): Promise<SippProcess> {
  return launch(options, true);
}

/** Runs sipp to its end (`calls` made, or its timeout) and returns its counts. */
export async function runSipp(options: SippOptions): Promise<SippResult> {
  return (await launch(options, false)).result;
}

async function launch(options: SippOptions, waitBound: boolean): Promise<SippProcess> {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(options.local)) {
    throw new RangeError(`sipp needs a loopback IP, not ${JSON.stringify(options.local)}`);
  }
  const dir = await tempDir('patchbay-sipp-');
  const port = options.port ?? (await freePort(options.local));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const args = [
    ...(options.scenario.endsWith('.xml') ? ['-sf', options.scenario] : ['-sn', options.scenario]),
    ...(options.remote ? [options.remote] : []),
    ...['-i', options.local, '-p', String(port), '-t', 'u1', '-nostdin'],
    ...['-s', options.service ?? 'service', '-r', String(options.rate ?? 10)],
    ...(options.calls !== undefined ? ['-m', String(options.calls)] : []),
    ...['-timeout', `${Math.ceil(timeoutMs / 1000)}s`, '-timeout_error'],
    ...['-trace_stat', '-stf', join(dir, 'stat.csv'), '-trace_err', '-error_file', join(dir, 'errors.log')],
    ...(options.extra ?? []),
  ];
  const where = `sipp ${options.scenario} on ${options.local}:${port}`;
  const output = new OutputTail(16_384);
  const child: ChildProcess = track(spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }));
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 5000);
  let ended = false;
  const result = new Promise<SippResult>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      ended = true;
      clearTimeout(killer);
      removeDir(dir);
      const code = error.code === 'ENOENT' ? 'PEER_MISSING' : 'PEER_START';
      reject(new PeerError(code, `sipp could not run: ${error.message}`, where, { cause: error }));
    });
    child.once('close', (code, signal) => {
      ended = true;
      clearTimeout(killer);
      void collect(dir, output)
        .then(({ successful, failed, log }) => {
          resolve({ code: code ?? (signal ? 128 : -1), successful, failed, output: log });
        }, reject)
        .finally(() => removeDir(dir));
    });
  });
  result.catch(() => {}); // observed by whoever awaits it; not an unhandled rejection meanwhile
  if (waitBound) {
    await untilBound(options.local, port, () => ended, where);
    if (ended) {
      const early = await result; // rethrows a spawn failure (PEER_MISSING)
      throw new PeerError(
        'PEER_START',
        `sipp exited (${early.code}) before listening: ${early.output.slice(-800)}`,
        where,
      );
    }
  }
  return {
    address: options.local,
    port,
    target: `${options.local}:${port}`,
    result,
    async kill() {
      // SIGINT is sipp's graceful quit: it writes its final statistics and exits 0.
      await stopChild(child, 1000, () => child.kill('SIGINT'));
      return result;
    },
  };
}

/** Waits (polling every 10 ms, at most 3 s) until something holds the UDP port: sipp is up. */
async function untilBound(address: string, port: number, ended: () => boolean, where: string): Promise<void> {
  const deadline = Date.now() + 3000;
  for (;;) {
    if (ended()) return; // its result says why
    const taken = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(true));
      socket.bind(port, address, () => socket.close(() => resolve(false)));
    });
    if (taken) return;
    if (Date.now() > deadline) throw new PeerError('PEER_START', 'sipp did not bind its port', where);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** SuccessfulCall(C) and FailedCall(C) from the last line of the statistics file. */
async function collect(dir: string, output: OutputTail) {
  let successful = 0;
  let failed = 0;
  let log = output.toString();
  try {
    const lines = (await readFile(join(dir, 'stat.csv'), 'utf8')).trim().split('\n');
    const header = lines[0]?.split(';') ?? [];
    const last = lines.at(-1)?.split(';') ?? [];
    if (lines.length > 1) {
      successful = Number(last[header.indexOf('SuccessfulCall(C)')] ?? 0) || 0;
      failed = Number(last[header.indexOf('FailedCall(C)')] ?? 0) || 0;
    }
  } catch {
    // No statistics: sipp failed before its first call; its output says why.
  }
  for (const name of (await readdir(dir)).filter((n) => n.startsWith('errors'))) {
    log += `\n${(await readFile(join(dir, name), 'utf8')).slice(-4096)}`;
  }
  return { successful, failed, log };
}
