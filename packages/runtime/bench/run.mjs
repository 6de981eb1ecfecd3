// Runtime benchmarks, on loopback, simulated network in real time with zero media delays, the
// app server in a second process. Run after `pnpm build`: pnpm --filter @patchbay/runtime bench
//   (1) throughput: CALLS calls, CONCURRENCY at a time, each fetch -> Say -> Gather (DTMF) ->
//       action fetch -> Dial Number (answers) -> hang-up, with status callbacks.
//   (2) memory: HELD calls held in conferences; heap bytes per active call.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRuntime, INSTANT_TIMING, SimulatedNetwork, systemClock } from '../dist/index.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 10_000);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 500);
const HELD = Number(process.env.BENCH_HELD ?? 10_000);
const GOALS = { callsPerSecond: 500, verbP99Ms: 1, bytesPerCall: 20 * 1024 };
const NUMBER = '+15550900000';

async function startApp() {
  const child = spawn(process.execPath, [new URL('./app-server.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = await once(child.stdout, 'data');
  return { url: `http://127.0.0.1:${String(chunk).trim()}`, stop: () => child.kill('SIGTERM') };
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function verdict(value, goal, lowerIsBetter) {
  return (lowerIsBetter ? value <= goal : value >= goal) ? 'MET' : 'NOT MET';
}

async function runCalls(app, calls, concurrency) {
  const network = new SimulatedNetwork({ clock: systemClock, timing: INSTANT_TIMING });
  network.addNumber('+15550900001', { hangupAfterMs: 0 });
  const runtime = createRuntime({
    media: network,
    authToken: 'bench-token',
    // Every call here is the default account's: lift its concurrent-call limit above the load.
    limits: { concurrentCalls: 1_000_000 },
    incoming: () => ({
      url: `${app.url}/voice`,
      statusCallback: `${app.url}/status`,
      statusCallbackEvent: ['ringing', 'answered', 'completed'],
    }),
  });
  const verbTimes = new Map();
  runtime.events.on('call.verb.ended', (_call, verb, ms) => {
    if (!verbTimes.has(verb)) verbTimes.set(verb, []);
    verbTimes.get(verb).push(ms);
  });
  let started = 0;
  let completed = 0;
  let failed = 0;
  const t0 = performance.now();
  await new Promise((resolve) => {
    const next = () => {
      if (started >= calls) return;
      started++;
      let sid;
      runtime.events.once('call.created', (call) => {
        sid = call.sid;
      });
      network.call({
        from: `+1555${String(started).padStart(7, '0')}`,
        to: NUMBER,
        inputs: [{ digits: '1', afterMs: 0 }],
      });
      runtime.calls.ended(sid).then((call) => {
        if (call.status === 'completed' && call.errors.length === 0) completed++;
        else failed++;
        if (completed + failed === calls) resolve();
        else next();
      });
    };
    for (let i = 0; i < Math.min(concurrency, calls); i++) next();
  });
  const seconds = (performance.now() - t0) / 1000;
  await runtime.callbacks.drain();
  await runtime.close();
  await network.close();
  return { completed, failed, seconds, verbTimes };
}

function printVerbs(verbTimes, label) {
  const all = [];
  for (const [verb, times] of [...verbTimes].sort()) {
    const sorted = [...times].sort((a, b) => a - b);
    all.push(...sorted);
    console.log(
      `    ${label} <${verb}>: p50 ${percentile(sorted, 50).toFixed(3)} ms, p99 ${percentile(sorted, 99).toFixed(3)} ms (${sorted.length} runs)`,
    );
  }
  return percentile(
    all.sort((a, b) => a - b),
    99,
  );
}

async function throughput(app) {
  // Warm-up (not measured): let the JIT compile the hot paths first.
  await runCalls(app, Math.min(1000, CALLS), CONCURRENCY);
  const loaded = await runCalls(app, CALLS, CONCURRENCY);
  const rate = loaded.completed / loaded.seconds;
  console.log(
    `(1) throughput: ${CALLS} calls, ${CONCURRENCY} concurrent, each fetch -> Say -> Gather -> action fetch -> Dial -> hang-up, status callbacks on`,
  );
  console.log(
    `    ${loaded.completed} completed, ${loaded.failed} failed in ${loaded.seconds.toFixed(2)} s: ${rate.toFixed(0)} calls/s (goal >= ${GOALS.callsPerSecond}) ${verdict(rate, GOALS.callsPerSecond)}`,
  );
  printVerbs(
    loaded.verbTimes,
    'wall time under that load (includes waiting behind the other calls for the event loop)',
  );
  // One call at a time, nothing queues: a verb's wall time is the runtime's own time (media is instant,
  // document fetches are outside verbs).
  const alone = await runCalls(app, SEQUENTIAL, 1);
  console.log(`    verb overhead, ${SEQUENTIAL} calls one at a time:`);
  const p99 = printVerbs(alone.verbTimes, '  runtime time');
  console.log(
    `    all verbs: p99 ${p99.toFixed(3)} ms (goal < ${GOALS.verbP99Ms} ms) ${verdict(p99, GOALS.verbP99Ms, true)}`,
  );
}

async function memory(app) {
  const network = new SimulatedNetwork({ clock: systemClock, timing: INSTANT_TIMING });
  const runtime = createRuntime({
    media: network,
    authToken: 'bench-token',
    // Every call here is the default account's: lift its concurrent-call limit above the load.
    limits: { concurrentCalls: 1_000_000 },
    incoming: ({ from }) => ({ url: `${app.url}/conference?room=${Number(from.slice(-7)) % 1000}` }),
  });
  const sizes = new Map();
  let joined = 0;
  const allJoined = new Promise((resolve) => {
    runtime.events.on('conference.updated', (room) => {
      joined += room.participants.length - (sizes.get(room.sid) ?? 0);
      sizes.set(room.sid, room.participants.length);
      if (joined === HELD) resolve();
    });
  });
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 1; i <= HELD; i++) network.call({ from: `+1555${String(i).padStart(7, '0')}`, to: NUMBER });
  // No call may end while the others join: a run that cannot hold its calls (a full room, a
  // broken document) says so instead of waiting for ever.
  const stalled = new Promise((_, reject) =>
    runtime.events.once('call.ended', (call) =>
      reject(new Error(`(2) memory: call ${call.sid} ended (${call.status}) after ${joined} of ${HELD} joined`)),
    ),
  );
  await Promise.race([allJoined, stalled]);
  globalThis.gc?.();
  const after = process.memoryUsage().heapUsed;
  const perCall = (after - before) / HELD;
  console.log(`(2) memory: ${HELD} calls held in ${sizes.size} conferences`);
  console.log(
    `    heap ${(before / 1048576).toFixed(1)} MiB -> ${(after / 1048576).toFixed(1)} MiB: ${(perCall / 1024).toFixed(1)} KiB per active call (goal < ${GOALS.bytesPerCall / 1024} KiB) ${verdict(perCall, GOALS.bytesPerCall, true)}${globalThis.gc ? '' : ' (run with --expose-gc for a settled heap)'}`,
  );
  await runtime.close();
  await network.close();
}

const app = await startApp();
try {
  await throughput(app);
  await memory(app);
} finally {
  app.stop();
}
