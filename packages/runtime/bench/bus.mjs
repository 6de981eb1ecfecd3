// Bus benchmark (docs/cluster.md, "Bus and nodes"): two nodes in this process on a real
// redis-server (spawned on a free loopback port, no persistence; or BENCH_REDIS_URL):
//   (1) call control's path: a request from node A answered by node B (two PUBLISHes through
//       Redis), one at a time: p50 and p99 round trip; then WINDOW in flight: requests a second
//       per CPU second of this process (both nodes' work), and wall-clock rate;
//   (2) a cluster-wide cap: take + give of a counter unit (two Lua scripts), one at a time, p50/p99;
//   (3) the in-process bus (the single node's default) on the same request path, for comparison.
// Prints one JSON line per figure. No goal is asserted: these are the costs docs/cluster.md sizes with.
import { BusHub, InProcessBus, RedisBus } from '../dist/index.js';
import { startRedis } from './servers.mjs';

const REQUESTS = Number(process.env.BENCH_BUS_REQUESTS ?? 5000);
const WINDOW = Number(process.env.BENCH_BUS_WINDOW ?? 50);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function sequential(label, count, once) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await once(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const figure = {
    bench: label,
    count,
    p50Ms: +percentile(times, 50).toFixed(3),
    p99Ms: +percentile(times, 99).toFixed(3),
  };
  console.log(JSON.stringify(figure));
}

async function windowed(label, count, once) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) await once(next++);
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
  const wallS = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuS = (used.user + used.system) / 1e6;
  console.log(
    JSON.stringify({
      bench: label,
      count,
      inFlight: WINDOW,
      perCpuSecond: Math.round(count / cpuS),
      perWallSecond: Math.round(count / wallS),
    }),
  );
}

async function pair(make) {
  const a = make('bench-a');
  const b = make('bench-b');
  await a.start();
  await b.start();
  b.serve('call.update', (body) => ({ call: { sid: body.sid, status: 'in-progress' } }));
  return { a, b };
}

const redis = await startRedis();
try {
  const prefix = `bench${process.pid}:`;
  const { a, b } = await pair((nodeId) => new RedisBus({ url: redis.url, prefix, nodeId }));
  const body = (i) => ({
    accountSid: `AC${'0'.repeat(32)}`,
    sid: `CA${String(i).padStart(32, '0')}`,
    params: { status: 'completed' },
  });
  await sequential('redis request/reply (call control), one at a time', Math.min(REQUESTS, 2000), (i) =>
    a.request('bench-b', 'call.update', body(i)),
  );
  await windowed('redis request/reply (call control)', REQUESTS, (i) => a.request('bench-b', 'call.update', body(i)));
  await sequential('redis take + give (cluster-wide cap)', Math.min(REQUESTS, 2000), async () => {
    await a.take('calls:ACbench', 1_000_000);
    await a.give('calls:ACbench');
  });
  await a.close();
  await b.close();

  const hub = new BusHub();
  const local = await pair((nodeId) => new InProcessBus({ nodeId, hub }));
  await windowed('in-process request/reply', REQUESTS, (i) => local.a.request('bench-b', 'call.update', body(i)));
  await local.a.close();
  await local.b.close();
} finally {
  await redis.close();
}
