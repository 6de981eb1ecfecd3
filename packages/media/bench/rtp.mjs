// RTP media engine benchmark (runs from dist: `pnpm build` first).
//
// For each leg count (100, 300, 500 by default) it measures, side by side in one run:
//   baseline   bare UDP: one worker thread with N sockets sending one G.711 packet each every
//              20 ms and receiving the far end's packets (no RTP parsing, no audio)
//   bridge     N engine legs in N/2 two-party bridges
//   conference N engine legs in conferences of BENCH_RTP_CONF_SIZE (mix-minus)
// The far ends are plain UDP senders/receivers in a child process: each sends a µ-law tone to its
// leg every 20 ms and counts what comes back. Reported: CPU per leg per 20 ms frame (this
// process: main thread + engine worker), frame lateness p50/p99/max from the engine's frame
// clocks, packet loss (far-end sequence gaps + engine receive loss), and the CPU ratio to the
// baseline. Goal: >= 500 legs per core (<= 40 µs per leg-frame), lateness p99 < 5 ms, no loss.
//
// Environment: BENCH_RTP_SECONDS (measured seconds per run, default 10), BENCH_RTP_WARMUP
// (seconds, default 2), BENCH_RTP_LEGS (comma list, default 100,300,500), BENCH_RTP_WORKERS
// (engine workers, default 1 so the figures are per core), BENCH_RTP_CONF_SIZE (default 5),
// BENCH_RTP_PORT (the first of the engine's RTP ports, default 50000), BENCH_RTP_HOST (the
// engine's address, default 127.0.0.104; the far ends use the next one).
import { Worker } from 'node:worker_threads';
import { asker, FRAME_MS, farEndProcess } from './far-end.mjs';

