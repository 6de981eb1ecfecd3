/**
 * A node cut off from Redis while a survivor takes it over (docs/cluster.md, "Partition"), on
 * PostgreSQL and a real redis-server, the node's own Redis connections through a proxy the test
 * cuts: it sends no callback it no longer holds (nor any while cut off), its late message
 * statuses never move a message out of the final status the survivor gave it, and when it is back
 * it stops (`node-taken-over`, or `node-id-taken` when another process runs under its id by then)
 * instead of going on beside its survivor.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import { persistRuntime, StoreWrites } from '../api/persist.js';
import { systemClock } from '../clock/clock.js';
import type { PatchbayError } from '../errors.js';
import { FINAL_MESSAGE_STATUSES } from '../messaging/messages.js';
import type { MessageRecord, MessageStatus, MessagingAdapter } from '../messaging/types.js';
import { createRuntime } from '../runtime.js';
import { PostgresStore } from '../store/postgres.js';
import { usePostgres } from '../store/postgres.test-support.js';
import { type AppServer, startAppServer } from '../testing/app-server.js';
import { DurableCallbacks } from '../webhooks/durable-callbacks.js';
import { ClusterNode } from './nodes.js';
import { startRedis, type TestRedis } from './redis.test-support.js';
import { RedisBus } from './redis-bus.js';
import { type CuttableProxy, startProxy } from './redis-proxy.test-support.js';

const ACCOUNT = `AC${'f'.repeat(32)}`;
const CALL = `CA${'f'.repeat(32)}`;
/** A node is partitioned ~0.5 s into a cut and taken over ~0.1 s later; a callback's claim lasts a minute. */
const LEASE = { leaseMs: 600, heartbeatMs: 100 };
const CLAIM_LEASE_MS = 60_000;

const postgres = usePostgres();
let redis: TestRedis;
let app: AppServer;
beforeAll(async () => {
  redis = await startRedis();
  app = await startAppServer({ '/status': () => '' });
});
afterAll(async () => {
  await app?.close();
  await redis?.close();
});
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  app.requests.splice(0);
});

/** A token lookup that waits at a gate: the delivery has claimed its callback and not sent it yet. */
function gatedToken() {
  let open!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const arrived = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const tokenFor = async () => {
    reached();
    await gate;
    return 'token';
  };
  return { tokenFor, open, arrived };
}

/** Holds each message's status reports until the test gives them. */
class HeldMessaging implements MessagingAdapter {
  readonly name = 'held';
  readonly report = new Map<string, (status: MessageStatus) => void>();
  send(message: { sid: string }, onStatus: (status: MessageStatus) => void): void {
    this.report.set(message.sid, onStatus);
    onStatus('sending');
  }
}

async function cluster(database: string) {
  const prefix = redis.prefix();
  const logged: string[] = [];
  const node = async (
    nodeId: string,
    options: { proxy?: CuttableProxy; tokenFor?: () => Promise<string | undefined> } = {},
  ) => {
    const store = await PostgresStore.open(database);
    const bus = new RedisBus({ url: options.proxy?.url ?? redis.url, prefix, nodeId, ...LEASE });
    const log = { info: () => undefined, warn: () => undefined, error: (_: object, line: string) => logged.push(line) };
    const cluster = new ClusterNode({ bus, store, clock: systemClock, log, leaseMs: LEASE.leaseMs });
    await cluster.start();
    const callbacks = new DurableCallbacks(store, systemClock, options.tokenFor ?? (async () => 'token'), {
      owner: nodeId,
      leaseMs: CLAIM_LEASE_MS,
    });
    callbacks.start();
    const messaging = new HeldMessaging();
    const writes = new StoreWrites(store, undefined, nodeId);
    const runtime = createRuntime({
      media: new SimulatedNetwork(),
      messaging,
      callbackQueue: callbacks,
      admit: (admission) => cluster.admit(admission, writes.admit),
    });
    const persistence = persistRuntime(runtime, writes);
    cluster.attach(runtime, callbacks);
    cleanups.push(async () => {
      persistence.stop();
      await runtime.close();
      await callbacks.close();
      await cluster.close();
      await store.close();
    });
    return { store, cluster, callbacks, runtime, messaging, writes };
  };
  return { node, logged };
}

