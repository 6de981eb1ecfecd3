/**
 * Three `patchbay serve` nodes on one PostgreSQL and one Redis behind nginx, used the way an app
 * uses Patchbay: the official helper library given the balancer's URL only. Calls and messages
 * land on every node, any node answers for any of them and controls any live call, and when a
 * node is SIGKILLed under load its calls end with their final callbacks (once each, from a
 * survivor), the balancer stops sending to it, and nothing accepted is lost.
 */
import { once } from 'node:events';
import { patchbayHttpClient } from '@patchbay/sdk';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanUpProcesses } from '../cli/processes.test-support.js';
import { usePostgres } from '../store/postgres.test-support.js';
import { type RecordedRequest, startAppServer } from '../testing/app-server.js';
import { CLUSTER_ACCOUNT, CLUSTER_TOKEN, startCluster, type TestCluster } from './cluster.test-support.js';
import { startRedis, type TestRedis } from './redis.test-support.js';

const postgres = usePostgres();
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.close());

let cluster: TestCluster | undefined;
afterEach(async () => {
  for (const app of apps.splice(0)) await app[Symbol.asyncDispose]();
  await cluster?.close();
  cluster = undefined;
  await cleanUpProcesses();
});

const helper = (base: string) =>
  twilio(CLUSTER_ACCOUNT, CLUSTER_TOKEN, { accountSid: CLUSTER_ACCOUNT, httpClient: patchbayHttpClient(base) });

const CREATES = /"method":"POST".*Calls\.json"/;

/** Which nodes logged a request for `path` (each node logs its requests at level info). */
function nodesThatServed(running: TestCluster, path: RegExp): string[] {
  return running.nodes.filter((node) => node.seen.some((line) => path.test(line))).map((node) => node.id);
}

/** Status callbacks by call SID. */
function finalsByCall(requests: readonly RecordedRequest[]): Map<string, RecordedRequest[]> {
  const byCall = new Map<string, RecordedRequest[]>();
  for (const request of requests) {
    const sid = String(request.params.CallSid);
    byCall.set(sid, [...(byCall.get(sid) ?? []), request]);
  }
  return byCall;
}

const PAUSE = '<Response><Pause length="600"/></Response>';
const apps: AsyncDisposable[] = [];

/**
 * The app (every status callback kept), the official helper given the balancer's URL, and calls
 * that stay in progress until hung up, asking for their final callback.
 */