// ---------------------------------------------------------------- baseline: bare UDP in a worker
const BASELINE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const sockets = [];
let received = 0;
const packet = Buffer.alloc(172);
packet[0] = 0x80;
let opened = 0;
for (let i = 0; i < workerData.count; i++) {
  // An IP literal answered at once (as the engine does), so each send goes out with the header
  // written just before it rather than on the next tick.
  const s = dgram.createSocket({ type: 'udp4', lookup: (host, _options, callback) => callback(null, host, 4) });
  s.on('message', () => { received++; });
  sockets.push({ s, target: 0 });
  s.bind(0, workerData.host, () => { if (++opened === workerData.count) parentPort.postMessage({ t: 'opened', ports: sockets.map((x) => x.s.address().port) }); });
}
let timer;
let lateness = [];
parentPort.on('message', (m) => {
  if (m.t === 'reset') { lateness = []; parentPort.postMessage({ t: 'reset' }); }
  if (m.t === 'stats') {
    const sorted = lateness.slice().sort((a, b) => a - b);
    const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
    parentPort.postMessage({ t: 'stats', p50: q(0.5), p99: q(0.99), max: sorted.at(-1) ?? 0, late: sorted.filter((x) => x > 20).length });
  }
  if (m.t === 'targets') { m.targets.forEach((t, i) => { sockets[i].target = t; }); }
  if (m.t === 'start') {
    const start = performance.now(); let n = 0; let seq = 0;
    const tick = () => {
      while (performance.now() >= start + n * 20) {
        lateness.push(performance.now() - (start + n * 20));
        for (const x of sockets) { packet[2] = seq >> 8 & 0xff; packet[3] = seq & 0xff; x.s.send(packet, x.target, workerData.farHost); }
        seq = (seq + 1) & 0xffff; n++;
      }
      timer = setTimeout(tick, Math.max(0, start + n * 20 - performance.now()));
    };
    tick();
  }
  if (m.t === 'close') { clearTimeout(timer); for (const x of sockets) x.s.close(); parentPort.close(); }
});
`;

const env = (name, fallback) => process.env[name] ?? fallback;
const seconds = Number(env('BENCH_RTP_SECONDS', '10'));
const warmup = Number(env('BENCH_RTP_WARMUP', '2'));
const legCounts = env('BENCH_RTP_LEGS', '100,300,500').split(',').map(Number);
const workers = Number(env('BENCH_RTP_WORKERS', '1'));
const confSize = Number(env('BENCH_RTP_CONF_SIZE', '5'));
const rtpBase = Number(env('BENCH_RTP_PORT', '50000'));
const host = env('BENCH_RTP_HOST', '127.0.0.104');
const farHost = host.replace(/\d+$/, (last) => String(Number(last) + 1));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function measure(run) {
  await sleep(warmup * 1000);
  await run.reset();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  const result = await run.report();
  return { cpuUs: cpu.user + cpu.system, wallMs: wall, ...result };
}

async function baseline(n) {
  const far = farEndProcess();
  const worker = new Worker(BASELINE_WORKER, { eval: true, workerData: { count: n, host, farHost } });
  const { ports } = await new Promise((resolve) => worker.once('message', resolve));
  const { ports: farPorts } = await far.ask({ t: 'open', targets: ports, host, bind: farHost }, 'opened');
  worker.postMessage({ t: 'targets', targets: farPorts });
  worker.postMessage({ t: 'start' });
  far.child.send({ t: 'start' });
  const fromWorker = asker(worker, (m) => worker.postMessage(m));
  const m = await measure({
    reset: async () => {
      await fromWorker({ t: 'reset' }, 'reset');
      await far.ask({ t: 'reset' }, 'reset');
    },
    report: async () => ({
      ...(await far.ask({ t: 'report' }, 'report')),
      ...(await fromWorker({ t: 'stats' }, 'stats')),
    }),
  });
  await worker.terminate();
  await far.close();
  return m;
}

async function engineRun(dist, n, kind) {
  const far = farEndProcess();
  const engine = await dist.MediaEngine.start({
    bindAddress: host,
    rtpPorts: [rtpBase, rtpBase + n * 2 + 10],
    workers,
  });
  const legs = [];
  for (let i = 0; i < n; i++) {
    const group = kind === 'bridge' ? 2 : confSize;
    legs.push(await engine.openLeg(i % group === 0 ? {} : { near: legs[i - (i % group)] }));
  }
  await far.connect(legs, host, farHost);
  if (kind === 'bridge') for (let i = 0; i + 1 < n; i += 2) engine.bridge(legs[i], legs[i + 1]);
  else
    for (let i = 0; i < n; i += confSize) {
      const mixer = engine.createMixer();
      for (const leg of legs.slice(i, i + confSize)) mixer.join(leg, { muted: false });
    }
  far.child.send({ t: 'start' });
  const m = await measure({
    reset: async () => {
      await engine.stats();
      await far.ask({ t: 'reset' }, 'reset');
    },
    report: async () => {
      const stats = await engine.stats();
      const legStats = legs.map((l) => l.stats());
      const farReport = await far.ask({ t: 'report' }, 'report');
      const engineLost = legStats.reduce((s, x) => s + x.lost, 0);
      const w = stats.workers;
      return {
        ...farReport,
        lost: farReport.lost + engineLost,
        lostDetail: `${farReport.lost}+${engineLost}`,
        p50: Math.max(...w.map((x) => x.latenessP50Ms)),
        p99: Math.max(...w.map((x) => x.latenessP99Ms)),
        max: Math.max(...w.map((x) => x.latenessMaxMs)),
        lateFrames: w.reduce((s, x) => s + x.lateFrames, 0),
        utilization: w.map((x) => x.utilization.toFixed(2)).join('/'),
      };
    },
  });
  await engine.close();
  await far.close();
  return { ...m, priority: engine.priority.level };
}

async function main() {
  const dist = await import('../dist/index.js');
  console.log(
    `RTP engine benchmark: ${seconds}s measured (+${warmup}s warm-up) per run, ${workers} engine worker(s), conferences of ${confSize}`,
  );
  console.log('legs  run         µs/leg-frame  ratio   legs/core  p50ms  p99ms  maxms  late  lost  worker-busy');
  const verdicts = [];
  for (const n of legCounts) {
    const base = await baseline(n);
    const frames = (n * base.wallMs) / FRAME_MS;
    const baseUs = base.cpuUs / frames;
    console.log(
      `${String(n).padEnd(5)} baseline    ${baseUs.toFixed(1).padStart(12)}  ${'1.00'.padStart(5)}  ${String(Math.floor(20000 / baseUs)).padStart(9)}  ${base.p50.toFixed(1).padStart(5)}  ${base.p99.toFixed(1).padStart(5)}  ${base.max.toFixed(1).padStart(5)}  ${String(base.late).padStart(4)}  ${String(base.lost).padStart(4)}`,
    );
    for (const kind of ['bridge', 'conference']) {
      const r = await engineRun(dist, n, kind);
      const us = r.cpuUs / ((n * r.wallMs) / FRAME_MS);
      const perCore = Math.floor(20000 / us);
      console.log(
        `${String(n).padEnd(5)} ${kind.padEnd(11)} ${us.toFixed(1).padStart(12)}  ${(us / baseUs).toFixed(2).padStart(5)}  ${String(perCore).padStart(9)}  ${r.p50.toFixed(1).padStart(5)}  ${r.p99.toFixed(1).padStart(5)}  ${r.max.toFixed(1).padStart(5)}  ${String(r.lateFrames).padStart(4)}  ${String(r.lost).padStart(4)}  ${r.utilization}  (audio threads ${r.priority}; lost far+engine ${r.lostDetail}, far received ${r.received})`,
      );
      if (n === Math.max(...legCounts))
        verdicts.push({
          kind,
          ok: perCore >= 500 && r.p99 < 5 && r.lost === 0,
          perCore,
          p99: r.p99,
          lost: r.lost,
          baseP99: base.p99,
        });
    }
  }
  for (const v of verdicts) {
    console.log(
      `${v.kind}: ${v.ok ? 'MET' : 'NOT MET'} (goal >= 500 legs/core, p99 < 5 ms, no loss; got ${v.perCore} legs/core, p99 ${v.p99.toFixed(1)} ms, lost ${v.lost}; bare UDP timer p99 ${v.baseP99.toFixed(1)} ms in the same run)`,
    );
  }
}

await main();
