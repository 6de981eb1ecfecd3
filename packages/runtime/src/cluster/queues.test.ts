import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallQueue } from '../queue/queues.js';
import { saveQueue } from '../queue/records.js';
import { ACCOUNT_SID, type BusKind, startCluster, type TestCluster } from './conferences.test-support.js';
import { startRedis, type TestRedis } from './redis.test-support.js';

const CALLER = '+15550006001';
const AGENT = '+15550006002';
const LATER = '+15550006003';
const BUSY = '+15550006004';

const routes = {
  '/voice': (req: { params: Record<string, string | string[]> }) =>
    req.params.From === BUSY
      ? '<Response><Say>Busy</Say><Pause length="600"/></Response>'
      : req.params.From === AGENT
        ? '<Response><Dial action="/agent-done" timeout="60"><Queue url="/to-member">support</Queue></Dial></Response>'
        : '<Response><Enqueue waitUrl="/wait" action="/queue-done">support</Enqueue></Response>',
  '/wait': () => '<Response><Say>Please hold</Say><Pause length="5"/></Response>',
  '/to-member': () => '<Response><Say>An agent will take your call now</Say></Response>',
  '/agent-done': () => '<Response/>',
  '/queue-done': (req: { params: Record<string, string | string[]> }) =>
    `<Response><Say>Queue result ${req.params.QueueResult}</Say></Response>`,
};

let redis: TestRedis | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.close());

type Node = TestCluster['nodes'][number];

const heard = (node: Node, number: string) =>
  (node.network.party(number)?.lines() ?? []).filter((line) => line.startsWith('heard-'));
const hears = (node: Node, number: string, text: string) =>
  node.network.heard(number, (entry) => entry.type === 'heard-speech' && entry.text === text);

/** Settles when the caller hears its wait document once more (its wait went on). */
const holdsOn = (node: Node, number: string) =>
  new Promise<void>((resolve) => {
    const stop = node.network.party(number)?.follow((entry) => {
      if (entry.type !== 'heard-speech' || entry.text !== 'Please hold') return;
      stop?.();
      resolve();
    });
  });

/** The caller waits on `callerOn` (first when `agentFirst` is false); the agent dials the queue on `agentOn`. */
async function support(c: TestCluster, callerOn: Node, agentOn: Node, agentFirst = false) {
  const ringCaller = () =>
    callerOn.ringIn(CALLER, {
      hangupAfterMs: 300_000,
      script: [
        { type: 'pause', ms: 40_000 },
        { type: 'say', text: 'caller speaking' },
      ],
    });
  const ringAgent = () =>
    agentOn.ringIn(AGENT, {
      hangupAfterMs: 60_000,
      script: [
        { type: 'pause', ms: 10_000 },
        { type: 'say', text: 'agent speaking' },
      ],
    });
  let caller: string;
  let agent: string;
  if (agentFirst) {
    agent = ringAgent();
    await new Promise<void>((resolve) => c.clock.setTimer(resolve, 3000));
    caller = ringCaller();
  } else {
    caller = ringCaller();
    await hears(callerOn, CALLER, 'Please hold');
    agent = ringAgent();
  }
  const [callerEnd, agentEnd] = await Promise.all([
    callerOn.runtime.calls.ended(caller),
    agentOn.runtime.calls.ended(agent),
  ]);
  return {
    caller,
    callerEnd,
    agentEnd,
    callerHeard: heard(callerOn, CALLER),
    agentHeard: heard(agentOn, AGENT),
  };
}

