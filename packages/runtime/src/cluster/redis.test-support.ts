/**
 * A real redis-server for tests: `PATCHBAY_TEST_REDIS_URL` when set, otherwise Debian's
 * redis-server spawned on a free loopback port with no persistence, in a temp directory removed
 * on `close()`. It never skips: a test that needs Redis fails, saying why, when none starts.
 * `pause()`/`resume()` freeze the server (SIGSTOP/SIGCONT), as a partition looks to a node:
 * connections stay open, nothing answers.
 *
 * @example
 * const redis = await startRedis();
 * const bus = new RedisBus({ url: redis.url, nodeId: 'a', prefix: redis.prefix() });
 * await redis.close();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nginx.test-support.js';

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** A key prefix of its own, so tests sharing one server never see each other's keys. */
  prefix(): string;
  /** Freezes the server (only one this process spawned). */
  pause(): void;
  resume(): void;
  /** Kills the server (only one this process spawned); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

let prefixes = 0;
const nextPrefix = () => `t${process.pid}.${++prefixes}.${Math.random().toString(36).slice(2, 8)}:`;

export async function startRedis(): Promise<TestRedis> {
  const given = process.env.PATCHBAY_TEST_REDIS_URL;
  if (given) {
    const unsupported = () => {
      throw new Error('PATCHBAY_TEST_REDIS_URL is set: this test needs a redis-server it starts itself');
    };
    return {
      url: given,
      port: Number(new URL(given).port || 6379),
      prefix: nextPrefix,
      pause: unsupported,
      resume: unsupported,
      stop: async () => unsupported(),
      start: async () => unsupported(),
      close: async () => {},
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const spawned = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = spawned;
    let output = '';
    let ready: () => void = () => {};
    const listening = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const hear = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      if (output.includes('Ready to accept connections')) ready();
    };
    spawned.stdout?.on('data', hear);
    spawned.stderr?.on('data', hear);
    const failed = new Promise<never>((_, reject) => {
      spawned.once('error', (error) =>
        reject(new Error(`redis-server did not start (${error.message}): run scripts/ensure-cluster-tools.sh`)),
      );
      spawned.once('exit', (code) => reject(new Error(`redis-server exited (${code}) at start:\n${output}`)));
    });
    await Promise.race([listening, failed]);
  };
  await start();
  const stop = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    current.kill('SIGCONT');
    current.kill('SIGKILL');
    await once(current, 'exit');
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    prefix: nextPrefix,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    stop,
    start,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
