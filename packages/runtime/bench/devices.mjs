// Device bridge benchmark, on loopback, devices in a second process (bench/device-clients.mjs):
//   (1) REGISTRATIONS idle registered devices on one runtime: heap bytes per registration
//       (goal < 10 KiB). Baseline: the same number of bare WebSockets on a bare ws server in the
//       same kind of process (what any WebSocket service pays per connection).
//   (2) CALLS concurrent calls to registered identities: from the child call reaching
//       <Dial><Client> to the two legs being bridged after the device's accept, p50 and p99
//       (goals 5 ms and 25 ms), with the calls arriving over a second (PACE_MS; each stays
//       bridged, so all CALLS are up at the end), then as many again arriving in one instant.
//       Baseline: one WebSocket round trip (server sends, device echoes) to CALLS devices at
//       once, which is what the burst's queueing costs before any call work.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { WebSocketServer } from 'ws';
import { createRuntime, deviceEndpoints, INSTANT_TIMING, SimulatedNetwork } from '../dist/index.js';

const REGISTRATIONS = Number(process.env.BENCH_DEVICES ?? 10_000);
const CALLS = Number(process.env.BENCH_DEVICE_CALLS ?? 1_000);
/** The paced phase places CALLS calls over this long. */
const PACE_MS = Number(process.env.BENCH_DEVICE_PACE_MS ?? 1_000);
const TICK_MS = 5;
const GOALS = { bytesPerRegistration: 10 * 1024, p50Ms: 5, p99Ms: 25 };
const ACCOUNT = `AC${'d'.repeat(32)}`;
const KEY = `SK${'e'.repeat(32)}`;
const SECRET = 'bench-secret';

if (!global.gc) throw new Error('run with node --expose-gc');

function heap() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

