// Cross-node Dial Client -> bridged latency, for bench/cluster.mjs (docs/cluster.md "Sizing and
// capacity"). On a cluster of two `patchbay serve` nodes (one PostgreSQL, one Redis, nginx in
// front), every call is created on node-2 (its REST API directly, so the call runs there) and its
// app, served here, answers `<Dial><Client>`: for a device on node-1 (the other node: the
// invitation, the accept and the call's state cross the bus) or on node-2 (the same node), the
// two kinds interleaved in one run. Devices are `@patchbay/sdk` Devices in this process, each
// connected to its node directly (not through nginx, so where it is held is known).
// Timed, on this process's clock: from the app answering the call's document with
// `<Dial><Client>` to the device's call `accept` event (the call open on the device: the server
// says so once the Dial took the device's answer and bridged its leg). Each call's child leg is
// then read from node-2 and must be `in-progress` (bridged), and the device hangs up.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { AccessToken, Device, VoiceGrant } from '@patchbay/sdk';
import { ACCOUNT, HEADERS } from './servers.mjs';

/** One step of a call may take this long before the run fails naming it. */
const STEP_MS = 10_000;
/**
 * Each of the `concurrency` callers rotates over this many devices of each kind: a device may
 * send 50 messages a second (bridge/session.ts), and each call costs it about six.
 */
const ROTATION = 5;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

function within(promise, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${STEP_MS} ms`)), STEP_MS);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** The app: answers /dial?client=<identity> with a Dial to that client, noting when. */
async function startDialApp() {
  const answered = new Map();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const client = new URL(req.url ?? '/', 'http://x').searchParams.get('client');
      if (!client) return res.writeHead(204).end();
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(`<Response><Dial timeout="10"><Client>${client}</Client></Dial></Response>`);
      answered.set(client, performance.now());
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}`, answered, close: () => server.close() };
}

/** A registered device of `identity` on `server`: accepts every invitation, reports each call open. */
async function startDevice(server, identity, key) {
  const token = new AccessToken(ACCOUNT, key.sid, key.secret, { identity })
    .addGrant(new VoiceGrant({ incomingAllow: true }))
    .toJwt();
  const device = new Device(token, { server, media: false });
  let opened;
  device.on('incoming', (call) => {
    call.once('accept', () => opened?.resolve({ at: performance.now(), call }));
    call.accept().catch((error) => opened?.reject(error));
  });
  await device.register();
  return {
    identity,
    device,
    /** The next call's open, once the device is invited and has accepted. */
    nextOpen() {
      return new Promise((resolve, reject) => {
        opened = { resolve, reject };
      });
    },
  };
}

/**
 * `calls` calls of each kind (device on the other node, on the same node), `concurrency` callers
 * each placing one at a time, the kinds in turn, after one warm-up call per device. Returns the sorted latencies in ms of each kind.
 */
export async function dialLatency({ nodes, key }, { calls, concurrency }) {
  const [far, near] = nodes;
  const started = performance.now();
  const app = await startDialApp();
  /** Every device, to close. */
  const devices = [];
  try {
    const callers = [];
    for (let i = 0; i < concurrency; i++) {
      const pool = { other: [], same: [] };
      for (let j = 0; j < ROTATION; j++) {
        pool.other.push(await startDevice(far.url, `far-${i}-${j}`, key));
        pool.same.push(await startDevice(near.url, `near-${i}-${j}`, key));
      }
      devices.push(...pool.other, ...pool.same);
      callers.push(pool);
    }
    let n = 0;
    const call = async ({ identity, nextOpen }) => {
      const open = nextOpen();
      const created = await fetch(`${near.url}/2010-04-01/Accounts/${ACCOUNT}/Calls.json`, {
        method: 'POST',
        headers: HEADERS,
        body: new URLSearchParams({
          To: `+1555${String(n++).padStart(7, '0')}`,
          From: '+15550900000',
          Url: `${app.url}/dial?client=${identity}`,
        }).toString(),
      });
      if (!created.ok) throw new Error(`creating a call answered ${created.status}: ${await created.text()}`);
      const { at, call: answered } = await within(open, `a call to ${identity}`);
      const latency = at - app.answered.get(identity);
      const sid = answered.parameters.CallSid;
      // Read from node-2, which runs it: another node reads the shared store, where the change
      // may not have landed yet when the device hears its call is open.
      const child = await fetch(`${near.url}/2010-04-01/Accounts/${ACCOUNT}/Calls/${sid}.json`, { headers: HEADERS });
      const { status } = await child.json();
      if (status !== 'in-progress') throw new Error(`the child call ${sid} to ${identity} is ${status}, not bridged`);
      answered.disconnect();
      return latency;
    };
    // Warm-up: code loaded on first use, connections opened, presence seen by node-2.
    for (const device of devices) await call(device);
    const latencies = { other: [], same: [] };
    const placed = { other: 0, same: 0 };
    // Each caller places one call at a time, the kinds in turn, each to the next device of its pool.
    await Promise.all(
      callers.map(async (pool) => {
        for (let k = 0; placed.other < calls || placed.same < calls; k++) {
          const kind = k % 2 === 0 ? 'other' : 'same';
          if (placed[kind]++ >= calls) continue;
          latencies[kind].push(await call(pool[kind][Math.floor(k / 2) % ROTATION]));
        }
      }),
    );
    return {
      other: latencies.other.sort((a, b) => a - b),
      same: latencies.same.sort((a, b) => a - b),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    for (const { device } of devices) device.destroy();
    app.close();
  }
}

/** One line of figures: p50 and p99 of both kinds, their ratio and the goal (cross-node p99 < 2x). */
export function reportDial(result, { calls, concurrency }) {
  const p = (list, n) => percentile(list, n).toFixed(2);
  const ratio = (n) => percentile(result.other, n) / percentile(result.same, n);
  const met = ratio(99) < 2;
  console.log(
    `    Dial Client -> bridged on node-2 (app answers <Dial><Client> -> device's call open), ${calls} calls of each kind, ${concurrency} callers at a time, the kinds in turn (${result.seconds.toFixed(1)} s with ${2 * concurrency * ROTATION} devices and their warm-up):`,
  );
  console.log(
    `      device on the other node: p50 ${p(result.other, 50)} ms, p99 ${p(result.other, 99)} ms; same node: p50 ${p(result.same, 50)} ms, p99 ${p(result.same, 99)} ms; ratio p50 ${ratio(50).toFixed(2)}, p99 ${ratio(99).toFixed(2)} (goal p99 < 2) ${met ? 'MET' : 'NOT MET'}`,
  );
}
