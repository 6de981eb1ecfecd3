// Soak benchmark: `patchbay serve` (startServer, in this process so its heap can be measured
// after GC; SQLite store in a temporary data directory; simulated network with instant media)
// under a sustained mixed load from CONCURRENCY workers, each looping over:
//   an inbound IVR call (Say, Gather a key, action, Dial a number), an inbound call hearing a
//   60 KB <Say>, an inbound call into a conference (the caller hangs up after a second), an
//   inbound call that dials a registered client device (devices in a second process, accepting),
//   a REST-created call, a text message, and REST reads (list 50 calls, fetch one).
// First figure: heap kept after many calls hearing a 60 KB <Say> (issue: 181 MB after 1,500).
// Soak figure: heap after GC at the start (after WARMUP_SECONDS of the same load, so the bounded
// tails are full) and at the end of SECONDS; the ratio end/start, goal <= 1.2 (a flat heap).
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { INSTANT_TIMING, startServer } from '../dist/index.js';

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const WARMUP_SECONDS = Number(process.env.BENCH_SOAK_WARMUP_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.BENCH_SOAK_CONCURRENCY ?? 16);
const DEVICES = Number(process.env.BENCH_SOAK_DEVICES ?? 50);
const GOAL_RATIO = 1.2;
const ACCOUNT = `AC${'5'.repeat(32)}`;
const TOKEN = '9'.repeat(32);
const AUTH = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
const NUMBERS = { ivr: '+15550910001', long: '+15550910002', conference: '+15550910003', client: '+15550910004' };

if (!global.gc) throw new Error('run with node --expose-gc');

function heap() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}
const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;

