// Device commands benchmark (docs/commands.md), on loopback, in one server process (one core)
// with the devices in a second process (bench/command-clients.mjs, real WebSockets):
//   (1) throughput and latency over open channels: DEVICES devices connected and attached, then
//       COMMANDS commands submitted through the command service (WINDOW in flight), each
//       delivered as a `command` message and answered by its device with `command-result`:
//       commands completed per second of the server's CPU (so per core, whatever else the
//       machine runs; wall-clock rate beside it) from submission to recorded result, p50 and p99 (goals
//       >= 5,000/s on one core, p99 < 50 ms), on the SQLite store `patchbay serve` uses. Baseline,
//       same run: the same commands on the in-memory store (what the store's writes cost).
//   (2) wake-up by Web Push: a device not connected, a push service on loopback (answers 201);
//       on each push the device connects, attaches and answers: submission to recorded result,
//       WAKES rounds, p50 and p99.
import { fork } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AccessToken, VoiceGrant } from '@patchbay/sdk';
import WebSocket from 'ws';
import {
  bootstrapAccount,
  commandsFeature,
  createEgress,
  createRuntime,
  deviceEndpoints,
  INSTANT_TIMING,
  MemoryStore,
  SimulatedNetwork,
  SqliteStore,
} from '../dist/index.js';

const DEVICES = Number(process.env.BENCH_COMMAND_DEVICES ?? 10_000);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 50_000);
// Commands in flight at once: 50 already keeps one core busy; more only adds queueing delay to
// every command (Little's law: latency = in flight / throughput), 200 gives ~33 ms p50 by itself.
const WINDOW = Number(process.env.BENCH_COMMAND_WINDOW ?? 50);
const WAKES = Number(process.env.BENCH_WAKES ?? 20);
const GOALS = { perSecond: 5_000, p99Ms: 50 };
const KEY = `SK${'e'.repeat(32)}`;
const SECRET = 'bench-secret';

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const sid = (prefix) => prefix + randomBytes(16).toString('hex');
const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

async function start(store) {
  const { account } = await bootstrapAccount(store, { now: Date.now() });
  const runtime = createRuntime({
    media: new SimulatedNetwork({ timing: INSTANT_TIMING }),
    accountSid: account.sid,
    authToken: account.authToken,
    limits: { deviceSessions: 1_000_000, concurrentCalls: 1_000_000 },
    devices: {
      directory: {
        key: async (key) => (key === KEY ? { secret: SECRET, accountSid: account.sid } : undefined),
        account: async (sid) => (sid === account.sid ? { sid, authToken: account.authToken, active: true } : undefined),
      },
      application: async () => undefined,
    },
  });
  const settled = new Map();
  const feature = commandsFeature({
    runtime,
    store,
    options: { egress: createEgress({ policy: 'allow-private' }) },
    onSettled: (record) => settled.get(record.sid)?.(record),
  });
  const endpoints = deviceEndpoints(runtime.devices);
  const server = createServer((req, res) => endpoints.request(req, res) || res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => endpoints.upgrade(req, socket, head) || socket.destroy());
  const port = await listen(server);
  const device = async (index, more = {}) => {
    const record = {
      sid: sid('DV'),
      accountSid: account.sid,
      createdAt: Date.now(),
      deviceId: `bench-${index}`,
      identity: `dev${index}`,
      binding: { type: 'email', address: `dev${index}@example.com` },
      email: `dev${index}@example.com`,
      secret: b64url(randomBytes(32)),
      updatedAt: Date.now(),
      ...more,
    };
    await store.put('device', record);
    return record;
  };
  return { account, runtime, feature, settled, server, port, device, url: `ws://127.0.0.1:${port}/devices/v1/ws` };
}

