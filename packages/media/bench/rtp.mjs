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
// (engine workers, default 1 so the figures are per core), BENCH_RTP_CONF_SIZE (default 5).
import { fork } from 'node:child_process';
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const FRAME_MS = 20;

// ---------------------------------------------------------------- far end (child process)
function farEnd() {
  let sockets = [];
  let timer;
  const payload = Buffer.alloc(172);
  payload[0] = 0x80;
  for (let i = 12; i < 172; i++) payload[i] = [0xff, 0xa5, 0x9a, 0xa5, 0xff, 0x25, 0x1a, 0x25][i % 8];
  process.on('message', async (m) => {
    if (m.t === 'open') {
      sockets = await Promise.all(
        m.targets.map(
          (target) =>
            new Promise((resolve) => {
              const s = dgram.createSocket('udp4');
              const st = {
                s,
                target,
                seq: 0,
                ts: 0,
                ssrc: (Math.random() * 2 ** 32) >>> 0,
                rx: 0,
                first: -1,
                last: -1,
                cycles: 0,
              };
              s.on('message', (buf) => {
                // RTCP for the leg's port + 1 may land on a neighbouring far-end socket: skip it
                if (buf.length < 12 || (buf[1] >= 192 && buf[1] <= 223)) return;
                const seq = (buf[2] << 8) | buf[3];
                if (st.first < 0) {
                  st.first = seq;
                  st.last = seq;
                } else {
                  const d = ((((seq - st.last) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
                  if (d > 0) {
                    if (seq < st.last) st.cycles += 0x10000;
                    st.last = seq;
                  }
                }
                st.rx++;
              });
              s.bind(0, '127.0.0.1', () => resolve(st));
            }),
        ),
      );
      process.send({ t: 'opened', ports: sockets.map((st) => st.s.address().port) });
    } else if (m.t === 'start') {
      const start = performance.now();
      let n = 0;
      const tick = () => {
        while (performance.now() >= start + n * FRAME_MS) {
          for (const st of sockets) {
            payload[2] = (st.seq >> 8) & 0xff;
            payload[3] = st.seq & 0xff;
            payload.writeUInt32BE(st.ts >>> 0, 4);
            payload.writeUInt32BE(st.ssrc, 8);
            st.seq = (st.seq + 1) & 0xffff;
            st.ts = (st.ts + 160) >>> 0;
            st.s.send(payload, st.target, '127.0.0.1');
          }
          n++;
        }
        timer = setTimeout(tick, Math.max(0, start + n * FRAME_MS - performance.now()));
      };
      tick();
    } else if (m.t === 'reset') {
      for (const st of sockets) {
        st.rx = 0;
        st.first = -1;
        st.cycles = 0;
      }
      process.send({ t: 'reset' });
    } else if (m.t === 'report') {
      let received = 0;
      let lost = 0;
      for (const st of sockets) {
        received += st.rx;
        if (st.first >= 0) lost += Math.max(0, st.cycles + st.last - st.first + 1 - st.rx);
      }
      process.send({ t: 'report', received, lost });
    } else if (m.t === 'close') {
      clearTimeout(timer);
      for (const st of sockets) st.s.close();
      process.exit(0);
    }
  });
}

/** Sends `message` through `send` and resolves with the first message of type `reply` from `from`. */
function asker(from, send) {
  return (message, reply) =>
    new Promise((resolve) => {
      const on = (m) => {
        if (m.t === reply) {
          from.off('message', on);
          resolve(m);
        }
      };
      from.on('message', on);
      send(message);
    });
}

function farEndProcess() {
  const child = fork(fileURLToPath(import.meta.url), ['farend'], { stdio: 'inherit' });
  return { child, ask: asker(child, (m) => child.send(m)) };
}

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
  const s = dgram.createSocket('udp4');
  s.on('message', () => { received++; });
  s.bind(0, '127.0.0.1', () => { if (++opened === workerData.count) parentPort.postMessage({ t: 'opened', ports: sockets.map((x) => x.s.address().port) }); });
  sockets.push({ s, target: 0 });
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
        for (const x of sockets) { packet[2] = seq >> 8 & 0xff; packet[3] = seq & 0xff; x.s.send(packet, x.target, '127.0.0.1'); }
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
  const worker = new Worker(BASELINE_WORKER, { eval: true, workerData: { count: n } });
  const { ports } = await new Promise((resolve) => worker.once('message', resolve));
  const { ports: farPorts } = await far.ask({ t: 'open', targets: ports }, 'opened');
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
  worker.postMessage({ t: 'close' });
  far.child.send({ t: 'close' });
  return m;
}

async function engineRun(dist, n, kind) {
  const far = farEndProcess();
  const engine = await dist.MediaEngine.start({
    bindAddress: '127.0.0.1',
    rtpPorts: [30000, 30000 + n * 2 + 10],
    workers,
  });
  const legs = [];
  for (let i = 0; i < n; i++) {
    const group = kind === 'bridge' ? 2 : confSize;
    legs.push(await engine.openLeg(i % group === 0 ? {} : { near: legs[i - (i % group)] }));
  }
  const { ports } = await far.ask({ t: 'open', targets: legs.map((l) => l.localPort) }, 'opened');
  for (const [i, leg] of legs.entries()) {
    leg.configure({
      remote: { address: '127.0.0.1', port: ports[i] },
      payloadType: 0,
      ptime: 20,
      direction: 'sendrecv',
      telephoneEvent: 101,
    });
  }
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
  far.child.send({ t: 'close' });
  return m;
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
        `${String(n).padEnd(5)} ${kind.padEnd(11)} ${us.toFixed(1).padStart(12)}  ${(us / baseUs).toFixed(2).padStart(5)}  ${String(perCore).padStart(9)}  ${r.p50.toFixed(1).padStart(5)}  ${r.p99.toFixed(1).padStart(5)}  ${r.max.toFixed(1).padStart(5)}  ${String(r.lateFrames).padStart(4)}  ${String(r.lost).padStart(4)}  ${r.utilization}  (lost far+engine ${r.lostDetail}, far received ${r.received})`,
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

if (process.argv[2] === 'farend') farEnd();
else await main();