async function startApp() {
  const child = spawn(process.execPath, [new URL('./app-server.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = await once(child.stdout, 'data');
  return { url: `http://127.0.0.1:${String(chunk).trim()}`, stop: () => child.kill('SIGTERM') };
}

function devices(url, key, secret) {
  const child = fork(new URL('./device-clients.mjs', import.meta.url).pathname, [url, String(DEVICES), 'bridge'], {
    env: { ...process.env, BENCH_ACCOUNT: ACCOUNT, BENCH_KEY: key, BENCH_SECRET: secret },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const ready = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => line.startsWith('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`device clients exited (${code})`)));
  });
  return { ready, stop: () => child.kill('SIGTERM') };
}

async function api(base, method, resource, params) {
  const response = await fetch(`${base}/2010-04-01/Accounts/${ACCOUNT}/${resource}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' },
    ...(params ? { body: new URLSearchParams(params) } : {}),
  });
  const body = await response.json();
  if (response.status >= 300) throw new Error(`${method} ${resource}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

const app = await startApp();
const data = await mkdtemp(join(tmpdir(), 'patchbay-soak-'));
const server = await startServer({
  port: 0,
  data,
  accountSid: ACCOUNT,
  authToken: TOKEN,
  timing: INSTANT_TIMING,
  drainMs: 2000,
});
const base = server.url;
server.network.addNumber('+15550900001', { hangupAfterMs: 0 });
for (const [kind, number] of Object.entries(NUMBERS)) {
  await api(base, 'POST', 'IncomingPhoneNumbers.json', {
    PhoneNumber: number,
    VoiceUrl: `${app.url}/${{ ivr: 'voice', conference: 'soak-room' }[kind] ?? kind}`,
    StatusCallback: `${app.url}/status`,
  });
}
const key = await api(base, 'POST', 'Keys.json', { FriendlyName: 'soak' });
const phones = devices(`${base.replace('http', 'ws')}/devices/v1/ws`, key.sid, key.secret);
await phones.ready;

// (4a) What ended calls leave behind: LONG_CALLS calls that each hear a 60 KB <Say>, 16 at a time.
const LONG_CALLS = Number(process.env.BENCH_SOAK_LONG_CALLS ?? 1500);
const beforeLong = heap();
for (let i = 0; i < LONG_CALLS; i += 16) {
  const batch = [];
  for (let j = i; j < Math.min(LONG_CALLS, i + 16); j++)
    batch.push(
      api(base, 'POST', 'Simulator/Calls.json', {
        To: NUMBERS.long,
        From: `+1555093${String(j).padStart(4, '0')}`,
        Wait: 'true',
      }),
    );
  await Promise.all(batch);
}
const afterLong = heap();
console.log(
  `(4a) ${LONG_CALLS} calls hearing a 60 KB <Say>: heap after GC ${mib(beforeLong)} -> ${mib(afterLong)}, ${mib(afterLong - beforeLong)} kept (the bounded tails of ended calls, parties and records)`,
);

let n = 0;
let calls = 0;
let failures = 0;
let lastSid;
const steps = [
  () => api(base, 'POST', 'Simulator/Calls.json', { To: NUMBERS.ivr, From: from(), Digits: '1', Wait: 'true' }),
  () => api(base, 'POST', 'Simulator/Calls.json', { To: NUMBERS.long, From: from(), Wait: 'true' }),
  () =>
    api(base, 'POST', 'Simulator/Calls.json', { To: NUMBERS.conference, From: from(), HangupAfter: '1', Wait: 'true' }),
  () => api(base, 'POST', 'Simulator/Calls.json', { To: NUMBERS.client, From: from(), Wait: 'true' }),
  async () => {
    const call = await api(base, 'POST', 'Calls.json', {
      To: '+15550900001',
      From: NUMBERS.ivr,
      Twiml: '<Response><Say>Your order has shipped.</Say></Response>',
      StatusCallback: `${app.url}/status`,
    });
    lastSid = call.sid;
  },
  () =>
    api(base, 'POST', 'Messages.json', {
      To: from(),
      From: NUMBERS.ivr,
      Body: 'Your code is 123456',
      StatusCallback: `${app.url}/status`,
    }),
  () => api(base, 'GET', 'Calls.json?PageSize=50'),
  () => (lastSid ? api(base, 'GET', `Calls/${lastSid}.json`) : undefined),
];
/** 2,000 callers in turn: what the server caches per address fills during the warm-up. */
function from() {
  return `+1555${String(n % 2000).padStart(7, '0')}`;
}

let running = true;
async function worker(offset) {
  for (let i = offset; running; i++) {
    n++;
    try {
      await steps[i % steps.length]();
      if (i % steps.length < 5) calls++;
    } catch (error) {
      failures++;
      if (failures <= 3) console.error(`    ${error.message}`);
    }
  }
}
const workers = Array.from({ length: CONCURRENCY }, (_, i) => worker(i));
const phase = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

await phase(WARMUP_SECONDS);
const start = { heap: heap(), rss: process.memoryUsage().rss, calls };
await phase(SECONDS);
const end = { heap: heap(), rss: process.memoryUsage().rss, calls };
running = false;
await Promise.all(workers);

const ratio = end.heap / start.heap;
console.log(
  `(4b) soak: patchbay serve in this process, ${CONCURRENCY} workers for ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up: IVR with Gather and Dial, 60 KB Say, conference, Dial Client to ${DEVICES} devices, REST-created calls, messages, REST reads`,
);
console.log(
  `    ${end.calls - start.calls} calls in the measured part (${((end.calls - start.calls) / SECONDS).toFixed(0)}/s), ${failures} failed requests; RSS ${mib(start.rss)} -> ${mib(end.rss)}`,
);
console.log(
  `    heap after GC ${mib(start.heap)} at the start -> ${mib(end.heap)} at the end: ratio ${ratio.toFixed(2)} (goal <= ${GOAL_RATIO}) ${ratio <= GOAL_RATIO ? 'MET' : 'NOT MET'}`,
);
phones.stop();
await server.close();
app.stop();
await rm(data, { recursive: true, force: true });
if (failures > 0) process.exitCode = 1;