const statusCallback = (sequence: number) => ({
  url: `${app.url}/status`,
  method: 'POST' as const,
  authToken: 'token',
  key: `${CALL}:${sequence}`,
  params: { AccountSid: ACCOUNT, CallSid: CALL, CallStatus: 'ringing', SequenceNumber: String(sequence) },
});

/** Cuts `proxy` and resolves once a survivor has taken `node` over. */
async function cutAndTakeOver(proxy: CuttableProxy, node: ClusterNode, survivor: ClusterNode): Promise<void> {
  const down = new Promise<void>((resolve) =>
    survivor.bus.on('node-down', (event) => event.node === node.nodeId && event.claimed && resolve()),
  );
  const partitioned = new Promise<void>((resolve) => node.bus.once('partitioned', resolve));
  proxy.cut();
  await partitioned;
  await down;
  await survivor.settled();
}

describe('a node cut off from Redis and taken over', () => {
  it('sends no callback whose claim a survivor released, and stops when it is back (91307)', async () => {
    const proxy = await startProxy(redis.port);
    cleanups.push(() => proxy.close());
    const { node, logged } = await cluster(await postgres().database());
    const gated = gatedToken();
    const a = await node('node-a', { proxy, tokenFor: gated.tokenFor });
    const b = await node('node-b');
    // Node A claims a callback and is about to send it when it loses Redis.
    await a.callbacks.queue(statusCallback(0));
    await gated.arrived;
    const delivered = new Promise((resolve) => b.callbacks.events.once('delivered', resolve));
    await cutAndTakeOver(proxy, a.cluster, b.cluster);
    await delivered;
    expect(app.requests).toHaveLength(1);

    proxy.restore();
    const lost: PatchbayError = await a.cluster.lost;
    expect(lost).toMatchObject({ code: 'node-taken-over', numericCode: 91307 });
    expect(logged).toContainEqual(expect.stringContaining('was cut off from the cluster long enough'));
    expect(a.cluster.health()).toMatchObject({ status: 'partitioned' });
    // Back on Redis, but its work is gone: it takes none, and the claim it held is not its to send.
    expect(a.cluster.bus.connected).toBe(true);
    const refused = a.runtime.calls.create({ to: '+15550001111', from: '+15550002222', url: `${app.url}/x` });
    expect((await a.runtime.calls.ended(refused.sid)).errors.map((error) => error.code)).toContain(91307);
    gated.open();
    await a.callbacks.drain();
    expect(app.requests).toHaveLength(1);
    expect(b.cluster.health()).toBeUndefined();
  });

  it('stops without freeing its id when another process started under it meanwhile (91306)', async () => {
    const proxy = await startProxy(redis.port);
    cleanups.push(() => proxy.close());
    const { node } = await cluster(await postgres().database());
    const a = await node('node-a', { proxy });
    const b = await node('node-b');
    await cutAndTakeOver(proxy, a.cluster, b.cluster);
    // Its id is free once it is taken over: an operator starts node-a afresh elsewhere.
    const again = await node('node-a');
    proxy.restore();
    expect(await a.cluster.lost).toMatchObject({ code: 'node-id-taken', numericCode: 91306 });
    await a.cluster.close();
    // The new node-a is a member still, and keeps its id.
    expect((await b.cluster.bus.nodes()).map((info) => info.id).sort()).toEqual(['node-a', 'node-b']);
    expect(again.cluster.health()).toBeUndefined();
  });

  it('never moves its messages out of the final status the survivor gave them, and sends no second final callback', async () => {
    const proxy = await startProxy(redis.port);
    cleanups.push(() => proxy.close());
    const { node } = await cluster(await postgres().database());
    const a = await node('node-a', { proxy });
    const b = await node('node-b');
    const message = a.runtime.messages.send({
      account: { sid: ACCOUNT, authToken: 'token' },
      to: '+15550003333',
      from: '+15550004444',
      body: 'on its way',
      statusCallback: `${app.url}/status`,
    });
    await expect.poll(() => a.messaging.report.has(message.sid)).toBe(true);
    await a.writes.settled();
    await cutAndTakeOver(proxy, a.cluster, b.cluster);
    const ended = await b.store.get<MessageRecord>('message', ACCOUNT, message.sid);
    expect(ended).toMatchObject({ status: 'failed', errorCode: 30008 });
    // The carrier's late news reaches node A, still cut off.
    const report = a.messaging.report.get(message.sid) as (status: MessageStatus) => void;
    report('sent');
    report('delivered');
    await a.writes.settled();
    expect(await b.store.get<MessageRecord>('message', ACCOUNT, message.sid)).toMatchObject({
      status: 'failed',
      errorCode: 30008,
    });
    // One final callback, the survivor's: node A's `delivered` has the same key, so it is not queued.
    const finals = () =>
      app.requests.filter(
        (request) =>
          request.params.MessageSid === message.sid &&
          FINAL_MESSAGE_STATUSES.includes(request.params.MessageStatus as MessageStatus),
      );
    await expect.poll(() => finals().map((request) => request.params.MessageStatus)).toEqual(['failed']);
    expect(finals()[0]?.headers['i-twilio-idempotency-token']).toBe(`${message.sid}:final`);
    const pending = await b.store.outbox.due(Number.MAX_SAFE_INTEGER, 100);
    const late = pending.filter(
      (callback) =>
        callback.params.MessageSid === message.sid &&
        FINAL_MESSAGE_STATUSES.includes(callback.params.MessageStatus as MessageStatus),
    );
    expect(late).toEqual([]);
  });
});

