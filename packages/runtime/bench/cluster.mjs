// Cluster benchmark (issue 14, docs/cluster.md "Sizing and capacity"), every part real and on
// loopback: `patchbay serve` nodes in their own processes, one PostgreSQL server (initdb here),
// one redis-server, Debian's nginx with the site docs/cluster.md shows; autocannon from here.
//   (1) one node with --store postgres:// --bus redis:// against one SQLite node, same run:
//       create-call requests/s flat out, list p99 with creates paced alongside; the ratio
//       (goal >= 0.6);
//   (2) the same load through nginx to 1 node, then to 2 nodes;
//   (3) CPU ms per create of each component in each setup: the nodes, PostgreSQL (postmaster and
//       backends), redis-server, nginx (master and worker), from /proc;
//   (4) devices (bench/device-clients.mjs: token, register, heartbeat) through nginx to 2 nodes:
//       how many are still connected after HOLD seconds, and resident memory per device per node;
//   (5) on that cluster, devices still held: Dial Client -> bridged latency p50/p99 with the
//       device on the other node against the same node (bench/cluster-dial.mjs; goal: other
//       node's p99 < 2x the same node's).
// Each setup gets a fresh database, and a fresh Redis keyspace (FLUSHALL between setups would
// race the nodes' leases, so each gets its own redis-server instead).
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadCalls } from './api-load.mjs';
import { dialLatency, reportDial } from './cluster-dial.mjs';
import {
  ACCOUNT,
  cpuMs,
  freePort,
  HEADERS,
  rssBytes,
  startApp,
  startNginx,
  startPatchbay,
  startPostgres,
  startRedis,
  treeCpuMs,
} from './servers.mjs';

// CI's short run leaves this one out for time (BENCH_SKIP=cluster, .ci/run); `pnpm bench` runs it.
if ((process.env.BENCH_SKIP ?? '').split(',').includes('cluster')) {
  console.log('cluster benchmark: skipped (BENCH_SKIP)');
  process.exit(0);
}

const SETTINGS = {
  seconds: Number(process.env.BENCH_CLUSTER_SECONDS ?? 10),
  connections: Number(process.env.BENCH_CLUSTER_CONNECTIONS ?? 32),
  pacedConnections: Number(process.env.BENCH_CLUSTER_PACED_CONNECTIONS ?? 16),
  pacedRate: Number(process.env.BENCH_CLUSTER_PACED_RATE ?? 1000),
};
const DEVICES = Number(process.env.BENCH_CLUSTER_DEVICES ?? 5000);
const HOLD_SECONDS = Number(process.env.BENCH_CLUSTER_HOLD_SECONDS ?? 30);
const DIAL = {
  calls: Number(process.env.BENCH_CLUSTER_DIAL_CALLS ?? 500),
  concurrency: Number(process.env.BENCH_CLUSTER_DIAL_CONCURRENCY ?? 4),
};
const GOALS = { ratio: 0.6 };
// The shared store seals SIP passwords with one key on every node.
const SECRET_KEY = 'ab'.repeat(32);

let setups = 0;

const stopper = (server) => async () => {
  server.stop();
  await server.exited;
};

/**
 * A setup: `nodes` patchbay serve processes (none: one SQLite node), behind nginx or not.
 * Returns the URL clients use, the CPU meter and the nodes' pids/ports.
 */
async function startSetup({ nodes, balanced }, postgres) {
  setups += 1;
  const data = await Promise.all(
    Array.from({ length: Math.max(1, nodes) }, () => mkdtemp(join(tmpdir(), 'patchbay-bench-'))),
  );
  const stops = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
    await Promise.all(data.map((d) => rm(d, { recursive: true, force: true })));
  };
  // startPatchbay lifts the per-account call cap; devices are lifted here.
  const limits = ['--account-max-devices', '1000000'];
  if (nodes === 0) {
    const server = await startPatchbay(data[0], limits);
    stops.push(stopper(server));
    return { url: server.url, nodes: [{ pid: server.pid }], meter: () => ({ node: cpuMs(server.pid) }), stop: stopAll };
  }
  const redis = await startRedis();
  stops.push(() => redis.close());
  const store = await postgres.database(`bench${setups}`);
  const ports = await Promise.all(Array.from({ length: nodes }, () => freePort()));
  const balancer = balanced
    ? await startNginx(
        ports.map((port) => `127.0.0.1:${port}`),
        // Two connections for each device's WebSocket (the device's and the node's), and room for the rest.
        2 * DEVICES + 1024,
      )
    : undefined;
  if (balancer) stops.push(() => balancer.close());
  const started = [];
  // One after the other: the first creates the schema and the account.
  for (const [index, port] of ports.entries()) {
    const extra = ['--store', store, '--bus', redis.url, '--node-id', `node-${index + 1}`, ...limits];
    if (balancer) extra.push('--public-url', balancer.url);
    const server = await startPatchbay(data[index], extra, SECRET_KEY, port);
    stops.push(stopper(server));
    started.push({ pid: server.pid, port, url: server.url });
  }
  const meter = () => {
    const figures = {};
    for (const [index, node] of started.entries()) figures[`node-${index + 1}`] = cpuMs(node.pid);
    figures.postgres = treeCpuMs(postgres.postmaster);
    figures.redis = cpuMs(redis.pid);
    if (balancer) figures.nginx = treeCpuMs(balancer.pid);
    return figures;
  };
  return { url: balancer?.url ?? started[0].url, nodes: started, meter, stop: stopAll };
}