describe.each<BusKind>(['in-process', 'redis'])('queues across nodes (%s bus)', (kind) => {
  const cluster = (ids = ['node-a', 'node-b', 'node-c']) =>
    startCluster(routes, kind, { ...(redis ? { redis } : {}), ids });

  it('a caller waiting on one node is taken by an agent on another, the queue on a third; both hear as on one node', async () => {
    await using c = await cluster();
    const [a, b, cc] = c.nodes as [Node, Node, Node];
    // The caller's call runs on A, so the queue goes to the least loaded node: B.
    const split = await support(c, a, cc);
    expect(b.runtime.queues.list().map((queue) => queue.friendlyName)).toEqual(['support']);
    expect([...a.runtime.queues.list(), ...cc.runtime.queues.list()]).toEqual([]);
    const wait = c.app.requestsTo('/wait')[0]?.params;
    expect(wait).toMatchObject({ QueuePosition: '1', CurrentQueueSize: '1', MaxQueueSize: '100', QueueTime: '0' });
    expect(wait?.QueueSid).toBe(b.runtime.queues.list()[0]?.sid);
    expect(c.app.requestsTo('/agent-done')[0]?.params).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: split.caller,
    });
    expect(c.app.requestsTo('/queue-done')[0]?.params).toMatchObject({
      QueueResult: 'bridged',
      QueueSid: wait?.QueueSid,
    });
    expect(split.callerHeard).toContain('heard-speech "An agent will take your call now" (voice man, en-US)');
    expect(split.callerHeard).toContain('heard-speech "agent speaking"');
    expect(split.agentHeard).toContain('heard-speech "caller speaking"');
    expect(split.callerHeard.at(-1)).toBe('heard-speech "Queue result bridged" (voice man, en-US)');

    // The same two calls on one node hear exactly the same.
    await using one = await cluster(['solo']);
    const [solo] = one.nodes as [Node];
    const together = await support(one, solo, solo);
    expect(split.callerHeard).toEqual(together.callerHeard);
    expect(split.agentHeard).toEqual(together.agentHeard);
  });

  it('an agent waiting for a member is offered the caller who arrives later on another node', async () => {
    await using c = await cluster();
    const [a, b, cc] = c.nodes as [Node, Node, Node];
    // The agent's call runs on C, so the queue goes to A; the caller's runs on B.
    const split = await support(c, b, cc, true);
    expect(a.runtime.queues.list().map((queue) => queue.friendlyName)).toEqual(['support']);
    expect(c.app.requestsTo('/agent-done')[0]?.params).toMatchObject({ DialCallStatus: 'completed' });
    expect(split.callerHeard).toContain('heard-speech "agent speaking"');
    expect(split.agentHeard).toContain('heard-speech "caller speaking"');
    expect(split.callerHeard.at(-1)).toBe('heard-speech "Queue result bridged" (voice man, en-US)');
  });

  it('a queue whose node died is placed afresh with its SID and MaxSize; a caller it has no room for goes on with QueueResult system-error', async () => {
    await using c = await cluster(['node-a', 'node-b']);
    const [a, b] = c.nodes as [Node, Node];
    const caller = a.ringIn(CALLER, { hangupAfterMs: 600_000 });
    await hears(a, CALLER, 'Please hold');
    const later = a.ringIn(LATER, { hangupAfterMs: 600_000 });
    await hears(a, LATER, 'Please hold');
    // Two wait; the queue is made smaller (as REST does): the new holder has room for one.
    const queue = b.runtime.queues.get(ACCOUNT_SID, 'support') as CallQueue;
    queue.maxSize = 1;
    await saveQueue(b.runtime.queues, queue);
    const down = new Promise<void>((resolve) => a.bus.once('node-down', () => resolve()));
    await c.kill(b);
    // On Redis the lease runs out in real time: the virtual clock must not run on meanwhile.
    await (kind === 'redis' ? c.clock.still(() => down) : down);
    await Promise.all([holdsOn(a, CALLER), hears(a, LATER, 'Queue result system-error')]);
    expect(a.runtime.queues.list()).toMatchObject([
      { sid: queue.sid, friendlyName: 'support', currentSize: 1, maxSize: 1 },
    ]);
    expect(
      c.app.requestsTo('/queue-done').map((r) => [r.params.CallSid, r.params.QueueResult, r.params.QueueSid]),
    ).toEqual([[later, 'system-error', queue.sid]]);
    expect(heard(a, CALLER)).not.toContain('heard-speech "Queue result system-error" (voice man, en-US)');
    expect(a.runtime.calls.get(caller)?.status).toBe('in-progress');
  });

  it('a holder that dies: its callers on two other nodes move to the new holder, same QueueSid, in their order; an agent takes the first', async () => {
    await using c = await cluster();
    const [a, b, cc] = c.nodes as [Node, Node, Node];
    // A busier than C (and B holding the queue): after B, the queue goes to C, where the second
    // caller moves at once, the first over the bus; the order comes from when each joined.
    a.ringIn(BUSY, { hangupAfterMs: 600_000 });
    await hears(a, BUSY, 'Busy');
    const first = a.ringIn(CALLER, {
      hangupAfterMs: 600_000,
      script: [
        { type: 'pause', ms: 60_000 },
        { type: 'say', text: 'caller speaking' },
      ],
    });
    await hears(a, CALLER, 'Please hold');
    const second = cc.ringIn(LATER, { hangupAfterMs: 600_000 });
    await hears(cc, LATER, 'Please hold');
    const [queue] = b.runtime.queues.list();
    expect(queue).toMatchObject({ friendlyName: 'support', currentSize: 2 });
    const down = new Promise<void>((resolve) => a.bus.once('node-down', () => resolve()));
    await c.kill(b);
    await (kind === 'redis' ? c.clock.still(() => down) : down);
    // Each caller's wait goes on (its next wait document, not the Enqueue action), asked of the new holder.
    await Promise.all([holdsOn(a, CALLER), holdsOn(cc, LATER)]);
    const holder = [a, cc].find((node) => node.runtime.queues.list().length > 0);
    expect(holder?.id).toBe('node-c');
    expect(holder?.runtime.queues.list()).toMatchObject([{ sid: queue?.sid, currentSize: 2 }]);
    expect(
      holder?.runtime.queues
        .get(ACCOUNT_SID, 'support')
        ?.waiting()
        .map((m) => m.callSid),
    ).toEqual([first, second]);
    expect(new Set(c.app.requestsTo('/wait').map((r) => r.params.QueueSid))).toEqual(new Set([queue?.sid]));
    expect(c.app.requestsTo('/queue-done')).toEqual([]);

    const agent = cc.ringIn(AGENT, {
      hangupAfterMs: 60_000,
      script: [
        { type: 'pause', ms: 10_000 },
        { type: 'say', text: 'agent speaking' },
      ],
    });
    await hears(a, CALLER, 'agent speaking');
    await cc.runtime.calls.ended(agent);
    await cc.runtime.callbacks.drain();
    expect(c.app.requestsTo('/agent-done')[0]?.params).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: first,
    });
    expect(heard(a, CALLER)).toContain('heard-speech "An agent will take your call now" (voice man, en-US)');
    // The first caller's Enqueue resumes once the agent's bridge is over, on its node.
    await hears(a, CALLER, 'Queue result bridged');
    expect(c.app.requestsTo('/queue-done')[0]?.params).toMatchObject({ QueueResult: 'bridged', QueueSid: queue?.sid });
    expect(
      holder?.runtime.queues
        .get(ACCOUNT_SID, 'support')
        ?.waiting()
        .map((m) => m.callSid),
    ).toEqual([second]);
  });

  it('an agent waiting at a holder that dies waits on at the new holder and takes the caller who comes there', async () => {
    await using c = await cluster();
    const [a, b, cc] = c.nodes as [Node, Node, Node];
    // The agent's call runs on A: the queue goes to B; after B, wherever it is placed, the caller comes to it.
    const agent = a.ringIn(AGENT, {
      hangupAfterMs: 120_000,
      script: [
        { type: 'pause', ms: 30_000 },
        { type: 'say', text: 'agent speaking' },
      ],
    });
    // As the agent-first test does: 3 s on the virtual clock and the agent waits at the holder.
    await new Promise<void>((resolve) => c.clock.setTimer(resolve, 3000));
    expect(b.runtime.queues.list()).toMatchObject([{ friendlyName: 'support', currentSize: 0 }]);
    const down = new Promise<void>((resolve) => a.bus.once('node-down', () => resolve()));
    await c.kill(b);
    await (kind === 'redis' ? c.clock.still(() => down) : down);
    const caller = cc.ringIn(CALLER, { hangupAfterMs: 600_000 });
    await hears(cc, CALLER, 'agent speaking');
    await a.runtime.calls.ended(agent);
    await a.runtime.callbacks.drain();
    expect(c.app.requestsTo('/agent-done')[0]?.params).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: caller,
    });
  }, 15_000);

  it("the caller's call ended during the bridge ends the agent's; the agent's node dying resumes the caller's Enqueue", async () => {
    await using c = await cluster();
    const [a, , cc] = c.nodes as [Node, Node, Node];
    const caller = a.ringIn(CALLER, { hangupAfterMs: 600_000 });
    await hears(a, CALLER, 'Please hold');
    const agent = cc.ringIn(AGENT, { hangupAfterMs: 600_000 });
    await hears(a, CALLER, 'An agent will take your call now');
    await a.runtime.calls.update(caller, { status: 'completed' });
    expect((await cc.runtime.calls.ended(agent)).status).toBe('completed');
    await cc.runtime.callbacks.drain();
    expect(c.app.requestsTo('/agent-done')[0]?.params).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: caller,
    });

    const again = a.ringIn(LATER, { hangupAfterMs: 600_000 });
    await hears(a, LATER, 'Please hold');
    cc.ringIn(AGENT, { hangupAfterMs: 600_000 });
    await hears(a, LATER, 'An agent will take your call now');
    const down = new Promise<void>((resolve) => a.bus.once('node-down', () => resolve()));
    await c.kill(cc);
    await (kind === 'redis' ? c.clock.still(() => down) : down);
    await hears(a, LATER, 'Queue result bridged');
    expect(a.runtime.calls.get(again)?.status).toBe('in-progress');
  });
});
