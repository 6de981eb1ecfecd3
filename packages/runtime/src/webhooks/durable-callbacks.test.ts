import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { VirtualClock } from '../clock/virtual.js';
import { MemoryStore } from '../store/memory.js';
import { SqliteStore } from '../store/sqlite.js';
import { startAppServer } from '../testing/app-server.js';
import { DurableCallbacks } from './durable-callbacks.js';

const ACCOUNT = `AC${'c'.repeat(32)}`;
const tokenFor = async (sid: string) => (sid === ACCOUNT ? 'durable-token' : undefined);
const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

function callback(url: string, sequence: number) {
  return {
    url,
    method: 'POST' as const,
    authToken: 'ignored',
    key: `CA1:${sequence}`,
    params: { AccountSid: ACCOUNT, CallSid: 'CA1', SequenceNumber: String(sequence) },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('DurableCallbacks', () => {
  it('delivers each key once, with its idempotency token, signed with the current token', async () => {
    await using app = await startAppServer({ '/status': () => '' });
    const queue = new DurableCallbacks(new MemoryStore(), systemClock, tokenFor);
    queue.send(callback(`${app.url}/status`, 0));
    queue.send(callback(`${app.url}/status`, 0));
    queue.send(callback(`${app.url}/status`, 1));
    await queue.drain();
    expect(app.requests.map((r) => r.params.SequenceNumber).sort()).toEqual(['0', '1']);
    expect(app.requests.map((r) => r.headers['i-twilio-idempotency-token']).sort()).toEqual(['CA1:0', 'CA1:1']);
  });

  it('sends a callback only once the writes made before it have finished (the record it reports on)', async () => {
    await using app = await startAppServer({ '/status': () => '' });
    let finish!: () => void;
    const written = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let asked = 0;
    const recorded = () => {
      asked++;
      return written;
    };
    const queue = new DurableCallbacks(new MemoryStore(), systemClock, tokenFor, { recorded });
    queue.send(callback(`${app.url}/status`, 0));
    await expect.poll(() => asked).toBe(1);
    expect(app.requests).toHaveLength(0);
    finish();
    await queue.drain();
    expect(app.requests.map((r) => r.params.SequenceNumber)).toEqual(['0']);
  });

  it('forgets delivered callbacks after keepDoneMs, so the outbox does not grow with every callback', async () => {
    await using app = await startAppServer({ '/status': () => '' });
    const clock = new VirtualClock();
    const store = new MemoryStore();
    const day = 86_400_000;
    const options = { keepDoneMs: day, pruneEveryMs: 60_000 };
    const queue = new DurableCallbacks(store, clock, tokenFor, options);
    queue.start();
    queue.send(callback(`${app.url}/status`, 0));
    await queue.drain();
    // Within the day its key is remembered: the same callback is not sent twice.
    queue.send(callback(`${app.url}/status`, 0));
    await queue.drain();
    expect(app.requests).toHaveLength(1);
    await queue.close();
    // A day later, a server starting forgets it (an earlier delivery no longer blocks the key).
    await new Promise<void>((resolve) => clock.setTimer(resolve, day + 1));
    const later = new DurableCallbacks(store, clock, tokenFor, options);
    later.start();
    await later.drain();
    expect(
      await store.outbox.add({ ...callback(`${app.url}/status`, 0), accountSid: ACCOUNT, nextAttemptAt: 0 }),
    ).toBeTypeOf('number');
    await later.close();
  });

  it("gives each account a share of the deliveries: one account's stuck URL does not hold up another's", async () => {
    const other = `AC${'e'.repeat(32)}`;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived!: () => void;
    const otherArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    await using app = await startAppServer({
      '/stuck': async () => {
        await released;
        return '';
      },
      '/fine': () => {
        arrived();
        return '';
      },
    });
    const tokens = async (sid: string) => (sid === ACCOUNT || sid === other ? 'token' : undefined);
    const queue = new DurableCallbacks(new MemoryStore(), systemClock, tokens, { concurrency: 8, perAccount: 2 });
    // Forty callbacks of forty calls of one account, all to a URL that does not answer...
    for (let i = 0; i < 40; i++) {
      const sid = `CA${String(i).padStart(32, '0')}`;
      queue.send({
        ...callback(`${app.url}/stuck`, 0),
        key: `${sid}:0`,
        params: { AccountSid: ACCOUNT, CallSid: sid },
      });
    }
    // ...and then one of another account: it goes at once.
    queue.send({ ...callback(`${app.url}/fine`, 0), key: `CA${'f'.repeat(32)}:0`, params: { AccountSid: other } });
    await otherArrived;
    expect(app.requestsTo('/stuck')).toHaveLength(2);
    release();
    await queue.drain();
    expect(app.requestsTo('/stuck')).toHaveLength(40);
  });

  it('retries with back-off and gives up after the last attempt', async () => {
    await using app = await startAppServer({ '/down': () => ({ status: 503 }) });
    const clock = new VirtualClock();
    const queue = new DurableCallbacks(new MemoryStore(), clock, tokenFor, { attempts: 3, backoffMs: 1000 });
    const failed = new Promise((resolve) => queue.events.on('failed', resolve));
    queue.send(callback(`${app.url}/down#rc=0`, 0));
    await failed;
    expect(app.requests).toHaveLength(3);
  });

  it('delivers after a restart what the previous process could not, and never repeats what it did', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'patchbay-outbox-'));
    directories.push(directory);
    const port = await freePort();
    const first = new DurableCallbacks(await SqliteStore.open(directory), systemClock, tokenFor, {
      attempts: 10,
      backoffMs: 60_000,
    });
    await using up = await startAppServer({ '/status': () => '' });
    first.send(callback(`${up.url}/status`, 0));
    // The app at `port` is down while the first process runs.
    first.send(callback(`http://127.0.0.1:${port}/status#rc=0`, 1));
    await first.drain();
    await first.close();
    expect(up.requests).toHaveLength(1);

    const later = new VirtualClock(Date.now() + 120_000);
    const store = await SqliteStore.open(directory);
    const second = new DurableCallbacks(store, later, tokenFor);
    // The app comes back on the port that was down.
    const received: string[] = [];
    const revived = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['i-twilio-idempotency-token']));
        res.end();
      });
    });
    await new Promise<void>((resolve) => revived.listen(port, '127.0.0.1', resolve));
    try {
      const delivered = new Promise((resolve) => second.events.on('delivered', resolve));
      second.start();
      await delivered;
      await second.drain();
      expect(received).toEqual(['CA1:1']);
      expect(up.requests).toHaveLength(1);
      expect(await store.outbox.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    } finally {
      await second.close();
      await store.close();
      revived.closeAllConnections();
      await new Promise((resolve) => revived.close(resolve));
    }
  });
});
