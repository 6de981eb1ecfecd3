import { describe, expect, it } from 'vitest';
import { officialClient, rejected } from '../api/harness.test-support.js';
import { queueApp } from '../queue/waiting.test-support.js';
import type { BusKind } from './conferences.test-support.js';
import { type RestNode, restNodesPerTest } from './rest-nodes.test-support.js';

const FIRST = '+15550009001';
const SECOND = '+15550009002';
const FROM = '+15550009000';

const startNodes = restNodesPerTest();

/** Two nodes of one cluster on one store, each its own runtime, network and REST API. */
async function twoNodes(kind: BusKind) {
  const app = queueApp();
  const [a, b] = (await startNodes(kind, ['node-a', 'node-b'], {
    routes: app.routes,
    routeByNumber: false,
    setup: (network) => {
      network.addNumber(FIRST, {});
      network.addNumber(SECOND, {});
    },
  })) as [RestNode, RestNode];
  const { sid, authToken } = a.account;
  return { a, b, viaB: officialClient(b.base, sid, authToken), whenWaiting: app.whenWaiting };
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

  // A holder's death is declared once its lease runs out: 2 s on the test's Redis, 10 s on the in-process bus.
  it.runIf(kind === 'redis')(
    'a queue whose holder died is still listed and fetched by its SID, with its MaxSize, through the node left',
    async () => {
      const { a, b } = await twoNodes(kind);
      // A runs a call, B none: the queue created through A goes to B.
      await a.client.calls.create({ to: FIRST, from: FROM, twiml: '<Response><Pause length="600"/></Response>' });
      await expect.poll(() => a.cluster.bus.getKey('load:node-a')).toBe('1');
      const sales = await a.client.queues.create({ friendlyName: 'sales', maxSize: 10 });
      expect(b.runtime.queues.list().map((q) => q.sid)).toEqual([sales.sid]);
      const down = new Promise<void>((resolve) => a.cluster.bus.once('node-down', () => resolve()));
      await b.cluster.close({ leave: false });
      await down;
      expect((await a.client.queues.list()).map((q) => [q.sid, q.friendlyName, q.maxSize, q.currentSize])).toEqual([
        [sales.sid, 'sales', 10, 0],
      ]);
      expect(await a.client.queues(sales.sid).fetch()).toMatchObject({ sid: sales.sid, maxSize: 10, currentSize: 0 });
      // Placed afresh on the node left, which holds it now.
      expect(a.runtime.queues.list().map((q) => q.sid)).toEqual([sales.sid]);
      expect(await a.client.queues(sales.sid).update({ maxSize: 12 })).toMatchObject({ sid: sales.sid, maxSize: 12 });
    },
    20_000,
  );
});
