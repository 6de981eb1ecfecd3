// RTP under control-plane load (runs from dist: `pnpm build` first). A Patchbay server with real
// SIP media runs in this process as `patchbay serve --media sip` runs it (startServer with the
// built @patchbay/media: REST API, SQLite store in a temporary directory, webhooks, and the media
// engine with one worker per core). Its engine carries BENCH_RTP_REST_LEGS RTP legs, half in
// two-party bridges and half in conferences of 5, each fed a µ-law tone every 20 ms by a far end
// in a child process (far-end.mjs). Two windows, side by side in one run:
//   baseline   the RTP load alone
//   rest       the same RTP load while a child process (rest-load.mjs) creates calls through the
//              REST API as fast as the server answers (POST Calls.json with Twiml and a
//              StatusCallback; with no trunk the calls fail at once, so each create is HTTP +
//              SQLite + a webhook, and no media)
// Reported per window: frame lateness p50/p99/max from the engine's frame clocks, late frames,
// lost packets (far-end sequence gaps + engine receive loss), worker busy share, the cores this
// process used (main thread and engine workers); creates/s accepted and their latency.
// Goal: lateness p99 < 10 ms and no loss while the REST API is busy.
//
// Environment: BENCH_RTP_REST_SECONDS (per window, default 10), BENCH_RTP_REST_WARMUP (seconds,
// default 2), BENCH_RTP_REST_LEGS (default 500), BENCH_RTP_REST_CONNECTIONS (REST connections,
// default 16), BENCH_RTP_REST_PORT (the first RTP port, default 51200), BENCH_RTP_REST_HOST
// (the server's address, default 127.0.0.100; the far ends use the next address).
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { asker, farEndProcess } from './far-end.mjs';

const env = (name, fallback) => process.env[name] ?? fallback;
const seconds = Number(env('BENCH_RTP_REST_SECONDS', '10'));
const warmup = Number(env('BENCH_RTP_REST_WARMUP', '2'));
const legCount = Number(env('BENCH_RTP_REST_LEGS', '500'));
const connections = Number(env('BENCH_RTP_REST_CONNECTIONS', '16'));
const rtpBase = Number(env('BENCH_RTP_REST_PORT', '51200'));
const host = env('BENCH_RTP_REST_HOST', '127.0.0.100');
const farHost = host.replace(/\d+$/, (last) => String(Number(last) + 1));
const GOAL_P99_MS = 10;
const CONF_SIZE = 5;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const media = await import('../dist/index.js');
const { startServer } = await import('@patchbay/runtime');

const data = await mkdtemp(join(tmpdir(), 'patchbay-rtp-rest-'));
const server = await startServer({
  port: 0,
  data,
  media: {
    kind: 'sip',
    listen: [{ host, port: 0, transports: ['udp'] }],
    rtpPorts: { min: rtpBase, max: rtpBase + legCount * 2 + 20 },
    // No WebRTC devices here: every port of the range is for RTP legs.
    webrtc: false,
    allow: [],
    trunks: [],
  },
  sipMedia: media,
  limits: { concurrentCalls: 1_000_000 },
  // At the end, the status callbacks still queued need not all be delivered.
  drainMs: 1000,
});
const engine = server.media.engine;
const far = farEndProcess();
const load = fork(new URL('./rest-load.mjs', import.meta.url), { stdio: 'inherit' });
const askLoad = asker(load, (m) => load.send(m));
// The REST clients of a deployment are other machines: on a 2-core box the generator would
// otherwise take a core from the server it loads, so it yields to it.
setPriority(load.pid, 10);
await new Promise((resolve) => load.once('message', resolve));