async function clients(url, devices, dir) {
  const file = join(dir, 'devices.json');
  await writeFile(file, JSON.stringify(devices.map((d) => ({ device: d.sid, secret: d.secret }))));
  const child = fork(new URL('./command-clients.mjs', import.meta.url).pathname, [url, file], {
    env: { ...process.env, BENCH_ACCOUNT: devices[0].accountSid, BENCH_KEY: KEY, BENCH_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => line.startsWith('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`command clients exited (${code})`)));
  });
  return () => child.kill('SIGTERM');
}

/** `count` commands spread over `devices`, `window` in flight: completions per second, latencies. */
async function submitAll(bench, devices, count, window) {
  const latencies = [];
  let next = 0;
  let done = 0;
  const began = performance.now();
  const cpu = process.cpuUsage();
  await new Promise((resolve, reject) => {
    const pump = () => {
      while (next - done < window && next < count) {
        const i = next++;
        const at = performance.now();
        bench.feature.service
          .submit(bench.account, devices[i % devices.length].sid, { action: 'bench', params: { i: String(i) } })
          .then(
            (record) =>
              bench.settled.set(record.sid, (settled) => {
                bench.settled.delete(record.sid);
                if (settled.status !== 'completed') reject(new Error(`${record.sid} ${settled.status}`));
                latencies.push(performance.now() - at);
                if (++done === count) resolve();
                else pump();
              }),
            reject,
          );
      }
    };
    pump();
  });
  const seconds = (performance.now() - began) / 1000;
  const used = process.cpuUsage(cpu);
  // Per second of the server's CPU: what one core sustains, whatever else the machine runs.
  return {
    perSecond: count / seconds,
    perCpuSecond: count / ((used.user + used.system) / 1e6),
    latencies: latencies.sort((a, b) => a - b),
  };
}

async function channels(label, store, dir) {
  const bench = await start(store);
  const devices = [];
  // Stored together (SQLite commits a group of writes at once).
  for (let i = 0; i < DEVICES; i += 500)
    devices.push(
      ...(await Promise.all(Array.from({ length: Math.min(500, DEVICES - i) }, (_, j) => bench.device(i + j)))),
    );
  console.error(`${label}: ${DEVICES} devices stored; connecting them`);
  const stop = await clients(bench.url, devices, dir);
  if (bench.runtime.devices.size !== DEVICES)
    throw new Error(`expected ${DEVICES} sessions, have ${bench.runtime.devices.size}`);
  await submitAll(bench, devices, Math.min(COMMANDS, 5_000), WINDOW); // warm-up
  const result = await submitAll(bench, devices, COMMANDS, WINDOW);
  stop();
  return { label, bench, ...result };
}

/** A device woken by Web Push: it connects, attaches, answers; submission to recorded result. */
async function wakes(bench) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  let pushed;
  const push = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(201).end();
      pushed?.();
    });
  });
  const pushPort = await listen(push);
  const woken = await bench.device('push', {
    wakeUp: {
      type: 'web-push',
      endpoint: `http://127.0.0.1:${pushPort}/push/1`,
      keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(randomBytes(16)) },
    },
  });
  const token = new AccessToken(bench.account.sid, KEY, SECRET, { identity: woken.identity, ttl: 3600 })
    .addGrant(new VoiceGrant({}))
    .toJwt();
  let session;
  const wake = () => {
    // The device as an app would be: woken, it connects, attaches, and answers each command.
    const socket = new WebSocket(bench.url, { perMessageDeflate: false });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', v: 1, token })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'welcome') session = message.session;
      if (message.type === 'welcome')
        socket.send(
          JSON.stringify({ type: 'commands-attach', id: 'a', device: woken.sid, secret: woken.secret, after: 0 }),
        );
      else if (message.type === 'command')
        socket.send(
          JSON.stringify({
            type: 'command-result',
            id: `r${message.number}`,
            device: woken.sid,
            command: message.sid,
            ok: true,
          }),
        );
      else if (message.type === 'result' && message.id.startsWith('r')) {
        socket.send(JSON.stringify({ type: 'bye' }));
        socket.close();
      }
    });
  };
  pushed = wake;
  const latencies = [];
  for (let round = 0; round < WAKES; round++) {
    const at = performance.now();
    const record = await bench.feature.service.submit(bench.account, woken.sid, { action: 'wake', params: {} });
    const settled = await new Promise((resolve) => bench.settled.set(record.sid, resolve));
    if (settled.status !== 'completed' || settled.deliveredVia !== 'web-push')
      throw new Error(`wake ${round}: ${settled.status} via ${settled.deliveredVia}`);
    latencies.push(performance.now() - at);
    // The session ends (bye) before the next round: the device must be woken again.
    while (bench.runtime.devices.session(session)) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  push.close();
  return latencies.sort((a, b) => a - b);
}

const verdict = (met) => (met ? 'MET' : 'NOT MET');
const dir = await mkdtemp(join(tmpdir(), 'patchbay-commands-bench-'));
try {
  const memory = await channels('in-memory store (baseline)', new MemoryStore(), dir);
  memory.bench.server.close();
  memory.bench.feature.close();
  memory.bench.runtime.devices.close();
  const sqlite = await channels('SQLite store (patchbay serve)', await SqliteStore.open(join(dir, 'data')), dir);
  const woken = await wakes(sqlite.bench);
  console.log(
    `Device commands over open channels: ${DEVICES} devices connected (WebSockets, a second process), ${COMMANDS} commands, ${WINDOW} in flight`,
  );
  for (const run of [sqlite, memory]) {
    const p50 = percentile(run.latencies, 50);
    const p99 = percentile(run.latencies, 99);
    console.log(
      `  ${run.label}: ${Math.round(run.perCpuSecond)} commands completed per second of server CPU (goal >= ${GOALS.perSecond} on one core: ${verdict(run.perCpuSecond >= GOALS.perSecond)}, ${(run.perCpuSecond / GOALS.perSecond).toFixed(2)}x), ${Math.round(run.perSecond)}/s wall clock; submission to recorded result p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (goal < ${GOALS.p99Ms} ms: ${verdict(p99 < GOALS.p99Ms)}, ${(p99 / GOALS.p99Ms).toFixed(2)}x of it)`,
    );
  }
  console.log(
    `  SQLite / in-memory (baseline): ${(sqlite.perCpuSecond / memory.perCpuSecond).toFixed(2)}x the commands per CPU second, ${(percentile(sqlite.latencies, 99) / percentile(memory.latencies, 99)).toFixed(2)}x the p99`,
  );
  console.log(
    `Wake by Web Push and complete (${WAKES} rounds, SQLite): submission to recorded result p50 ${percentile(woken, 50).toFixed(2)} ms, p99 ${percentile(woken, 99).toFixed(2)} ms`,
  );
  sqlite.bench.server.close();
  sqlite.bench.feature.close();
  sqlite.bench.runtime.devices.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exit(0);
