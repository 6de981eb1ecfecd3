import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queueApp } from '../queue/waiting.test-support.js';
import { SqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { type ApiHarness, clusterSize, rejected, startApiHarness } from './harness.test-support.js';

const harnesses: ApiHarness[] = [];
const directories: string[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

const CALLERS = ['+15550401001', '+15550401002'];
const FROM = '+15550400000';

async function setup(store?: Store) {
  const app = queueApp();
  const harness = await startApiHarness({
    ...(store ? { store } : {}),
    routes: app.routes,
    setup: (network) => {
      for (const number of CALLERS) network.addNumber(number);
    },
  });
  harnesses.push(harness);
  return { ...harness, whenWaiting: app.whenWaiting };
}

const ENQUEUE = (app: string) =>
  `<Response><Enqueue waitUrl="${app}/wait" action="${app}/queue-done">support</Enqueue></Response>`;

describe('Queues and Members with the official client', () => {
  it('lists the members waiting and dequeues the front one to a URL', async () => {
    const { client, app, runtime, network, whenWaiting } = await setup();
    const first = await client.calls.create({ to: CALLERS[0] as string, from: FROM, twiml: ENQUEUE(app.url) });
    await whenWaiting(1);
    const second = await client.calls.create({ to: CALLERS[1] as string, from: FROM, twiml: ENQUEUE(app.url) });
    await whenWaiting(2);

    const [queue] = await client.queues.list();
    expect(queue).toMatchObject({ friendlyName: 'support', currentSize: 2, maxSize: 100 });
    const members = await client.queues(String(queue?.sid)).members.list();
    expect(members.map((m) => [m.callSid, m.position])).toEqual([
      [first.sid, 1],
      [second.sid, 2],
    ]);
    expect((await client.queues(String(queue?.sid)).members('Front').fetch()).callSid).toBe(first.sid);
    expect((await client.queues(String(queue?.sid)).members(second.sid).fetch()).position).toBe(2);

    const dequeued = await client
      .queues(String(queue?.sid))
      .members('Front')
      .update({ url: `${app.url}/dequeued`, method: 'POST' });
    expect(dequeued.callSid).toBe(first.sid);
    const ended = await runtime.calls.ended(first.sid);
    expect(ended.status).toBe('completed');
    expect(app.requestsTo('/dequeued').map((r) => r.params.CallSid)).toEqual([first.sid]);
    expect(network.party(CALLERS[0] as string)?.lines()).toContain(
      'heard-speech "Thanks for waiting" (voice man, en-US)',
    );

    const after = await client.queues(String(queue?.sid)).members.list();
    expect(after.map((m) => [m.callSid, m.position])).toEqual([[second.sid, 1]]);
    expect((await client.queues(String(queue?.sid)).fetch()).currentSize).toBe(1);

    const refused = await rejected(client.queues(String(queue?.sid)).remove());
    expect(refused).toMatchObject({ status: 400, code: 21220 });
    const missing = await rejected(client.queues(String(queue?.sid)).members(first.sid).fetch());
    expect(missing.status).toBe(404);
    const noUrl = await rejected(client.queues(String(queue?.sid)).members('Front').update({ url: 'not a url' }));
    expect(noUrl).toMatchObject({ status: 400, code: 21205 });
  });

  it('creates, updates and deletes queues, and keeps them to their account', async () => {
    const { client, clientFor } = await setup();
    const queue = await client.queues.create({ friendlyName: 'sales', maxSize: 10 });
    expect(queue).toMatchObject({ friendlyName: 'sales', maxSize: 10, currentSize: 0 });
    expect(queue.sid).toMatch(/^QU[0-9a-f]{32}$/);
    expect((await client.queues(queue.sid).update({ maxSize: 20 })).maxSize).toBe(20);
    expect(await rejected(client.queues.create({ friendlyName: 'sales' }))).toMatchObject({ code: 21200 });
    expect(await rejected(client.queues(queue.sid).update({ maxSize: 0 }))).toMatchObject({ code: 21200 });

    const sub = await client.api.v2010.accounts.create({ friendlyName: 'Tenant' });
    const other = clientFor(sub.sid, sub.authToken);
    expect(await other.queues.list()).toEqual([]);
    expect((await rejected(other.queues(queue.sid).fetch())).status).toBe(404);
    // The same name in another account is another queue.
    expect((await other.queues.create({ friendlyName: 'sales' })).sid).not.toBe(queue.sid);

    expect(await client.queues(queue.sid).remove()).toBe(true);
    expect((await rejected(client.queues(queue.sid).fetch())).status).toBe(404);
    expect(await client.queues.list()).toEqual([]);
  });

  // The cluster harness has its own shared store: restarts there are the cluster tests' (cluster/queues.test.ts).
  it.skipIf(clusterSize() > 1)(
    'keeps a queue, its SID and MaxSize, across a restart on the same SQLite directory; its next caller joins it',
    async () => {
      const directory = await mkdtemp(join(tmpdir(), 'patchbay-queues-'));
      directories.push(directory);
      const first = await SqliteStore.open(directory);
      const before = await setup(first);
      const sales = await before.client.queues.create({ friendlyName: 'sales', maxSize: 10 });
      await before.client.queues(sales.sid).update({ maxSize: 7 });
      const gone = await before.client.queues.create({ friendlyName: 'gone' });
      await before.client.queues(gone.sid).remove();
      await before.close();
      harnesses.splice(0);
      await first.close();

      const second = await SqliteStore.open(directory);
      const after = await setup(second);
      expect(await after.client.queues(sales.sid).fetch()).toMatchObject({
        sid: sales.sid,
        friendlyName: 'sales',
        maxSize: 7,
        currentSize: 0,
      });
      expect((await after.client.queues.list()).map((q) => [q.sid, q.friendlyName, q.maxSize])).toEqual([
        [sales.sid, 'sales', 7],
      ]);
      expect((await rejected(after.client.queues(gone.sid).fetch())).status).toBe(404);
      expect(await rejected(after.client.queues.create({ friendlyName: 'sales' }))).toMatchObject({ code: 21200 });
      // A caller enqueued by name joins the stored queue.
      const call = await after.client.calls.create({
        to: CALLERS[0] as string,
        from: FROM,
        twiml: `<Response><Enqueue waitUrl="${after.app.url}/wait">sales</Enqueue></Response>`,
      });
      await after.whenWaiting(1);
      expect((await after.client.queues.list()).map((q) => [q.sid, q.currentSize, q.maxSize])).toEqual([
        [sales.sid, 1, 7],
      ]);
      await after.client.calls(call.sid).update({ status: 'completed' });
      await after.close();
      harnesses.splice(0);
      await second.close();
    },
  );
});