try {
  const legs = [];
  const bridged = Math.floor(legCount / 4) * 2;
  for (let i = 0; i < legCount; i++) {
    const first = i < bridged ? i % 2 === 0 : (i - bridged) % CONF_SIZE === 0;
    legs.push(await engine.openLeg(first ? {} : { near: legs.at(-1) }));
  }
  await far.connect(legs, host, farHost);
  for (let i = 0; i + 1 < bridged; i += 2) engine.bridge(legs[i], legs[i + 1]);
  for (let i = bridged; i < legCount; i += CONF_SIZE) {
    const mixer = engine.createMixer();
    for (const leg of legs.slice(i, i + CONF_SIZE)) mixer.join(leg, { muted: false });
  }
  far.child.send({ t: 'start' });
  await sleep(warmup * 1000);

  // A leg's `lost` is RFC 3550's cumulative count (expected - received): a packet counted lost
  // that arrives later takes it back down, so each leg's change over a window counts from 0.
  const legLost = () => legs.map((leg) => leg.stats().lost);
  const lostSince = (before) => legLost().reduce((sum, now, i) => sum + Math.max(0, now - before[i]), 0);
  /** One measured window: RTP figures over `during()` (a sleep, or the REST load). */
  async function window(during) {
    await engine.stats();
    await far.ask({ t: 'reset' }, 'reset');
    const lost0 = legLost();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const rest = await during();
    const cpu = process.cpuUsage(cpu0);
    const cores = (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
    const stats = await engine.stats();
    const farReport = await far.ask({ t: 'report' }, 'report');
    const w = stats.workers;
    const lostEngine = lostSince(lost0);
    return {
      rest,
      p50: Math.max(...w.map((x) => x.latenessP50Ms)),
      p99: Math.max(...w.map((x) => x.latenessP99Ms)),
      max: Math.max(...w.map((x) => x.latenessMaxMs)),
      late: w.reduce((s, x) => s + x.lateFrames, 0),
      lost: farReport.lost + lostEngine,
      lostDetail: `${farReport.lost}+${lostEngine}`,
      received: farReport.received,
      busy: w.map((x) => x.utilization.toFixed(2)).join('/'),
      cores,
    };
  }
  const baseline = await window(() => sleep(seconds * 1000));
  const account = server.account;
  const loaded = await window(() =>
    askLoad(
      { t: 'start', url: server.url, account: account.sid, token: account.authToken, seconds, connections },
      'done',
    ),
  );

  console.log(
    `RTP under REST load: ${legCount} legs (${bridged} in two-party bridges, ${legCount - bridged} in conferences of ${CONF_SIZE}) on the engine of a --media sip server in this process (${engine.workers.length} workers, audio threads ${engine.priority.level}), ${seconds} s a window (+${warmup} s warm-up)`,
  );
  console.log('window                p50ms  p99ms  maxms  late  lost  worker-busy  cores  REST');
  const row = (name, r, rest) =>
    console.log(
      `${name.padEnd(21)} ${r.p50.toFixed(1).padStart(5)}  ${r.p99.toFixed(1).padStart(5)}  ${r.max.toFixed(1).padStart(5)}  ${String(r.late).padStart(4)}  ${String(r.lost).padStart(4)}  ${r.busy.padEnd(11)}  ${r.cores.toFixed(2).padStart(5)}  ${rest}  (lost far+engine ${r.lostDetail}, far received ${r.received})`,
    );
  row('baseline (RTP alone)', baseline, 'none');
  const rest = loaded.rest;
  row(
    'with REST creates',
    loaded,
    `${rest.perSecond.toFixed(0)} creates/s (${rest.created} answered 201, ${rest.other} other, ${rest.errors} errors; p50 ${rest.p50.toFixed(1)} ms, p99 ${rest.p99.toFixed(1)} ms; ${rest.callbacks} status callbacks), ${connections} connections`,
  );
  const ratio = baseline.p99 > 0 ? (loaded.p99 / baseline.p99).toFixed(2) : 'n/a';
  const ok = loaded.p99 < GOAL_P99_MS && loaded.lost === 0 && rest.created > 0;
  console.log(
    `RTP under REST load: ${ok ? 'MET' : 'NOT MET'} (goal lateness p99 < ${GOAL_P99_MS} ms and no loss while the REST API takes creates; got p99 ${loaded.p99.toFixed(1)} ms, lost ${loaded.lost}, ${rest.created} calls created; p99 ratio to the RTP-alone baseline ${ratio})`,
  );
  if (rest.created === 0 || rest.errors > 0) {
    console.error('    the REST load made no calls, or some requests failed');
    process.exitCode = 1;
  }
} finally {
  await far.close();
  load.send({ t: 'close' });
  await server.close();
  await rm(data, { recursive: true, force: true });
}
