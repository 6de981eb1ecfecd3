// Rooms benchmark, in one process on loopback (the REST API on a real HTTP server, the runtime on
// the simulated network with instant media, wall-clock time):
//   (1) one-tap fan-out: from sending POST /patchbay/v1/Rooms/{Sid}/Call (All=true) to every
//       member's phone ringing, and to the last member (each presses 1) bridged into the room's
//       conference, for 40 members and for 250; p50 and p99 over RUNS calls each (goal: all 40
//       ringing within 100 ms). Baseline: the same request path answering GET on the room (what
//       any REST round trip costs here).
//   (2) idle rooms held: heap bytes per room with 40 members, rooms and members created through
//       REST, on the SQLite store `patchbay serve` uses (goal < 4 KiB per idle room) and, beside
//       it, on the in-memory store (every record on the heap: what the records weigh). Adding a
//       member texts them (the member-added SMS), so the figure is given with those messages, and
//       again once the store no longer holds them. The server's bounded buffers are made small
//       and filled first (the event stream's replay log, 10,000 events per account by default,
//       here 100; the runtime's 1,000 most recent messages, by 30 rooms not counted): what they
//       hold is fixed, not per room, and the figure is what each further room costs.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bootstrapAccount,
  createApi,
  createRuntime,
  INSTANT_TIMING,
  MemoryStore,
  SimulatedNetwork,
  SqliteStore,
} from '../dist/index.js';

const RUNS = Number(process.env.BENCH_ROOM_RUNS ?? 20);
const IDLE_ROOMS = Number(process.env.BENCH_IDLE_ROOMS ?? 100);
const GOALS = { ringing40Ms: 100, bytesPerIdleRoom: 4 * 1024 };

if (!global.gc) throw new Error('run with node --expose-gc');
const heap = () => {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
};
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function start(store = new MemoryStore(), apiOptions = {}) {
  const { account } = await bootstrapAccount(store, { now: Date.now() });
  const network = new SimulatedNetwork({
    timing: INSTANT_TIMING,
    unknown: { onCall: 'answer', inputs: [{ digits: '1' }] },
  });
  const runtime = createRuntime({
    media: network,
    accountSid: account.sid,
    authToken: account.authToken,
    limits: { concurrentCalls: 100_000 },
  });
  const api = createApi({ runtime, store, ...apiOptions });
  const server = createServer(api.handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${server.address().port}`;
  const headers = {
    authorization: `Basic ${Buffer.from(`${account.sid}:${account.authToken}`).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded',
  };
  const request = async (method, path, form) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    return response.json();
  };
  let numbers = 0;
  const room = async (members) => {
    await request('POST', `/2010-04-01/Accounts/${account.sid}/IncomingPhoneNumbers.json`, {
      PhoneNumber: `+1555090${String(numbers++).padStart(4, '0')}`,
    });
    const created = await request('POST', '/patchbay/v1/Rooms', { FriendlyName: 'Bench', MemberLimit: '250' });
    for (let i = 0; i < members; i++)
      await request('POST', `/patchbay/v1/Rooms/${created.sid}/Members`, {
        FirstName: `Member ${i}`,
        PhoneNumber: `+1555${String(numbers).padStart(3, '0')}${String(i).padStart(4, '0')}`,
      });
    return created.sid;
  };
  const close = async () => {
    await runtime.close();
    api.close();
    server.closeAllConnections();
    server.close();
  };
  /** Drops the stored SMS records (each member's notice), to weigh the rooms alone. */
  const dropMessages = async () => {
    for (;;) {
      const { items } = await store.list('message', { accountSid: account.sid, page: 0, pageSize: 1000 });
      if (items.length === 0) return;
      for (const item of items) await store.delete('message', account.sid, item.sid);
    }
  };
  return { runtime, request, room, close, dropMessages };
}

/** One call: ms to every phone ringing, and to the last one bridged. */
async function oneTap(bench, roomSid, members) {
  const { runtime } = bench;
  let ringing = 0;
  let ringAt = 0;
  let bridgedAt = 0;
  const t0 = performance.now();
  const done = new Promise((resolve) => {
    const onStatus = (call) => {
      if (call.status === 'ringing' && ++ringing === members) ringAt = performance.now();
    };
    const onConference = (snapshot) => {
      if (snapshot.participants.length !== members || bridgedAt) return;
      bridgedAt = performance.now();
      runtime.events.off('call.status', onStatus);
      runtime.events.off('conference.updated', onConference);
      resolve();
    };
    runtime.events.on('call.status', onStatus);
    runtime.events.on('conference.updated', onConference);
  });
  await bench.request('POST', `/patchbay/v1/Rooms/${roomSid}/Call`, { All: 'true' });
  await done;
  await bench.request('POST', `/patchbay/v1/Rooms/${roomSid}/Call`, { Status: 'completed' });
  return { ringingMs: ringAt - t0, bridgedMs: bridgedAt - t0 };
}

const bench = await start();
try {
  for (const members of [40, 250]) {
    const roomSid = await bench.room(members);
    await oneTap(bench, roomSid, members); // warm-up
    const ringing = [];
    const bridged = [];
    for (let run = 0; run < RUNS; run++) {
      const { ringingMs, bridgedMs } = await oneTap(bench, roomSid, members);
      ringing.push(ringingMs);
      bridged.push(bridgedMs);
    }
    ringing.sort((a, b) => a - b);
    bridged.sort((a, b) => a - b);
    const baseline = [];
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      await bench.request('GET', `/patchbay/v1/Rooms/${roomSid}`);
      baseline.push(performance.now() - t0);
    }
    baseline.sort((a, b) => a - b);
    const p = (values, q) => percentile(values, q).toFixed(1);
    const verdict = members === 40 ? (percentile(ringing, 99) <= GOALS.ringing40Ms ? ' MET' : ' NOT MET') : '';
    console.log(
      `one tap, ${members} members (${RUNS} calls): all ringing p50 ${p(ringing, 50)} ms p99 ${p(ringing, 99)} ms` +
        `${verdict}; last bridged p50 ${p(bridged, 50)} ms p99 ${p(bridged, 99)} ms; ` +
        `baseline GET room p50 ${p(baseline, 50)} ms`,
    );
  }
} finally {
  await bench.close();
}

// A negative figure: the heap did not grow (collected caches and code outweighed the rooms).
const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB${bytes < 0 ? ' (no growth)' : ''}`;
const dir = await mkdtemp(join(tmpdir(), 'patchbay-bench-rooms-'));
try {
  for (const [name, store] of [
    ['SQLite (patchbay serve)', await SqliteStore.open(dir)],
    ['in-memory', new MemoryStore()],
  ]) {
    const idle = await start(store, { events: { maxEvents: 100 } });
    try {
      for (let i = 0; i < 30; i++) await idle.room(40);
      const before = heap();
      for (let i = 0; i < IDLE_ROOMS; i++) await idle.room(40);
      const perRoom = (heap() - before) / IDLE_ROOMS;
      await idle.dropMessages();
      const withoutSms = (heap() - before) / IDLE_ROOMS;
      const goal = name.startsWith('SQLite')
        ? ` (goal ${kib(GOALS.bytesPerIdleRoom)}: ${perRoom <= GOALS.bytesPerIdleRoom ? 'MET' : 'NOT MET'})`
        : '';
      console.log(
        `idle rooms, ${name} store: ${IDLE_ROOMS} rooms of 40 members, ${kib(perRoom)} of heap per room with its` +
          ` members and their SMS notices${goal}, ${kib(withoutSms)} without the stored SMS`,
      );
    } finally {
      await idle.close();
      await store.close();
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
