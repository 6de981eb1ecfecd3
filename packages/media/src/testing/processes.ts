/**
 * What the test peers leave behind, cleaned up even when a test forgets: child processes are
 * killed and temporary directories removed when the test process exits, whatever the path out.
 * Also free loopback ports (each phone listens on its own 127.0.0.x) and a bounded tail of a
 * child's output for error messages.
 *
 * @example
 * const dir = await tempDir('patchbay-phone-');
 * const child = track(spawn('baresip', ['-f', dir]), dir);
 */
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<ChildProcess>();
const dirs = new Set<string>();
let hooked = false;

function cleanupNow(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanupNow();
      process.kill(process.pid, signal);
    });
  }
}

/** Kills `child` at exit unless it has ended; removes `dir` at exit unless released first. */
export function track(child: ChildProcess, dir?: string): ChildProcess {
  hook();
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (dir) dirs.add(dir);
  return child;
}

/** A new temporary directory, removed at exit unless removeDir() ran first. */
export async function tempDir(prefix: string): Promise<string> {
  hook();
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/** Removes a directory made by tempDir() now. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/**
 * Ends a child: `graceful` first if given, then SIGTERM (unless its graceful step is what SIGTERM
 * does anyway), then SIGKILL, each after `waitMs`.
 */
export async function stopChild(
  child: ChildProcess,
  waitMs = 1000,
  graceful?: () => void,
  sigterm = true,
): Promise<void> {
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const wait = () =>
    new Promise<boolean>((resolve) => {
      if (exited()) return resolve(true);
      const timer = setTimeout(() => resolve(exited()), waitMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  if (graceful && !exited()) {
    graceful();
    if (await wait()) return;
  }
  if (sigterm) {
    if (!exited()) child.kill('SIGTERM');
    if (await wait()) return;
  }
  child.kill('SIGKILL');
  await wait();
}

/** A port free for both TCP and UDP on `address` right now (SIP listens on both). */
export async function freePort(address: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, address, () => {
        const info = server.address();
        server.close(() => resolve(typeof info === 'object' && info ? info.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, address, () => socket.close(() => resolve(true)));
    });
    if (port && udpFree) return port;
  }
  throw new Error(`no free port on ${address}`);
}

/** Keeps the last `max` characters written to it: a child's output for error messages. */
export class OutputTail {
  #text = '';
  constructor(readonly max = 8192) {}
  push(chunk: Buffer | string): void {
    this.#text = (this.#text + chunk.toString()).slice(-this.max);
  }
  toString(): string {
    return this.#text;
  }
}
