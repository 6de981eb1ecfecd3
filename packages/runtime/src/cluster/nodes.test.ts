import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, officialClient, rejected, startApiHarness } from '../api/harness.test-support.js';
import type { CallRecord } from '../calls/call.js';
import { systemClock } from '../clock/clock.js';
import type { AccountLimits } from '../limits/account-limits.js';
import { MemoryStore } from '../store/memory.js';
import type { Route } from '../testing/app-server.js';
import { ClusterNode, defaultNodeId } from './nodes.js';
import { startRedis, type TestRedis } from './redis.test-support.js';
import { RedisBus } from './redis-bus.js';
import { startProxy } from './redis-proxy.test-support.js';

const PEER = '+15550007001';
const LEASE = { leaseMs: 600, heartbeatMs: 100 };

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.close());

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ROUTES: Record<string, Route> = {
  '/hold': () => '<Response><Say loop="0">Please hold</Say></Response>',
  '/moved': () => '<Response><Say>You have been moved</Say></Response>',
  '/status': () => '',
};

/** Two nodes of one cluster: one store, one Redis, each its own runtime and REST API. */
async function twoNodes(options: { urlA?: string; limits?: Partial<AccountLimits> } = {}) {
  const store = new MemoryStore();
  const prefix = redis.prefix();
  const node = async (nodeId: string, url: string) => {
    const cluster = new ClusterNode({
      bus: new RedisBus({ url, prefix, nodeId, ...LEASE }),
      store,
      clock: systemClock,
    });
    await cluster.start();
    const harness = await startApiHarness({
      store,
      cluster,
      routes: ROUTES,
      routeByNumber: false,
      setup: (network) => network.addNumber(PEER, { ringMs: 20 }),
      ...(options.limits ? { limits: options.limits } : {}),
    });
    cleanups.push(async () => {
      await harness.close();
      await cluster.close();
    });
    return { cluster, harness };
  };
  const a = await node('node-a', options.urlA ?? redis.url);
  const b = await node('node-b', redis.url);
  // The same account's credentials at node B (the store is shared: any node answers any account).
  const viaB = officialClient(b.harness.base, a.harness.account.sid, a.harness.account.authToken);
  return { store, a, b, viaB };
}

async function holdingCall(harness: ApiHarness, extra: Record<string, unknown> = {}) {
  const call = await harness.client.calls.create({
    to: PEER,
    from: '+15550007000',
    url: `${harness.app.url}/hold`,
    ...extra,
  });
  await new Promise<void>((resolve) =>
    harness.runtime.events.on('call.verb', (c, verb) => c.sid === call.sid && verb === 'Say' && resolve()),
  );
  return call;
}

