// What the store and cluster benchmarks start and read (postgres.mjs, bus.mjs, cluster.mjs):
// PostgreSQL (initdb on 127.0.0.1, as the postgres user under root), redis-server, Debian's nginx
// with the site docs/cluster.md shows, `patchbay serve` and the app server in their own
// processes, and the CPU time of a process (and its children) from /proc.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { nginxConfig } from '../dist/index.js';

export const ACCOUNT = `AC${'b'.repeat(32)}`;
export const TOKEN = 'e'.repeat(32);
export const HEADERS = {
  authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`,
  'content-type': 'application/x-www-form-urlencoded',
};

const TICK_MS = 1000 / 100; // USER_HZ

/** CPU ms of a process (and, with `reaped`, of its children that have exited). */
export function cpuMs(pid, reaped = false) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // After "pid (comm) ": state is [0], utime [11], stime [12], cutime [13], cstime [14].
    const own = Number(fields[11]) + Number(fields[12]);
    return (own + (reaped ? Number(fields[13]) + Number(fields[14]) : 0)) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * CPU ms of a process tree one level deep: the parent, its live children, and those already gone
 * (PostgreSQL: the postmaster and its backends; nginx: the master and its workers).
 */
export function treeCpuMs(parent) {
  let total = cpuMs(parent, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(stat[1]) === parent) total += cpuMs(Number(entry));
    } catch {}
  }
  return total;
}

export async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

export async function startPostgres() {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  if (!version) throw new Error('PostgreSQL is not installed: run scripts/ensure-postgres.sh');
  const bin = join(root, version, 'bin');
  const directory = await mkdtemp(join(tmpdir(), 'patchbay-bench-pg-'));
  const asRoot = process.getuid?.() === 0;
  const as = (command, args) => (asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]);
  if (asRoot) {
    await chmod(directory, 0o755);
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
    await chown(directory, id('-u'), id('-g'));
  }
  await writeFile(join(directory, 'password'), 'bench', { mode: 0o644 });
  const data = join(directory, 'data');
  execFileSync(
    ...as(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'patchbay',
      '--pwfile',
      join(directory, 'password'),
      '-A',
      'scram-sha-256',
      '-E',
      'UTF8',
    ]),
    { stdio: 'pipe' },
  );
  const port = await freePort();
  // The server's defaults (fsync and synchronous_commit on): what a deployment has.
  execFileSync(
    ...as(join(bin, 'pg_ctl'), [
      'start',
      '-D',
      data,
      '-w',
      '-s',
      '-l',
      join(data, 'log'),
      '-o',
      `-h 127.0.0.1 -p ${port} -k ${directory}`,
    ]),
    { stdio: 'pipe' },
  );
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    url: `postgres://patchbay:bench@127.0.0.1:${port}/postgres`,
    postmaster,
    /** A new empty database on the server, its URL: each setup starts from no rows. */
    async database(name) {
      const client = new pg.Client({ connectionString: this.url });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      return this.url.replace(/\/postgres$/, `/${name}`);
    },
    async stop() {
      execFileSync(...as(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-s']), { stdio: 'pipe' });
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export async function startApp() {
  const child = spawn(process.execPath, [new URL('./app-server.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = await once(child.stdout, 'data');
  return { url: `http://127.0.0.1:${String(chunk).trim()}`, stop: () => child.kill('SIGTERM') };
}

export async function startPatchbay(data, extra, secretKey = '', port = 0) {
  const bin = new URL('../dist/cli/bin.js', import.meta.url).pathname;
  const args = [
    'serve',
    '--port',
    String(port),
    '--data',
    data,
    '--log-level',
    'warn',
    '--account-max-calls',
    '1000000',
    ...extra,
  ];
  const child = spawn(process.execPath, [bin, ...args], {
    env: {
      ...process.env,
      PATCHBAY_ACCOUNT_SID: ACCOUNT,
      PATCHBAY_AUTH_TOKEN: TOKEN,
      PATCHBAY_STORE: '',
      PATCHBAY_SECRET_KEY: secretKey,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let url;
  for await (const line of createInterface({ input: child.stdout })) {
    url ??= /listening on (\S+)/.exec(line)?.[1];
    if (line === 'Ready.') break;
  }
  if (!url) throw new Error(`patchbay serve ${args.join(' ')} did not start`);
  child.stdout.resume();
  return { url, pid: child.pid, stop: () => child.kill('SIGTERM'), exited: once(child, 'exit') };
}

export async function startRedis() {
  if (process.env.BENCH_REDIS_URL) return { url: process.env.BENCH_REDIS_URL, close: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-bench-redis-'));
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('error', (error) =>
      reject(new Error(`redis-server did not start (${error.message}): run scripts/ensure-cluster-tools.sh`)),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    async close() {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resident memory of a process in bytes (VmRSS). */
export function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Debian's nginx in front of `upstreams` with the site docs/cluster.md shows (as nginx.test-support.ts starts it). */
export async function startNginx(upstreams, workerConnections) {
  const prefix = await mkdtemp(join(tmpdir(), 'patchbay-bench-nginx-'));
  const port = await freePort();
  const config = join(prefix, 'nginx.conf');
  await writeFile(config, nginxConfig({ listen: `127.0.0.1:${port}`, upstreams }, prefix, workerConnections));
  const child = spawn(
    '/usr/sbin/nginx',
    ['-p', prefix, '-c', config, '-e', 'stderr', '-g', 'daemon off; master_process on;'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = once(child, 'exit');
  for (let tries = 0; ; tries++) {
    const accepted = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) break;
    if (child.exitCode !== null || tries > 500)
      throw new Error('nginx did not start: run scripts/ensure-cluster-tools.sh');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async close() {
      child.kill('SIGQUIT');
      await exited;
      await rm(prefix, { recursive: true, force: true });
    },
  };
}