async function appAndClient(running: TestCluster) {
  const finals: RecordedRequest[] = [];
  const app = await startAppServer({
    '/status': (req) => {
      finals.push(req);
      return '';
    },
    '/message-status': () => '',
  });
  apps.push(app);
  const client = helper(running.url);
  const longCall = (to: string) =>
    client.calls.create({
      to,
      from: '+15550900999',
      twiml: PAUSE,
      statusCallback: `${app.url}/status`,
      statusCallbackEvent: ['completed'],
    });
  const longCalls = (prefix: string, count: number) =>
    Promise.all(Array.from({ length: count }, (_, i) => longCall(`${prefix}${String(i).padStart(4, '0')}`)));
  const inProgress = async (calls: readonly { sid: string }[]) => {
    for (const call of calls)
      await expect
        .poll(async () => (await client.calls(call.sid).fetch()).status, { timeout: 15_000 })
        .toBe('in-progress');
  };
  /** Resolves once some of `calls` have ended (a dead or cut-off node's, ended by a survivor). */
  const someCompleted = (calls: readonly { sid: string }[]) =>
    expect
      .poll(
        async () => {
          const statuses = await Promise.all(calls.map(async (call) => (await client.calls(call.sid).fetch()).status));
          return statuses.filter((status) => status === 'completed').length;
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
  return { app, finals, client, longCall, longCalls, inProgress, someCompleted };
}

describe('three nodes behind nginx', () => {
  it('take calls and messages on every node; any node answers for any of them and controls a live call', async () => {
    cluster = await startCluster({ postgres: postgres(), redis });
    const { finals, client, longCalls, inProgress } = await appAndClient(cluster);
    const created = await longCalls('+1555090', 9);
    // The balancer spread the creates: more than one node runs calls.
    expect(nodesThatServed(cluster, CREATES).length).toBeGreaterThan(1);
    await inProgress(created);
    // Every call is listed, whichever node answers the list.
    const listed = (await client.calls.list({ status: 'in-progress', limit: 50 })).map((call) => call.sid);
    expect(listed.sort()).toEqual(created.map((call) => call.sid).sort());

    // Hang-ups through the balancer reach whichever node runs each call.
    for (const call of created)
      expect((await client.calls(call.sid).update({ status: 'completed' })).sid).toBe(call.sid);
    await expect.poll(() => finals.length, { timeout: 15_000 }).toBe(created.length);
    const byCall = finalsByCall(finals);
    for (const call of created) {
      expect(byCall.get(call.sid)?.map((r) => r.params.CallStatus)).toEqual(['completed']);
      expect((await client.calls(call.sid).fetch()).status).toBe('completed');
    }

    const messages = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        client.messages.create({ to: `+1555091${String(i).padStart(4, '0')}`, from: '+15550900999', body: `hi ${i}` }),
      ),
    );
    for (const message of messages)
      await expect
        .poll(async () => (await client.messages(message.sid).fetch()).status, { timeout: 15_000 })
        .toBe('delivered');
  }, 120_000);

  it('lose a node under load: its calls end with one final callback each, the others go on, nothing accepted is lost', async () => {
    cluster = await startCluster({ postgres: postgres(), redis });
    const { app, finals, client, longCall, longCalls, inProgress, someCompleted } = await appAndClient(cluster);
    const calls = await longCalls('+1555092', 12);
    const messages = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        client.messages.create({
          to: `+1555093${String(i).padStart(4, '0')}`,
          from: '+15550900999',
          body: `before ${i}`,
          statusCallback: `${app.url}/message-status`,
        }),
      ),
    );
    await inProgress(calls);
    // A node that took creates is the one to die: it runs at least one of the calls (its log names them).
    const [victim] = nodesThatServed(cluster, CREATES);
    const index = cluster.nodes.findIndex((node) => node.id === victim);
    expect(index).toBeGreaterThanOrEqual(0);
    const logged = (node: { seen: readonly string[] } | undefined, sid: string) =>
      node?.seen.some((line) => line.includes(`"call":"${sid}"`)) === true;
    await expect.poll(() => calls.every((call) => cluster?.nodes.some((node) => logged(node, call.sid)))).toBe(true);
    const ranThere = (sid: string) => logged(cluster?.nodes[index], sid);
    const ended = calls.filter((call) => ranThere(call.sid)).map((call) => call.sid);
    const live = calls.filter((call) => !ranThere(call.sid)).map((call) => call.sid);
    expect(ended.length).toBeGreaterThan(0);
    expect(live.length).toBeGreaterThan(0);
    await cluster.kill(index);

    // Requests keep being answered through the balancer, and new calls are taken, meanwhile.
    const during = await longCall('+15550929999');
    await expect
      .poll(async () => (await client.calls(during.sid).fetch()).status, { timeout: 15_000 })
      .toBe('in-progress');

    // The dead node's calls end (completed, one final callback each, posted by a survivor); the
    // others are still in progress.
    await someCompleted(calls);
    const status = (sid: string) =>
      client
        .calls(sid)
        .fetch()
        .then((call) => call.status);
    await expect
      .poll(async () => Promise.all(ended.map(status)), { timeout: 20_000 })
      .toEqual(ended.map(() => 'completed'));
    for (const sid of live) expect(await status(sid)).toBe('in-progress');
    await expect.poll(() => finals.length, { timeout: 15_000 }).toBe(ended.length);
    const byCall = finalsByCall(finals);
    for (const sid of ended) expect(byCall.get(sid)?.map((r) => r.params.CallStatus)).toEqual(['completed']);

    // The survivors' calls still answer to control, through the balancer.
    for (const sid of [...live, during.sid]) await client.calls(sid).update({ status: 'completed' });
    await expect.poll(() => finals.length, { timeout: 15_000 }).toBe(calls.length + 1);
    for (const [sid, requests] of finalsByCall(finals)) expect(requests.length, sid).toBe(1);
    // Every message accepted before the kill is stored with its final status.
    for (const message of messages)
      await expect
        .poll(async () => (await client.messages(message.sid).fetch()).status, { timeout: 15_000 })
        .toMatch(/^(delivered|failed|undelivered)$/);
  }, 120_000);
});

