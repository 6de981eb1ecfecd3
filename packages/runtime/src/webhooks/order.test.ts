import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import { MemoryStore } from '../store/memory.js';
import { SqliteStore } from '../store/sqlite.js';
import { type RecordedRequest, startAppServer } from '../testing/app-server.js';
import { type Callback, CallbackQueue, type Callbacks } from './callbacks.js';
import { DurableCallbacks } from './durable-callbacks.js';

const ACCOUNT = `AC${'d'.repeat(32)}`;
const ROOM = `CF${'1'.repeat(32)}`;
const CALL = `CA${'2'.repeat(32)}`;
const tokenFor = async (sid: string) => (sid === ACCOUNT ? 'order-token' : undefined);

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

function callback(url: string, sid: string, sequence: number): Callback {
  const name = sid.startsWith('CF') ? 'ConferenceSid' : 'CallSid';
  return {
    url,
    method: 'POST',
    authToken: 'order-token',
    key: `${sid}:${sequence}`,
    params: { AccountSid: ACCOUNT, [name]: sid, SequenceNumber: String(sequence) },
  };
}

const label = (request: RecordedRequest) =>
  `${String(request.params.ConferenceSid ?? request.params.CallSid).slice(0, 2)}:${String(request.params.SequenceNumber)}`;

const queues: Array<[string, (clock: VirtualClock) => Callbacks]> = [
  ['CallbackQueue', (clock) => new CallbackQueue(clock, { attempts: 3, backoffMs: 1000 })],
  [
    'DurableCallbacks',
    (clock) => new DurableCallbacks(new MemoryStore(), clock, tokenFor, { attempts: 3, backoffMs: 1000 }),
  ],
  [
    // A store nodes share: the outbox's claims keep the order, not the node.
    'DurableCallbacks on a shared store',
    (clock) =>
      new DurableCallbacks(new MemoryStore(), clock, tokenFor, {
        attempts: 3,
        backoffMs: 1000,
        leaseMs: 30_000,
        owner: 'node-a',
      }),
  ],
];

/** Everything sent so far is delivered or given up (a durable queue's drain leaves retries for later). */
function settled(queue: Callbacks): () => Promise<void> {
  if (!(queue instanceof DurableCallbacks)) return () => queue.drain();
  const idle = new Promise<void>((resolve) => queue.events.once('idle', resolve));
  return () => idle.then(() => queue.drain());
}

describe.each(queues)('%s delivery order', (_, make) => {
  it("delivers one resource's callbacks one at a time, in order, while other resources' go on", async () => {
    const log: string[] = [];
    let callArrived!: () => void;
    const callSeen = new Promise<void>((resolve) => {
      callArrived = resolve;
    });
    await using app = await startAppServer({
      '/status': async (request) => {
        log.push(`arrive ${label(request)}`);
        if (label(request) === 'CA:0') callArrived();
        // The app is slow to answer the room's first callback: until the call's has arrived.
        if (label(request) === 'CF:0') await callSeen;
        log.push(`answer ${label(request)}`);
        return '';
      },
    });
    const queue = make(new VirtualClock());
    for (const sequence of [0, 1, 2]) queue.send(callback(`${app.url}/status`, ROOM, sequence));
    queue.send(callback(`${app.url}/status`, CALL, 0));
    await queue.drain();
    expect(log.filter((line) => line.includes('CF:'))).toEqual([
      'arrive CF:0',
      'answer CF:0',
      'arrive CF:1',
      'answer CF:1',
      'arrive CF:2',
      'answer CF:2',
    ]);
    expect(log.indexOf('arrive CA:0')).toBeLessThan(log.indexOf('answer CF:0'));
  });

  it('holds the later callbacks back while one is retried, and lets them go once it is given up', async () => {
    let failures = 1;
    await using app = await startAppServer({
      '/status': (request) => {
        if (label(request) === 'CF:0' && failures-- > 0) return { status: 503 };
        if (label(request) === 'CF:3') return { status: 503 };
        return '';
      },
    });
    const queue = make(new VirtualClock());
    const failed: string[] = [];
    queue.events.on('failed', (given) => failed.push(String(given.key)));
    let done = settled(queue);
    for (const sequence of [0, 1]) queue.send(callback(`${app.url}/status#rc=0`, ROOM, sequence));
    await done();
    expect(app.requests.map(label)).toEqual(['CF:0', 'CF:0', 'CF:1']);

    app.requests.splice(0);
    done = settled(queue);
    for (const sequence of [3, 4]) queue.send(callback(`${app.url}/status#rc=0`, ROOM, sequence));
    await done();
    expect(app.requests.map(label)).toEqual(['CF:3', 'CF:3', 'CF:3', 'CF:4']);
    expect(failed).toEqual([`${ROOM}:3`]);
  });
});

describe('DurableCallbacks order across a restart', () => {
  it('keeps later callbacks behind one that was being retried when the process stopped', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'patchbay-order-'));
    directories.push(directory);
    let refusing = true;
    const delivered: string[] = [];
    await using app = await startAppServer({
      '/status': (request) => {
        // While the first process runs, the app refuses the room's first callback.
        if (refusing && label(request) === 'CF:0') return { status: 503 };
        delivered.push(String(request.headers['i-twilio-idempotency-token']));
        return '';
      },
    });
    const url = `${app.url}/status#rc=0`;
    const clock = new VirtualClock();
    const firstStore = await SqliteStore.open(directory);
    const first = new DurableCallbacks(firstStore, clock, tokenFor, { attempts: 10, backoffMs: 60_000 });
    // The room's first callback fails and waits a minute to be retried; the second waits behind it.
    first.send(callback(url, ROOM, 0));
    first.send(callback(url, ROOM, 1));
    await first.drain();
    await first.close();
    await firstStore.close();
    expect(delivered).toEqual([]);

    refusing = false;
    const store = await SqliteStore.open(directory);
    const second = new DurableCallbacks(store, new VirtualClock(clock.now() + 120_000), tokenFor);
    try {
      const idle = new Promise<void>((resolve) => second.events.on('idle', resolve));
      second.start();
      await idle;
      await second.drain();
      expect(delivered).toEqual([`${ROOM}:0`, `${ROOM}:1`]);
    } finally {
      await second.close();
      await store.close();
    }
  });
});