describe('a node cut off from Redis, not taken over', () => {
  it('sends nothing while cut off, gives back what it had claimed, and delivers it once back', async () => {
    const proxy = await startProxy(redis.port);
    cleanups.push(() => proxy.close());
    const { node } = await cluster(await postgres().database());
    const gated = gatedToken();
    const a = await node('node-a', { proxy, tokenFor: gated.tokenFor });
    await a.callbacks.queue(statusCallback(0));
    await gated.arrived;
    const partitioned = new Promise<void>((resolve) => a.cluster.bus.once('partitioned', resolve));
    proxy.cut();
    await partitioned;
    gated.open();
    await a.callbacks.drain();
    expect(app.requests).toEqual([]);
    // Given back: due now for any node, not at the end of its minute-long claim.
    expect(await a.store.outbox.due(Date.now(), 10)).toEqual([expect.objectContaining({ key: `${CALL}:0` })]);

    const delivered = new Promise((resolve) => a.callbacks.events.once('delivered', resolve));
    proxy.restore();
    await delivered;
    expect(app.requests.map((request) => request.params.SequenceNumber)).toEqual(['0']);
    expect(a.cluster.health()).toBeUndefined();
  });

  it('goes on when its incarnation key is gone without a takeover (Redis restarted empty)', async () => {
    const { node } = await cluster(await postgres().database());
    const a = await node('node-a');
    expect(await a.cluster.bus.deleteKey('node:node-a')).toBe(true);
    // Its next check (within a lease) claims the key again instead of stopping.
    await expect.poll(() => a.cluster.bus.getKey('node:node-a')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.cluster.health()).toBeUndefined();
  });
});

describe('DurableCallbacks on a shared store', () => {
  it('does not send a callback whose claim was released while it was on its way', async () => {
    const store = await PostgresStore.open(await postgres().database());
    const gated = gatedToken();
    const callbacks = new DurableCallbacks(store, systemClock, gated.tokenFor, {
      owner: 'node-a',
      leaseMs: CLAIM_LEASE_MS,
    });
    try {
      await callbacks.queue(statusCallback(0));
      await gated.arrived;
      // A survivor took node-a over (a freeze: node-a never knew it was cut off), and node-b
      // claimed the released callback to deliver it.
      expect(await store.outbox.release?.('node-a', Date.now())).toBe(1);
      const [taken] = await store.outbox.claim({ now: Date.now(), limit: 1, owner: 'node-b', leaseMs: CLAIM_LEASE_MS });
      expect(taken?.key).toBe(`${CALL}:0`);
      gated.open();
      await callbacks.drain();
      expect(app.requests).toEqual([]);
      // Node-b's to deliver, and to finish: node-a's late finish would change nothing.
      expect(await store.outbox.hold?.(taken?.id ?? 0, taken?.claim ?? 0, Date.now() + 1000)).toBe(true);
    } finally {
      await callbacks.close();
      await store.close();
    }
  });
});
