// The PostgreSQL store against SQLite, in the same run: `patchbay serve` in its own process on
// each store in turn (SQLite in a temp data directory; PostgreSQL started here with initdb on
// 127.0.0.1, as the postgres user under root), driven by autocannon from this one:
//   - creates (POST Calls.json) held at 1,000/s with list (GET Calls.json, 50 a page) alongside:
//     list p50/p99;
//   - create-call requests/s accepted flat out, and the PostgreSQL node / SQLite node ratio
//     (goal >= 0.6: what sharing the store across nodes costs one node);
//   - CPU per create of the node process and of the PostgreSQL server (postmaster and its
//     backends, from /proc: utime + stime, with the reaped backends' cutime + cstime).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 32);
const PACED_CONNECTIONS = Number(process.env.BENCH_API_PACED_CONNECTIONS ?? 16);
const GOALS = { ratio: 0.6, pacedRate: 1000 };
const ACCOUNT = `AC${'b'.repeat(32)}`;
const TOKEN = 'e'.repeat(32);
const HEADERS = {
  authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`,
  'content-type': 'application/x-www-form-urlencoded',
};
const TICK_MS = 1000 / 100; // USER_HZ

/** CPU ms of a process (and, with `reaped`, of its children that have exited). */
function cpuMs(pid, reaped = false) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // After "pid (comm) ": state is [0], utime [11], stime [12], cutime [13], cstime [14].
    const own = Number(fields[11]) + Number(fields[12]);
    return (own + (reaped ? Number(fields[13]) + Number(fields[14]) : 0)) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU ms of the PostgreSQL server: the postmaster, its live backends, and those already gone. */
function postgresCpuMs(postmaster) {
  let total = cpuMs(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(stat[1]) === postmaster) total += cpuMs(Number(entry));
    } catch {}
  }
  return total;
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

async function startPostgres() {
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
    async stop() {
      execFileSync(...as(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-s']), { stdio: 'pipe' });
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function startApp() {
  const child = spawn(process.execPath, [new URL('./app-server.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = await once(child.stdout, 'data');
  return { url: `http://127.0.0.1:${String(chunk).trim()}`, stop: () => child.kill('SIGTERM') };
}

async function startPatchbay(data, extra, secretKey = '') {
  const bin = new URL('../dist/cli/bin.js', import.meta.url).pathname;
  const args = [
    'serve',
    '--port',
    '0',
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

const run = (options) => autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });

/** The figures of one node on one store. */
async function measure(label, extra, app, postmaster) {
  const data = await mkdtemp(join(tmpdir(), 'patchbay-bench-'));
  // The shared store needs the key that seals SIP passwords on every node.
  const server = await startPatchbay(data, extra, postmaster ? 'ab'.repeat(32) : '');
  try {
    let n = 0;
    const form = () =>
      new URLSearchParams({
        To: `+1555${String(n++ % 10_000_000).padStart(7, '0')}`,
        From: '+15550900000',
        Twiml: '<Response><Say>Hello</Say><Hangup/></Response>',
        StatusCallback: `${app.url}/status`,
        StatusCallbackEvent: 'completed',
      }).toString();
    const base = `${server.url}/2010-04-01/Accounts/${ACCOUNT}`;
    const creates = (more) =>
      run({
        url: `${base}/Calls.json`,
        method: 'POST',
        headers: HEADERS,
        requests: [{ setupRequest: (request) => ({ ...request, body: form() }) }],
        ...more,
      });
    const [paced, listed] = await Promise.all([
      creates({ overallRate: GOALS.pacedRate, connections: PACED_CONNECTIONS }),
      run({ url: `${base}/Calls.json?PageSize=50`, headers: { authorization: HEADERS.authorization }, connections: 2 }),
    ]);
    const before = { node: cpuMs(server.pid), db: postmaster ? postgresCpuMs(postmaster) : 0 };
    const flat = await creates({});
    const after = { node: cpuMs(server.pid), db: postmaster ? postgresCpuMs(postmaster) : 0 };
    const failed = [paced, listed, flat].some((result) => result.non2xx > 0 || result.errors > 0);
    return {
      label,
      rate: flat['2xx'] / (flat.duration || SECONDS),
      flat,
      pacedRate: paced['2xx'] / (paced.duration || SECONDS),
      listed,
      nodeCpuPerCreate: (after.node - before.node) / Math.max(1, flat['2xx']),
      dbCpuPerCreate: (after.db - before.db) / Math.max(1, flat['2xx']),
      failed,
    };
  } finally {
    server.stop();
    await server.exited;
    await rm(data, { recursive: true, force: true });
  }
}

const app = await startApp();
const postgres = await startPostgres();
try {
  const sqlite = await measure('SQLite', [], app);
  const pg = await measure('PostgreSQL', ['--store', postgres.url], app, postgres.postmaster);
  console.log(
    `(pg) one node on PostgreSQL against one on SQLite, same run, patchbay serve in its own process, ${CONNECTIONS} connections, ${SECONDS} s a phase`,
  );
  for (const r of [sqlite, pg]) {
    const db = r === pg ? `, PostgreSQL server ${r.dbCpuPerCreate.toFixed(3)} ms` : '';
    console.log(
      `    ${r.label.padEnd(10)} create flat out ${r.rate.toFixed(0)} req/s (p50 ${r.flat.latency.p50} ms, p99 ${r.flat.latency.p99} ms); list 50 with creates at ${r.pacedRate.toFixed(0)}/s: p50 ${r.listed.latency.p50} ms, p99 ${r.listed.latency.p99} ms; CPU per create: node ${r.nodeCpuPerCreate.toFixed(3)} ms${db}`,
    );
  }
  const ratio = pg.rate / sqlite.rate;
  console.log(
    `    PostgreSQL / SQLite create throughput = ${ratio.toFixed(3)} (goal >= ${GOALS.ratio}) ${ratio >= GOALS.ratio ? 'MET' : 'NOT MET'}`,
  );
  if (sqlite.failed || pg.failed) {
    console.error('    some requests failed');
    process.exitCode = 1;
  }
} finally {
  app.stop();
  await postgres.stop();
}
