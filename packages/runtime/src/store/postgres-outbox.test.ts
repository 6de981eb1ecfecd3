/**
 * The callback outbox across nodes: two stores on one database (two pools, as two nodes have)
 * each running DurableCallbacks, racing for the same callbacks. Each reaches the app once, and
 * the callbacks of one call in their order, one at a time.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { startAppServer } from '../testing/app-server.js';
import { DurableCallbacks } from '../webhooks/durable-callbacks.js';
import { PostgresStore } from './postgres.js';
import { usePostgres } from './postgres.test-support.js';

const ACCOUNT = `AC${'d'.repeat(32)}`;
const tokenFor = async (sid: string) => (sid === ACCOUNT ? 'token' : undefined);
const CALLS = 100;
const PER_CALL = 10;

const postgres = usePostgres();

const callSid = (n: number) => `CA${n.toString(16).padStart(32, '0')}`;

describe('the outbox on PostgreSQL, shared by two nodes', () => {
  it('delivers each of 1,000 callbacks exactly once, in order per call, whichever node takes it', async () => {
    const inFlight = new Map<string, number>();
    let overlaps = 0;
    await using app = await startAppServer({
      '/status': async (request) => {
        const call = String(request.params.CallSid);
        inFlight.set(call, (inFlight.get(call) ?? 0) + 1);
        if ((inFlight.get(call) ?? 0) > 1) overlaps++;
        // The app takes a moment, so two deliveries of one call at once would overlap here.
        await new Promise((resolve) => setImmediate(resolve));
        inFlight.set(call, (inFlight.get(call) ?? 0) - 1);
        return '';
      },
    });
    const url = await postgres().database();
    const [a, b] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
    const callback = (n: number, sequence: number) => ({
      url: `${app.url}/status`,
      method: 'POST' as const,
      authToken: 'ignored',
      key: `${callSid(n)}:${sequence}`,
      params: { AccountSid: ACCOUNT, CallSid: callSid(n), SequenceNumber: String(sequence) },
    });
    // Half left in the outbox before the nodes start (a node died with them queued)...
    for (let n = 0; n < CALLS / 2; n++)
      for (let sequence = 0; sequence < PER_CALL; sequence++) {
        const { authToken: _token, ...pending } = callback(n, sequence);
        await a.outbox.add({ ...pending, accountSid: ACCOUNT, nextAttemptAt: 0 });
      }
    const nodes = [
      new DurableCallbacks(a, systemClock, tokenFor, { owner: 'node-a', leaseMs: 60_000 }),
      new DurableCallbacks(b, systemClock, tokenFor, { owner: 'node-b', leaseMs: 60_000 }),
    ] as const;
    let delivered = 0;
    const all = new Promise<void>((resolve) => {
      for (const node of nodes)
        node.events.on('delivered', () => {
          if (++delivered === CALLS * PER_CALL) resolve();
        });
    });
    for (const node of nodes) node.start();
    // ...and half queued while they run, each call's by the node it lives on (twice: stored once).
    for (let n = CALLS / 2; n < CALLS; n++)
      for (let sequence = 0; sequence < PER_CALL; sequence++)
        for (let twice = 0; twice < 2; twice++) nodes[n % 2]?.send(callback(n, sequence));
    // A stall says what was left and in what state (it failed once in CI, not reproduced since).
    let stalled: NodeJS.Timeout | undefined;
    const stall = new Promise<never>((_, reject) => {
      stalled = setTimeout(async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        const { rows } = await client.query(
          'SELECT id, key, claimed_by, claim, next_attempt_at, attempts FROM outbox WHERE NOT done ORDER BY id LIMIT 20',
        );
        await client.end();
        reject(new Error(`${delivered} of ${CALLS * PER_CALL} delivered; left: ${JSON.stringify(rows)}`));
      }, 45_000);
    });
    await Promise.race([all, stall]).finally(() => clearTimeout(stalled));
    await Promise.all(nodes.map((node) => node.close()));

    const keys = app.requests.map((r) => `${String(r.params.CallSid)}:${String(r.params.SequenceNumber)}`);
    expect(keys).toHaveLength(CALLS * PER_CALL);
    expect(new Set(keys).size).toBe(CALLS * PER_CALL);
    for (let n = 0; n < CALLS; n++) {
      const sequence = app.requests
        .filter((r) => r.params.CallSid === callSid(n))
        .map((r) => Number(r.params.SequenceNumber));
      expect(sequence).toEqual(Array.from({ length: PER_CALL }, (_, i) => i));
    }
    expect(overlaps).toBe(0);
    expect(await a.outbox.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  }, 60_000);

  it("delivers a call's next callback, queued on one node while another node delivers the one before, once that one is done", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await using app = await startAppServer({
      '/status': async (request) => {
        if (request.params.SequenceNumber === '0') await held;
        return '';
      },
    });
    const url = await postgres().database();
    const [a, b] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
    const pending = (sequence: number) => ({
      url: `${app.url}/status`,
      method: 'POST' as const,
      key: `${callSid(1)}:${sequence}`,
      params: { AccountSid: ACCOUNT, CallSid: callSid(1), SequenceNumber: String(sequence) },
    });
    await a.outbox.add({ ...pending(0), accountSid: ACCOUNT, nextAttemptAt: 0 });
    const options = { leaseMs: 60_000 };
    const nodeB = new DurableCallbacks(b, systemClock, tokenFor, { ...options, owner: 'node-b' });
    nodeB.start();
    // Node B has the first callback on its way (the app holds it)...
    await expect.poll(() => app.requests.length).toBe(1);
    // ...when the call's next one is queued on node A, which cannot take it before the first is done.
    const nodeA = new DurableCallbacks(a, systemClock, tokenFor, { ...options, owner: 'node-a' });
    nodeA.start();
    await nodeA.queue({ ...pending(1), authToken: 'ignored' });
    // Node A has read the outbox (the first callback among what is pending) and planned the second.
    await nodeA.drain();
    release();
    await expect
      .poll(() => app.requests.map((r) => String(r.params.SequenceNumber)), { timeout: 5000 })
      .toEqual(['0', '1']);
    await Promise.all([nodeA.close(), nodeB.close()]);
    await Promise.all([a.close(), b.close()]);
  }, 15_000);
});

describe("a record's write on PostgreSQL", () => {
  it('commits after the callbacks queued for the record before it: a call is never ended in the store before its final callback is queued', async () => {
    const url = await postgres().database();
    const store = await PostgresStore.open(url);
    // Connections open in the pool already: a write that does not wait goes out at once.
    await Promise.all(Array.from({ length: 4 }, () => store.get('call', ACCOUNT, callSid(0))));
    // Another session holds the outbox: the callback's INSERT waits for it.
    const blocker = new pg.Client({ connectionString: url });
    const reader = new pg.Client({ connectionString: url });
    await Promise.all([blocker.connect(), reader.connect()]);
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE outbox IN EXCLUSIVE MODE');
      const sid = callSid(7);
      const queued = store.outbox.add({
        key: `${sid}:final`,
        accountSid: ACCOUNT,
        url: 'http://127.0.0.1:1/status',
        method: 'POST',
        params: { CallSid: sid, CallStatus: 'completed' },
        nextAttemptAt: 0,
      });
      const written = store.put('call', { sid, accountSid: ACCOUNT, createdAt: 0, status: 'completed' });
      // This database's INSERT waits for the lock (other tests' databases share the server). Asked
      // on a connection of its own: in the blocker's transaction pg_stat_activity is a snapshot.
      await expect
        .poll(
          async () => {
            const { rows } = await reader.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()
                 AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO outbox%'`,
            );
            return rows[0].n;
          },
          { timeout: 10_000 },
        )
        .toBe(1);
      // Whatever the record's write did by now is visible to a third session once it commits: a
      // write that did not wait would be there (it takes no lock the blocker holds).
      const round = await reader.query("SELECT count(*)::int AS n FROM records WHERE kind = 'call'");
      expect(round.rows[0].n).toBe(0);

      await blocker.query('COMMIT');
      await Promise.all([queued, written]);
      expect(await store.get('call', ACCOUNT, sid)).toMatchObject({ status: 'completed' });
    } finally {
      await Promise.all([blocker.end(), reader.end()]);
      await store.close();
    }
  });
});