describe('nodes of a cluster', () => {
  it('derives a stable node id from the host and the port', () => {
    expect(defaultNodeId('pb-1.example', 3000)).toBe('pb-1.example-3000');
    expect(defaultNodeId('pb 1', 3000)).toBe('pb-1-3000');
    expect(defaultNodeId('pb-1', 0, 42)).toBe('pb-1-pid42');
  });

  it('stamps the node on the call record, and never shows it in REST JSON', async () => {
    const { store, a, b } = await twoNodes();
    const call = await holdingCall(a.harness);
    const stored = await store.get<CallRecord & { node?: string }>('call', a.harness.account.sid, call.sid);
    expect(stored?.node).toBe('node-a');
    const { sid, authToken } = a.harness.account;
    const raw = await fetch(`${b.harness.base}/2010-04-01/Accounts/${sid}/Calls/${call.sid}.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${sid}:${authToken}`).toString('base64')}` },
    });
    const json = (await raw.json()) as Record<string, unknown>;
    expect(json.status).toBe('in-progress');
    expect(Object.keys(json)).not.toContain('node');
    expect(JSON.stringify(json)).not.toContain('node-a');
  });

  it('redirects and hangs up a call through a node that does not run it, answered as its node answers', async () => {
    const { a, viaB } = await twoNodes();
    const first = await holdingCall(a.harness);
    const redirected = await viaB.calls(first.sid).update({ url: `${a.harness.app.url}/moved`, method: 'POST' });
    expect(redirected).toMatchObject({ sid: first.sid, status: 'in-progress' });
    await a.harness.runtime.calls.ended(first.sid);
    expect(a.harness.network.party(PEER)?.lines()).toContain('heard-speech "You have been moved" (voice man, en-US)');

    const second = await holdingCall(a.harness);
    const ended = await viaB.calls(second.sid).update({ status: 'completed' });
    expect(ended).toMatchObject({ sid: second.sid, status: 'completed' });
    expect(a.harness.runtime.calls.get(second.sid)?.status).toBe('completed');
    // Its node's own errors travel back as they are: a redirect of an ended call is 21220.
    const late = await rejected(viaB.calls(second.sid).update({ url: `${a.harness.app.url}/moved` }));
    expect(late).toMatchObject({ status: 400, code: 21220 });
    const local = await rejected(a.harness.client.calls(second.sid).update({ url: `${a.harness.app.url}/moved` }));
    expect(late.message).toBe(local.message);
  });

  it('answers 503 (91301) for a live call whose node is gone; a survivor then ends it with its final callback, once', async () => {
    const { store, a, b, viaB } = await twoNodes();
    const call = await holdingCall(a.harness, {
      statusCallback: `${a.harness.app.url}/status`,
      statusCallbackEvent: ['completed'],
    });
    const downs: string[] = [];
    b.cluster.bus.on('node-down', (down) => downs.push(`${down.node} ${down.claimed}`));
    // Node A stops as a killed process does: its bus goes silent, nothing is written.
    await a.cluster.bus.close({ leave: false });
    const gone = await rejected(viaB.calls(call.sid).update({ status: 'completed' }));
    expect(gone).toMatchObject({ status: 503, code: 91301 });
    await expect.poll(() => downs, { timeout: 5000 }).toEqual(['node-a true']);
    await b.cluster.settled();
    const ended = await store.get<CallRecord>('call', a.harness.account.sid, call.sid);
    expect(ended).toMatchObject({ status: 'completed', errors: [expect.objectContaining({ code: 20500 })] });
    const callbacks = (await store.outbox.due(Number.MAX_SAFE_INTEGER, 100)).filter(
      (callback) => callback.params.CallSid === call.sid,
    );
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({ url: `${a.harness.app.url}/status`, params: { CallStatus: 'completed' } });
    // Fetched through the survivor: ended; a change now is refused as for any ended call.
    expect((await viaB.calls(call.sid).fetch()).status).toBe('completed');
    expect(await rejected(viaB.calls(call.sid).update({ status: 'completed' }))).toMatchObject({ code: 21220 });
  });

  it('refuses new calls on a node cut off from Redis (91300), ends its live calls, and takes work again when it rejoins', async () => {
    const proxy = await startProxy(redis.port);
    cleanups.push(() => proxy.close());
    const { a, b } = await twoNodes({ urlA: proxy.url });
    // Node B leaves: nobody takes node A over while it is cut off (nodes-fence.test.ts: when one does).
    await b.cluster.bus.close();
    const live = await holdingCall(a.harness);
    const partitioned = new Promise<void>((resolve) => a.cluster.bus.once('partitioned', resolve));
    proxy.cut();
    await partitioned;
    expect(a.cluster.health()).toMatchObject({ status: 'partitioned', code: 'partitioned' });
    expect((await a.harness.runtime.calls.ended(live.sid)).status).toBe('completed');
    const rest = await rejected(
      a.harness.client.calls.create({ to: PEER, from: '+15550007000', url: `${a.harness.app.url}/hold` }),
    );
    expect(rest).toMatchObject({ status: 503, code: 91300 });
    // A call that does not come through REST (inbound, a device's) is refused at admission.
    const refused = a.harness.runtime.calls.create({
      to: PEER,
      from: '+15550007000',
      url: `${a.harness.app.url}/hold`,
    });
    const failed = await a.harness.runtime.calls.ended(refused.sid);
    expect(failed.status).toBe('failed');
    expect(failed.errors.map((error) => error.code)).toContain(91300);
    const rejoined = new Promise<void>((resolve) => a.cluster.bus.once('rejoined', resolve));
    proxy.restore();
    await rejoined;
    // Once it has checked that nothing of its was taken over meanwhile.
    await expect.poll(() => a.cluster.health()).toBeUndefined();
    const again = await holdingCall(a.harness);
    expect(a.harness.runtime.calls.get(again.sid)?.status).toBe('in-progress');
  });

  it("caps an account's live calls across the cluster (10004), and frees a unit when a call ends", async () => {
    const { a, b, viaB } = await twoNodes({ limits: { concurrentCalls: 2 } });
    await holdingCall(a.harness);
    const onB = await viaB.calls.create({ to: PEER, from: '+15550007000', url: `${a.harness.app.url}/hold` });
    await new Promise<void>((resolve) =>
      b.harness.runtime.events.on('call.verb', (c, verb) => c.sid === onB.sid && verb === 'Say' && resolve()),
    );
    // Node A runs one call, below the cap of 2: only the cluster's count refuses the third.
    const third = await a.harness.client.calls.create({
      to: PEER,
      from: '+15550007000',
      url: `${a.harness.app.url}/hold`,
    });
    const refused = await a.harness.runtime.calls.ended(third.sid);
    expect(refused.status).toBe('failed');
    expect(refused.errors.map((error) => error.code)).toContain(10004);
    await viaB.calls(onB.sid).update({ status: 'completed' });
    await expect.poll(() => a.cluster.bus.count(`calls:${a.harness.account.sid}`)).toBe(1);
    const fourth = await holdingCall(a.harness);
    expect(a.harness.runtime.calls.get(fourth.sid)?.status).toBe('in-progress');
  });

  it("holds an account's REST requests in progress to its limit across the cluster (429, 20429)", async () => {
    const { a, viaB } = await twoNodes({ limits: { apiConcurrency: 1 } });
    const { sid, authToken } = a.harness.account;
    // A request at node A whose body is still arriving holds the account's one slot.
    const slow = httpRequest(`${a.harness.base}/2010-04-01/Accounts/${sid}/Calls.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sid}:${authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': '1000',
      },
    });
    slow.on('error', () => undefined);
    slow.write('To=');
    await expect.poll(() => a.cluster.bus.count(`api:${sid}`)).toBe(1);
    const refused = await rejected(viaB.calls.list());
    expect(refused).toMatchObject({ status: 429, code: 20429 });
    expect(refused.message).toContain('across the cluster');
    slow.destroy();
    await expect.poll(() => a.cluster.bus.count(`api:${sid}`)).toBe(0);
    expect(await viaB.calls.list()).toEqual([]);
  });
});