async function measure(label, shape, app, postgres) {
  const setup = await startSetup(shape, postgres);
  try {
    return { label, ...(await loadCalls({ url: setup.url, app, meter: setup.meter, ...SETTINGS })) };
  } finally {
    await setup.stop();
  }
}

/** Established connections whose local end is `port` (the node side of each device's WebSocket). */
function connectionsTo(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => {
      const [, local, , state] = line.trim().split(/\s+/);
      return local?.endsWith(hex) && state === '01';
    }).length;
}

/** Devices held through nginx on 2 nodes, then (still held) the Dial Client latency on that cluster. */
async function devices(postgres) {
  const setup = await startSetup({ nodes: 2, balanced: true }, postgres);
  let clients;
  try {
    const created = await fetch(`${setup.url}/2010-04-01/Accounts/${ACCOUNT}/Keys.json`, {
      method: 'POST',
      headers: HEADERS,
      body: 'FriendlyName=bench',
    });
    if (!created.ok) throw new Error(`creating a key answered ${created.status}: ${await created.text()}`);
    const key = await created.json();
    const before = setup.nodes.map((node) => ({ rss: rssBytes(node.pid), connections: connectionsTo(node.port) }));
    const url = `${setup.url.replace('http', 'ws')}/devices/v1/ws`;
    clients = fork(new URL('./device-clients.mjs', import.meta.url).pathname, [url, String(DEVICES), 'bridge'], {
      env: { ...process.env, BENCH_ACCOUNT: ACCOUNT, BENCH_KEY: key.sid, BENCH_SECRET: key.secret },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    const exited = new Promise((_, reject) =>
      clients.once('exit', (code) => reject(new Error(`device clients exited (${code})`))),
    );
    const lines = createInterface({ input: clients.stdout });
    const said = (prefix) =>
      new Promise((resolve) => lines.on('line', (line) => line.startsWith(prefix) && resolve(line)));
    await Promise.race([said('ready'), exited]);
    // Past several heartbeats: devices that the balancer or a node drops are counted out.
    await Promise.race([new Promise((resolve) => setTimeout(resolve, HOLD_SECONDS * 1000)), exited]);
    const answer = said('open');
    clients.send('count');
    const open = Number((await Promise.race([answer, exited])).split(' ')[1]);
    // Per node: the node ends of the balancer's WebSockets (give or take its keep-alive connections).
    const nodes = setup.nodes.map((node, index) => {
      const connected = connectionsTo(node.port) - before[index].connections;
      const grown = rssBytes(node.pid) - before[index].rss;
      return { node: `node-${index + 1}`, connected, bytesPerDevice: grown / Math.max(1, connected) };
    });
    const dial = await dialLatency({ ...setup, key }, DIAL);
    return { open, nodes, dial };
  } finally {
    clients?.kill('SIGTERM');
    await setup.stop();
  }
}

const perCreate = (figures) =>
  Object.entries(figures)
    .map(([name, ms]) => `${name} ${ms.toFixed(3)}`)
    .join(', ');

function report(result, baseline) {
  const ratio = baseline ? `; / ${baseline.label} = ${(result.rate / baseline.rate).toFixed(3)}` : '';
  const total = Object.values(result.cpuPerCreate).reduce((sum, ms) => sum + ms, 0);
  console.log(
    `    ${result.label}: create flat out ${result.rate.toFixed(0)} req/s (p50 ${result.flat.latency.p50} ms, p99 ${result.flat.latency.p99} ms)${ratio}`,
  );
  console.log(
    `      list 50 with creates at ${result.pacedRate.toFixed(0)}/s: p50 ${result.listed.latency.p50} ms, p99 ${result.listed.latency.p99} ms${baseline ? ` (${baseline.label}: p99 ${baseline.listed.latency.p99} ms)` : ''}`,
  );
  console.log(`      CPU ms per create: ${perCreate(result.cpuPerCreate)} (all ${total.toFixed(3)})`);
}

const app = await startApp();
const postgres = await startPostgres();
try {
  const sqlite = await measure('SQLite, 1 node', { nodes: 0 }, app, postgres);
  const shared = await measure('PostgreSQL + Redis, 1 node', { nodes: 1 }, app, postgres);
  const one = await measure('nginx -> 1 node', { nodes: 1, balanced: true }, app, postgres);
  const two = await measure('nginx -> 2 nodes', { nodes: 2, balanced: true }, app, postgres);
  console.log(
    `(cluster) same run, every process on this machine's ${(await import('node:os')).availableParallelism()} cores, ${SETTINGS.connections} connections, ${SETTINGS.seconds} s a phase`,
  );
  report(sqlite);
  report(shared, sqlite);
  report(one, shared);
  report(two, one);
  const ratio = shared.rate / sqlite.rate;
  console.log(
    `    PostgreSQL + Redis / SQLite create throughput = ${ratio.toFixed(3)} (goal >= ${GOALS.ratio}) ${ratio >= GOALS.ratio ? 'MET' : 'NOT MET'}`,
  );
  const held = await devices(postgres);
  console.log(
    `    devices through nginx on 2 nodes: ${held.open} of ${DEVICES} still open after ${HOLD_SECONDS} s; connections and RSS per device: ${held.nodes.map((n) => `${n.node} ${n.connected} (${(n.bytesPerDevice / 1024).toFixed(1)} KiB RSS each)`).join(', ')}`,
  );
  reportDial(held.dial, DIAL);
  if ([sqlite, shared, one, two].some((result) => result.failed) || held.open < DEVICES) {
    console.error('    some requests failed or devices were dropped');
    process.exitCode = 1;
  }
} finally {
  app.stop();
  await postgres.stop();
}