function clients(url, count, mode) {
  const child = fork(new URL('./device-clients.mjs', import.meta.url).pathname, [url, String(count), mode], {
    env: { ...process.env, BENCH_ACCOUNT: ACCOUNT, BENCH_KEY: KEY, BENCH_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise((resolve, reject) => {
    lines.on('line', (line) => line.startsWith('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`device clients exited (${code})`)));
  });
  return { ready, stop: () => child.kill('SIGTERM') };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

/** Bare WebSockets: heap per connection, and round-trip latency to `calls` of them at once. */
async function bare(count = REGISTRATIONS) {
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws)));
  const port = await listen(server);
  const before = heap();
  const devices = clients(`ws://127.0.0.1:${port}/`, count, 'bare');
  await devices.ready;
  const perConnection = (heap() - before) / count;
  const sockets = [...wss.clients].slice(0, CALLS);
  const latencies = await Promise.all(
    sockets.map(
      (ws) =>
        new Promise((resolve) => {
          const started = performance.now();
          ws.once('message', () => resolve(performance.now() - started));
          ws.send('{"type":"probe"}');
        }),
    ),
  );
  devices.stop();
  wss.close();
  server.close();
  return { perConnection, latencies: latencies.sort((a, b) => a - b) };
}

async function bridge() {
  const network = new SimulatedNetwork({ timing: INSTANT_TIMING });
  const runtime = createRuntime({
    media: network,
    accountSid: ACCOUNT,
    authToken: 'f'.repeat(32),
    keepEnded: 100,
    // One account holds every device and call here: lift its per-account limits above the load.
    limits: { deviceSessions: 1_000_000, concurrentCalls: 1_000_000 },
    devices: {
      directory: {
        key: async (sid) => (sid === KEY ? { secret: SECRET, accountSid: ACCOUNT } : undefined),
        account: async (sid) => (sid === ACCOUNT ? { sid, authToken: 'f'.repeat(32), active: true } : undefined),
      },
      application: async () => undefined,
    },
  });
  const endpoints = deviceEndpoints(runtime.devices);
  const server = createServer((req, res) => endpoints.request(req, res) || res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => endpoints.upgrade(req, socket, head) || socket.destroy());
  const port = await listen(server);
  const before = heap();
  const devices = clients(`ws://127.0.0.1:${port}/devices/v1/ws`, Math.max(REGISTRATIONS, 2 * CALLS), 'bridge');
  await devices.ready;
  const registered = Math.max(REGISTRATIONS, 2 * CALLS);
  const perRegistration = (heap() - before) / registered;
  if (runtime.devices.size !== registered)
    throw new Error(`expected ${registered} sessions, have ${runtime.devices.size}`);

  // Latency: the child call reaching Dial Client (its creation) to the bridge of the two legs.
  const dialed = new Map();
  const latencies = [];
  let done;
  const all = new Promise((resolve) => {
    done = resolve;
  });
  runtime.events.on('call.created', (call) => {
    if (call.direction === 'outbound-dial') dialed.set(call.to, performance.now());
  });
  const bridgeLegs = network.bridge.bind(network);
  network.bridge = (a, b, options) => {
    const started = dialed.get(b.party.address);
    if (started !== undefined) {
      latencies.push(performance.now() - started);
      if (latencies.length === CALLS) done?.();
    }
    return bridgeLegs(a, b, options);
  };
  const call = (i) =>
    runtime.calls.create({
      to: `+1555${String(i).padStart(7, '0')}`,
      from: '+15550000000',
      twiml: `<Response><Dial timeout="30"><Client>dev${i}</Client></Dial></Response>`,
    });
  // Paced: the calls arrive over PACE_MS (every call stays bridged, so all are up at the end).
  const perTick = Math.max(1, Math.round((CALLS * TICK_MS) / PACE_MS));
  let placed = 0;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      for (let n = 0; n < perTick && placed < CALLS; n++) call(placed++);
      if (placed >= CALLS) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  await all;
  const paced = latencies.splice(0).sort((a, b) => a - b);
  // Burst: as many again, all in the same instant (to identities dev<CALLS>...).
  dialed.clear();
  done = undefined;
  const burst = new Promise((resolve) => {
    done = resolve;
  });
  for (let i = CALLS; i < 2 * CALLS; i++) call(i);
  await burst;
  devices.stop();
  endpoints.close();
  await runtime.close();
  server.close();
  return { perRegistration, paced, burst: latencies.sort((a, b) => a - b) };
}

// Warm-up, so code loaded on first use is not counted against either side.
await bare(Math.min(500, REGISTRATIONS));
const base = await bare();
const ours = await bridge();
const p = (list, n) => percentile(list, n).toFixed(2);
const met = (ok) => (ok ? 'MET' : 'NOT MET');
console.log(`\ndevice bridge: ${REGISTRATIONS} idle registrations, ${CALLS} concurrent calls to devices`);
console.log(
  `  heap per idle registration: ${kib(ours.perRegistration)} (goal < ${kib(GOALS.bytesPerRegistration)}) ${met(ours.perRegistration < GOALS.bytesPerRegistration)} | bare WebSocket ${kib(base.perConnection)} | ratio ${(ours.perRegistration / base.perConnection).toFixed(2)}`,
);
const ratio = (a, b, n) => (percentile(a, n) / percentile(b, n)).toFixed(2);
console.log(
  `  Dial Client -> bridged, ${CALLS} calls over ${PACE_MS} ms: p50 ${p(ours.paced, 50)} ms (goal < ${GOALS.p50Ms}), p99 ${p(ours.paced, 99)} ms (goal < ${GOALS.p99Ms}) ${met(percentile(ours.paced, 50) < GOALS.p50Ms && percentile(ours.paced, 99) < GOALS.p99Ms)}`,
);
console.log(
  `  Dial Client -> bridged, ${CALLS} calls in one instant: p50 ${p(ours.burst, 50)} ms, p99 ${p(ours.burst, 99)} ms`,
);
console.log(
  `  baseline WebSocket round trip to ${CALLS} devices in one instant: p50 ${p(base.latencies, 50)} ms, p99 ${p(base.latencies, 99)} ms | burst ratio p50 ${ratio(ours.burst, base.latencies, 50)}, p99 ${ratio(ours.burst, base.latencies, 99)}`,
);
process.exit(0);
