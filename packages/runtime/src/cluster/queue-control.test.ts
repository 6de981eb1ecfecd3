import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { officialClient, rejected, startApiHarness } from '../api/harness.test-support.js';
import { systemClock } from '../clock/clock.js';
import { MemoryStore } from '../store/memory.js';
import type { RecordedRequest } from '../testing/app-server.js';
import type { Bus } from './bus.js';
import { BusHub, InProcessBus } from './bus-memory.js';
import type { BusKind } from './conferences.test-support.js';
import { ClusterNode } from './nodes.js';
import { startRedis, type TestRedis } from './redis.test-support.js';
import { RedisBus } from './redis-bus.js';

const FIRST = '+15550009001';
const SECOND = '+15550009002';
const FROM = '+15550009000';

let redis: TestRedis | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.close());

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two nodes of one cluster on one store, each its own runtime, network and REST API. */
async function twoNodes(kind: BusKind) {
  const store = new MemoryStore();
  const hub = new BusHub(systemClock);
  const prefix = redis?.prefix() ?? 'patchbay:';
  const waiting = new Set<string>();
  const listeners: Array<() => void> = [];
  const routes = {
    '/wait': (req: RecordedRequest) => {
      waiting.add(String(req.params.CallSid));
      for (const listener of listeners.splice(0)) listener();
      return '<Response><Play>http://media.example/hold.mp3</Play></Response>';
    },
    '/dequeued': () => '<Response><Say>Thanks for waiting</Say></Response>',
    '/queue-done': () => '<Response/>',
  };
  const bus = (nodeId: string): Bus =>
    kind === 'redis'
      ? new RedisBus({ url: (redis as TestRedis).url, prefix, nodeId, leaseMs: 2000, heartbeatMs: 400 })
      : new InProcessBus({ nodeId, hub });
  const node = async (nodeId: string) => {
    const cluster = new ClusterNode({ bus: bus(nodeId), store, clock: systemClock });
    await cluster.start();
    const harness = await startApiHarness({
      store,
      cluster,
      routes,
      routeByNumber: false,
      setup: (network) => {
        network.addNumber(FIRST, {});
        network.addNumber(SECOND, {});
      },
    });
    cleanups.push(async () => {
      await harness.close();
      await cluster.close();
    });
    await harness.runtime.conferenceCluster?.ready;
    return harness;
  };
  const a = await node('node-a');
  const b = await node('node-b');
  const whenWaiting = async (count: number) => {
    while (waiting.size < count) await new Promise<void>((resolve) => listeners.push(resolve));
  };
  const { sid, authToken } = a.account;
  return { a, b, viaB: officialClient(b.base, sid, authToken), whenWaiting };
}

describe.each<BusKind>(['in-process', 'redis'])('Queues and Members across nodes (%s bus)', (kind) => {
  it('lists, fetches, creates and dequeues through a node that does not hold the queue, answered as the holder answers', async () => {
    const { a, b, whenWaiting } = await twoNodes(kind);
    const client = a.client; // node A: it runs the callers' calls, B holds their queue
    const enqueue = `<Response><Enqueue waitUrl="${a.app.url}/wait" action="${a.app.url}/queue-done">support</Enqueue></Response>`;
    const first = await client.calls.create({ to: FIRST, from: FROM, twiml: enqueue });
    await whenWaiting(1);
    const second = await client.calls.create({ to: SECOND, from: FROM, twiml: enqueue });
    await whenWaiting(2);
    expect(a.runtime.queues.list()).toEqual([]);
    const held = b.runtime.queues.list();
    expect(held).toMatchObject([{ friendlyName: 'support', currentSize: 2 }]);

    const [queue] = await client.queues.list();
    expect(queue).toMatchObject({ sid: held[0]?.sid, friendlyName: 'support', currentSize: 2, maxSize: 100 });
    const members = client.queues(String(queue?.sid)).members;
    expect((await members.list()).map((m) => [m.callSid, m.position])).toEqual([
      [first.sid, 1],
      [second.sid, 2],
    ]);
    expect((await members(second.sid).fetch()).position).toBe(2);
    const dequeued = await members('Front').update({ url: `${a.app.url}/dequeued`, method: 'POST' });
    expect(dequeued.callSid).toBe(first.sid);
    await a.network.heard(FIRST, (e) => e.type === 'heard-speech' && e.text === 'Thanks for waiting');
    expect((await members.list()).map((m) => [m.callSid, m.position])).toEqual([[second.sid, 1]]);
    expect(await rejected(client.queues(String(queue?.sid)).remove())).toMatchObject({ status: 400, code: 21220 });
    expect((await rejected(members(first.sid).fetch())).status).toBe(404);

    // A queue created through A is placed by load: A runs a call, B none, so B holds it.
    const sales = await client.queues.create({ friendlyName: 'sales', maxSize: 10 });
    expect(b.runtime.queues.list().map((q) => q.friendlyName)).toContain('sales');
    expect(await rejected(client.queues.create({ friendlyName: 'sales' }))).toMatchObject({ code: 21200 });
    expect(await client.queues(sales.sid).update({ maxSize: 20 })).toMatchObject({ sid: sales.sid, maxSize: 20 });
    expect((await client.queues.list()).map((q) => q.friendlyName).sort()).toEqual(['sales', 'support']);
    expect((await rejected(client.queues(`QU${'0'.repeat(32)}`).fetch())).status).toBe(404);
  });
});
