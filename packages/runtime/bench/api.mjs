// REST API benchmark: `patchbay serve` in a second process (SQLite store in a temporary data
// directory, so every accepted call is on disk before its 201), driven by autocannon from this one.
//   (3) with creates (POST Calls.json with Twiml and a status callback) held at the goal rate
//       (1,000/s), p99 latency of list (GET Calls.json, 50 a page) and fetch (GET Calls/{Sid}.json);
//       then create-call requests/s accepted with as many as the server takes.
// Baseline, measured in the same run: a bare node:http server (the benchmark's app server)
// reading the same form body and answering 204; the ratio shows what the API costs over it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 32);
// The paced phase spreads its 1,000 creates/s over fewer connections, so they arrive spread out
// rather than in bursts of one per connection.
const PACED_CONNECTIONS = Number(process.env.BENCH_API_PACED_CONNECTIONS ?? 16);
const GOALS = { createPerSecond: 1000, listP99Ms: 20 };
const ACCOUNT = `AC${'b'.repeat(32)}`;
const TOKEN = 'e'.repeat(32);
const HEADERS = {
  authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`,
  'content-type': 'application/x-www-form-urlencoded',
};

function spawnNode(args, env = {}) {
  return spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}

async function startApp() {
  const child = spawnNode([new URL('./app-server.mjs', import.meta.url).pathname]);
  const [chunk] = await once(child.stdout, 'data');
  return { url: `http://127.0.0.1:${String(chunk).trim()}`, stop: () => child.kill('SIGTERM') };
}

async function startPatchbay(data) {
  const bin = new URL('../dist/cli/bin.js', import.meta.url).pathname;
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // One account makes every call here: its concurrent-call limit must not cut the load short.
  const args = ['serve', '--port', '0', '--data', data, '--log-level', 'warn', '--account-max-calls', '1000000'];
  const child = spawnNode([...nodeArgs, bin, ...args], {
    PATCHBAY_ACCOUNT_SID: ACCOUNT,
    PATCHBAY_AUTH_TOKEN: TOKEN,
  });
  let url;
  for await (const line of createInterface({ input: child.stdout })) {
    url ??= /listening on (\S+)/.exec(line)?.[1];
    if (line === 'Ready.') break;
  }
  child.stdout.resume();
  return { url, stop: () => child.kill('SIGTERM'), exited: once(child, 'exit') };
}

function run(options) {
  return autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
}

function verdict(value, goal, lowerIsBetter) {
  return (lowerIsBetter ? value <= goal : value >= goal) ? 'MET' : 'NOT MET';
}

const app = await startApp();
const data = await mkdtemp(join(tmpdir(), 'patchbay-bench-'));
const server = await startPatchbay(data);
try {
  const form = (i) =>
    new URLSearchParams({
      To: `+1555${String(i % 10_000_000).padStart(7, '0')}`,
      From: '+15550900000',
      Twiml: '<Response><Say>Hello</Say><Hangup/></Response>',
      StatusCallback: `${app.url}/status`,
      StatusCallbackEvent: 'completed',
    }).toString();
  const base = `${server.url}/2010-04-01/Accounts/${ACCOUNT}`;
  const first = await fetch(`${base}/Calls.json`, { method: 'POST', headers: HEADERS, body: form(0) });
  const { sid } = await first.json();

  // Baseline: the same requests to a bare node:http server.
  const baseline = await run({ url: `${app.url}/status`, method: 'POST', headers: HEADERS, body: form(1) });

  let n = 2;
  const createLoad = (extra) =>
    run({
      url: `${base}/Calls.json`,
      method: 'POST',
      headers: HEADERS,
      requests: [{ setupRequest: (request) => ({ ...request, body: form(n++) }) }],
      ...extra,
    });
  const reads = (path) =>
    run({ url: `${base}/${path}`, headers: { authorization: HEADERS.authorization }, connections: 2 });

  // Phase 1: creates at the goal rate, reads alongside.
  const [paced, listed, fetched] = await Promise.all([
    createLoad({ overallRate: GOALS.createPerSecond, connections: PACED_CONNECTIONS }),
    reads('Calls.json?PageSize=50'),
    reads(`Calls/${sid}.json`),
  ]);
  // Phase 2: as many creates as the server accepts.
  const created = await createLoad({});

  const accepted = created['2xx'] / (created.duration || SECONDS);
  const pacedRate = paced['2xx'] / (paced.duration || SECONDS);
  const baselineRate = baseline['2xx'] / (baseline.duration || SECONDS);
  console.log(
    `(3) REST API, patchbay serve in its own process with its SQLite store, ${CONNECTIONS} connections, ${SECONDS} s a phase`,
  );
  console.log(
    `    create call, flat out: ${accepted.toFixed(0)} req/s accepted (${created['2xx']} answered 201, ${created.non2xx} other, ${created.errors} errors), p50 ${created.latency.p50} ms, p99 ${created.latency.p99} ms (goal >= ${GOALS.createPerSecond}/s) ${verdict(accepted, GOALS.createPerSecond)}`,
  );
  console.log(
    `    baseline, bare node:http server, same requests: ${baselineRate.toFixed(0)} req/s; patchbay / baseline = ${(accepted / baselineRate).toFixed(3)}`,
  );
  console.log(
    `    creates held at ${pacedRate.toFixed(0)} req/s over ${PACED_CONNECTIONS} connections (p99 ${paced.latency.p99} ms): list 50 calls p50 ${listed.latency.p50} ms, p99 ${listed.latency.p99} ms (goal < ${GOALS.listP99Ms} ms) ${verdict(listed.latency.p99, GOALS.listP99Ms, true)}; fetch one p50 ${fetched.latency.p50} ms, p99 ${fetched.latency.p99} ms`,
  );
  if ([created, paced, listed, fetched].some((result) => result.non2xx > 0 || result.errors > 0)) {
    console.error('    some requests failed');
    process.exitCode = 1;
  }
} finally {
  server.stop();
  await server.exited;
  app.stop();
  await rm(data, { recursive: true, force: true });
}
