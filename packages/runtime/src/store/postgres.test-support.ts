/**
 * A real PostgreSQL server for tests. With `PATCHBAY_TEST_POSTGRES_URL` (CI sets it after
 * `scripts/ensure-postgres.sh` started a server) each call makes a fresh database on that
 * server; without it, a throwaway cluster is made with `initdb` in a temp dir and started on
 * 127.0.0.1 at a free port (as the `postgres` user when running as root: PostgreSQL refuses
 * root). Nothing is skipped: when no server can be had, this throws, and the test file fails.
 *
 * @example
 * const pg = await startPostgres();
 * afterAll(() => pg.stop());
 * const store = await PostgresStore.open(await pg.database());
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

export interface TestPostgres {
  /** A URL of the server for an administrator (may create databases). */
  readonly adminUrl: string;
  /** Creates a fresh, empty database and returns its URL. */
  database(): Promise<string>;
  /** Stops a server this started (dropping its data), or drops the databases made on CI's. */
  stop(): Promise<void>;
  /** Stops the server this started, keeping its data (a database outage); `restart()` brings it back. */
  pause(): Promise<void>;
  restart(): Promise<void>;
}

function binDirectory(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(root, versions[0], 'bin');
  const onPath = (() => {
    try {
      return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  })();
  if (onPath && existsSync(join(onPath, 'initdb'))) return onPath;
  throw new Error(
    'PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin): run scripts/ensure-postgres.sh, or set PATCHBAY_TEST_POSTGRES_URL',
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

let counter = 0;

/** One database per call on `adminUrl`'s server; the ones made are dropped by `drop()`. */
function databases(adminUrl: string) {
  const made: string[] = [];
  return {
    async create(): Promise<string> {
      const name = `patchbay_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      made.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async drop(): Promise<void> {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        for (const name of made.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited (${child.exitCode}) while starting:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not start in 30 s: ${String(error)}\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * @param options.own a server of the test's own even when PATCHBAY_TEST_POSTGRES_URL is set
 *   (a test that stops the database must not stop everyone's)
 */
export async function startPostgres(options: { own?: boolean } = {}): Promise<TestPostgres> {
  const given = options.own ? undefined : process.env.PATCHBAY_TEST_POSTGRES_URL;
  if (given) {
    const made = databases(given);
    return {
      adminUrl: given,
      database: () => made.create(),
      stop: () => made.drop(),
      pause: () =>
        Promise.reject(new Error('pause() needs a server the test started (unset PATCHBAY_TEST_POSTGRES_URL)')),
      restart: () => Promise.reject(new Error('restart() needs a server the test started')),
    };
  }
  const bin = binDirectory();
  const directory = await mkdtemp(join(tmpdir(), 'patchbay-pg-'));
  const data = join(directory, 'data');
  const root = process.getuid?.() === 0;
  const asUser = (command: string, args: string[]): [string, string[]] =>
    root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  if (root) {
    // The postgres user owns the cluster; the temp dir must let it in.
    await chmod(directory, 0o755);
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    await chown(directory, uid, gid);
  }
  const password = `pw${Math.random().toString(36).slice(2)}`;
  const passwordFile = join(directory, 'password');
  await writeFile(passwordFile, password, { mode: 0o644 });
  const [initdb, initArgs] = asUser(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'patchbay',
    '--pwfile',
    passwordFile,
    '-A',
    'scram-sha-256',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  execFileSync(initdb, initArgs, { stdio: 'pipe' });
  await rm(passwordFile);
  const port = await freePort();
  const adminUrl = `postgres://patchbay:${password}@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  let output = '';
  async function start(): Promise<void> {
    const [postgres, args] = asUser(join(bin, 'postgres'), [
      '-D',
      data,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-k',
      directory,
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
    ]);
    const started = spawn(postgres, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    started.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    });
    child = started;
    await waitUntilReady(adminUrl, started, () => output);
  }
  async function halt(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    // Fast shutdown (ends sessions, stops at once), by pg_ctl: runuser does not pass signals on.
    const [pgCtl, args] = asUser(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w']);
    execFileSync(pgCtl, args, { stdio: 'pipe' });
    await exited;
  }
  await start();
  const made = databases(adminUrl);
  return {
    adminUrl,
    database: () => made.create(),
    pause: halt,
    restart: start,
    async stop() {
      await halt();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A server for this test file: started before its tests, stopped after them. */
export function usePostgres(options: { own?: boolean } = {}): () => TestPostgres {
  let server: TestPostgres | undefined;
  beforeAll(async () => {
    server = await startPostgres(options);
  }, 60_000);
  afterAll(() => server?.stop());
  return () => {
    if (!server) throw new Error('the PostgreSQL server did not start (see beforeAll)');
    return server;
  };
}