describe('a node cut off from Redis', () => {
  it('stops taking work: its calls end once, requests through the balancer go on, and, taken over, it stops when healed and takes work once restarted', async () => {
    cluster = await startCluster({ postgres: postgres(), redis, cuttable: true });
    const { finals, client, longCalls, inProgress, someCompleted } = await appAndClient(cluster);
    const calls = await longCalls('+1555094', 9);
    await inProgress(calls);
    const [cut] = nodesThatServed(cluster, CREATES);
    const index = cluster.nodes.findIndex((node) => node.id === cut);
    const node = cluster.nodes[index] as (typeof cluster.nodes)[number];
    cluster.partition(index);

    // The node says it is partitioned, and refuses work with 91300.
    await expect.poll(async () => (await fetch(`${node.direct}/health`)).status, { timeout: 15_000 }).toBe(503);
    expect(await (await fetch(`${node.direct}/health`)).json()).toMatchObject({ status: 'partitioned' });
    // Its calls end (completed, one final callback each); the others' go on.
    await someCompleted(calls);
    const live: string[] = [];
    for (const call of calls) if ((await client.calls(call.sid).fetch()).status === 'in-progress') live.push(call.sid);
    expect(live.length).toBeGreaterThan(0);
    // Through the balancer, reads never fail (a 503 is retried on another node); a create may be
    // refused by the cut node before nginx takes it out of rotation, always with 91300 and
    // Retry-After (nothing half done), never lost.
    for (let i = 0; i < 6; i++) {
      expect((await client.calls.list({ limit: 5 })).length).toBeGreaterThan(0);
      const created = await client.calls
        .create({ to: '+15550949999', from: '+15550900999', twiml: '<Response><Hangup/></Response>' })
        .then(
          (call) => call.sid,
          (error: { status: number; code: number }) => error,
        );
      if (typeof created !== 'string') expect(created).toMatchObject({ status: 503, code: 91300 });
    }

    // A survivor takes it over; healed, it finds that out and stops (exit status 1), and started
    // again under its id it takes work.
    const others = cluster.nodes.filter((other) => other !== node);
    await Promise.any(
      others.map((other) => other.line((line) => line.includes('took over a dead node') && line.includes(node.id))),
    );
    const exited = once(node.child, 'exit');
    cluster.heal(index);
    expect(await exited).toEqual([1, null]);
    expect(node.seen.some((line) => line.includes('node-taken-over'))).toBe(true);
    const restarted = await cluster.restart(index);
    await expect.poll(async () => (await fetch(`${restarted.direct}/health`)).status, { timeout: 15_000 }).toBe(200);
    const again = await helper(restarted.direct).calls.create({
      to: '+15550948888',
      from: '+15550900999',
      twiml: '<Response><Hangup/></Response>',
    });
    await expect
      .poll(async () => (await client.calls(again.sid).fetch()).status, { timeout: 15_000 })
      .toBe('completed');
    for (const sid of live) await client.calls(sid).update({ status: 'completed' });
    await expect.poll(() => finalsByCall(finals).size, { timeout: 15_000 }).toBe(calls.length);
    // Once each: the cut node ending its own calls and a survivor taking them over queue the same
    // final callback (one outbox key per call's final callback), whichever comes first.
    for (const [sid, requests] of finalsByCall(finals)) expect(requests.length, sid).toBe(1);
  }, 120_000);
});
