import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomWhen } from '../conference/when.test-support.js';
import { ACCOUNT_SID, type BusKind, startCluster, type TestCluster } from './conferences.test-support.js';
import { conferenceKey } from './placement.js';
import { startRedis, type TestRedis } from './redis.test-support.js';
import { startProxy } from './redis-proxy.test-support.js';

const ALICE = '+15550005001';
const BOB = '+15550005002';
const CAROL = '+15550005003';

const conference = (attributes: string) =>
  `<Response><Dial><Conference statusCallback="/conf" statusCallbackEvent="start end join leave" ${attributes}>standup</Conference></Dial><Say>Back from the standup</Say></Response>`;

const routes = {
  '/voice': (req: { params: Record<string, string | string[]> }) =>
    conference(req.params.From === BOB ? 'endConferenceOnExit="true"' : ''),
  '/conf': () => '',
};

let redis: TestRedis | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.close());

const heard = (lines: readonly string[]) => lines.filter((line) => line.startsWith('heard-'));

type Node = TestCluster['nodes'][number];

/**
 * Alice calls `aliceOn` and waits in the room; Bob calls `bobOn`, presses 1 once in the room,
 * and his leaving ends it. Alice says something 5 s after answering. Returns what each heard.
 */
async function standup(aliceOn: Node, bobOn: Node, roomOn: Node) {
  const alice = aliceOn.ringIn(ALICE, {
    hangupAfterMs: 120_000,
    script: [
      { type: 'pause', ms: 5000 },
      { type: 'say', text: 'hello from alice' },
    ],
  });
  await roomWhen(roomOn.runtime.events, (room) => room.participants.length === 1);
  const bob = bobOn.ringIn(BOB, { hangupAfterMs: 20_000, script: [{ type: 'press', digits: '1' }] });
  await Promise.all([aliceOn.runtime.calls.ended(alice), bobOn.runtime.calls.ended(bob)]);
  await roomOn.runtime.callbacks.drain();
  return {
    alice,
    bob,
    aliceHeard: heard(aliceOn.network.party(ALICE)?.lines() ?? []),
    bobHeard: heard(bobOn.network.party(BOB)?.lines() ?? []),
  };
}

describe.each<BusKind>(['in-process', 'redis'])('conferences across nodes (%s bus)', (kind) => {
  const cluster = (ids?: string[]) =>
    startCluster(routes, kind, { ...(redis ? { redis } : {}), ...(ids ? { ids } : {}) });

  it('places the room on the least loaded node; a caller on another node hears and is heard as on one node', async () => {
    await using c = await cluster();
    const [a, b] = c.nodes as [Node, Node];
    // Alice calls node A: A has her call, B none, so the room goes to B.
    const split = await standup(a, b, b);
    expect(a.runtime.conferences.list()).toEqual([]);
    const [room] = b.runtime.conferences.list({ friendlyName: 'standup' });
    expect(room).toMatchObject({ status: 'completed', reasonEnded: 'participant-with-end-conference-on-exit-left' });
    const callbacks = c.app.requestsTo('/conf').map((r) => [r.params.StatusCallbackEvent, r.params.CallSid ?? '']);
    expect(callbacks).toEqual([
      ['participant-join', split.alice],
      ['participant-join', split.bob],
      ['conference-start', ''],
      ['participant-leave', split.bob],
      ['participant-leave', split.alice],
      ['conference-end', ''],
    ]);
    expect(a.runtime.calls.get(split.alice)).toMatchObject({ status: 'completed' });
    expect(split.aliceHeard).toContain('heard-digits 1');
    expect(split.aliceHeard.at(-1)).toBe('heard-speech "Back from the standup" (voice man, en-US)');
    expect(split.bobHeard).toContain('heard-speech "hello from alice"');

    // The same two callers on one node hear exactly the same.
    await using one = await cluster(['solo']);
    const [solo] = one.nodes as [Node];
    const together = await standup(solo, solo, solo);
    expect(split.aliceHeard).toEqual(together.aliceHeard);
    expect(split.bobHeard).toEqual(together.bobHeard);
  });

  it('a muted caller on another node is not heard; unmuted, it is', async () => {
    await using c = await cluster();
    const [a, b] = c.nodes as [Node, Node];
    const alice = a.ringIn(ALICE, {
      hangupAfterMs: 20_000,
      script: [
        { type: 'pause', ms: 5000 },
        { type: 'say', text: 'not for you' },
        { type: 'pause', ms: 5000 },
        { type: 'say', text: 'now you hear me' },
      ],
    });
    await roomWhen(b.runtime.events, (room) => room.participants.length === 1);
    b.ringIn(BOB, { hangupAfterMs: 30_000 });
    const room = await roomWhen(b.runtime.events, (room) => room.status === 'in-progress');
    await b.runtime.conferences.participants.update(room.sid, alice, { muted: true });
    c.clock.setTimer(() => void b.runtime.conferences.participants.update(room.sid, alice, { muted: false }), 8000);
    await a.runtime.calls.ended(alice);
    const bob = heard(b.network.party(BOB)?.lines() ?? []);
    expect(bob).toContain('heard-speech "now you hear me"');
    expect(bob).not.toContain('heard-speech "not for you"');
  });

  it('a room whose node died is gone: its callers elsewhere go on with their next verb, and the name starts afresh', async () => {
    await using c = await cluster();
    const [a, b] = c.nodes as [Node, Node];
    const alice = a.ringIn(ALICE, { hangupAfterMs: 600_000 });
    await roomWhen(b.runtime.events, (room) => room.participants.length === 1);
    b.ringIn(BOB, { hangupAfterMs: 600_000 });
    await roomWhen(b.runtime.events, (room) => room.status === 'in-progress');
    const down = nodeDown(c, a);
    await c.kill(b);
    await down;
    await a.network.heard(ALICE, (entry) => entry.type === 'heard-speech' && entry.text === 'Back from the standup');
    expect(a.runtime.calls.get(alice)?.status).toBe('in-progress');
    // The next caller starts the room again, on the node that is left.
    const carol = a.ringIn(CAROL, { hangupAfterMs: 600_000 });
    const room = await roomWhen(a.runtime.events, (room) => room.participants.some((p) => p.callSid === carol));
    expect(room).toMatchObject({ friendlyName: 'standup', status: 'init' });
  });

  it('a caller whose node died leaves the room as a caller who hung up', async () => {
    await using c = await cluster();
    const [a, b] = c.nodes as [Node, Node];
    const alice = a.ringIn(ALICE, { hangupAfterMs: 600_000 });
    await roomWhen(b.runtime.events, (room) => room.participants.length === 1);
    const bob = b.ringIn(BOB, { hangupAfterMs: 600_000 });
    await roomWhen(b.runtime.events, (room) => room.status === 'in-progress');
    const alone = roomWhen(b.runtime.events, (room) => room.participants.length === 1);
    const down = nodeDown(c, b);
    await c.kill(a);
    await down;
    const room = await alone;
    expect(room.participants.map((p) => p.callSid)).toEqual([bob]);
    expect(room.status).toBe('in-progress');
    await b.runtime.callbacks.drain();
    const leaves = c.app.requestsTo('/conf').filter((r) => r.params.StatusCallbackEvent === 'participant-leave');
    expect(leaves.map((r) => r.params.CallSid)).toEqual([alice]);
  });
});

describe.each<BusKind>(['in-process', 'redis'])('a caller back in a room on another node (%s bus)', (kind) => {
  it("leaves with * and dials the same room again: the second seat is its own, not ended by the first one's leaving", async () => {
    const again = {
      '/voice': (req: { params: Record<string, string | string[]> }) =>
        req.params.From === ALICE
          ? '<Response><Dial hangupOnStar="true"><Conference>standup</Conference></Dial><Dial><Conference>standup</Conference></Dial><Say>Out again</Say></Response>'
          : conference(''),
      '/conf': () => '',
    };
    await using c = await startCluster(again, kind, redis ? { redis } : {});
    const [a, b] = c.nodes as [Node, Node];
    const alice = a.ringIn(ALICE, { hangupAfterMs: 600_000, script: [{ type: 'press', digits: '*' }] });
    await roomWhen(b.runtime.events, (room) => room.participants.length === 1);
    b.ringIn(BOB, { hangupAfterMs: 600_000 });
    const left = await roomWhen(
      b.runtime.events,
      (room) => room.participants.length === 1 && room.status === 'in-progress',
    );
    expect(left.participants.map((p) => p.callSid)).not.toContain(alice);
    const back = await roomWhen(b.runtime.events, (room) => room.participants.length === 2);
    expect(back.participants.map((p) => p.callSid)).toContain(alice);
    // A minute later Alice is still in the room: nothing stale took her out.
    const later = c.clock.now() + 60_000;
    await new Promise<void>((resolve) => c.clock.setTimer(resolve, 60_000));
    expect(c.clock.now()).toBeGreaterThanOrEqual(later);
    expect(b.runtime.conferences.list({ status: 'in-progress' })[0]?.participants.map((p) => p.callSid)).toContain(
      alice,
    );
    expect(a.network.party(ALICE)?.lines()).not.toContain('heard-speech "Out again" (voice man, en-US)');
  });
});

describe('a holder cut off from the bus (redis bus)', () => {
  it('loses its callers on other nodes, who go on; the name is placed elsewhere, and the holder never takes it back', async () => {
    const proxy = await startProxy((redis as TestRedis).port);
    try {
      await using c = await startCluster(routes, 'redis', {
        ...(redis ? { redis } : {}),
        redisUrls: { 'node-b': proxy.url },
      });
      const [a, b] = c.nodes as [Node, Node];
      const alice = a.ringIn(ALICE, { hangupAfterMs: 600_000 });
      await roomWhen(b.runtime.events, (room) => room.participants.length === 1);
      const bob = b.ringIn(BOB, { hangupAfterMs: 600_000 });
      await roomWhen(b.runtime.events, (room) => room.status === 'in-progress');
      const onlyBob = roomWhen(b.runtime.events, (room) => room.participants.length === 1);
      const cutOff = new Promise<void>((resolve) => b.bus.once('partitioned', resolve));
      const down = new Promise<void>((resolve) => a.bus.once('node-down', () => resolve()));
      proxy.cut();
      await c.clock.still(() => Promise.all([cutOff, down]));
      expect((await onlyBob).participants.map((p) => p.callSid)).toEqual([bob]);
      await a.network.heard(ALICE, (entry) => entry.type === 'heard-speech' && entry.text === 'Back from the standup');
      expect(a.runtime.calls.get(alice)?.status).toBe('in-progress');

      // Later than B's room: their renewals do not fall on the same instants.
      await new Promise<void>((resolve) => c.clock.setTimer(resolve, 1500));
      const carol = a.ringIn(CAROL, { hangupAfterMs: 600_000 });
      await roomWhen(a.runtime.events, (room) => room.participants.some((p) => p.callSid === carol));
      const rejoined = new Promise<void>((resolve) => b.bus.once('rejoined', resolve));
      proxy.restore();
      await c.clock.still(() => rejoined);
      // B's room (Bob is still in it) goes on renewing its key: the name stays with A throughout.
      const holders = new Set<string | undefined>();
      for (let second = 0; second < 20; second++) {
        await new Promise<void>((resolve) => c.clock.setTimer(resolve, 1000));
        holders.add(await a.bus.getKey(conferenceKey(ACCOUNT_SID, 'standup')));
      }
      expect([...holders]).toEqual(['node-a']);
    } finally {
      await proxy.close();
    }
  });
});

/** Resolves when `node` hears that another node is down (time stands still meanwhile on Redis, whose lease is real time). */
function nodeDown(c: TestCluster, node: Node): Promise<void> {
  const heard = new Promise<void>((resolve) => node.bus.once('node-down', () => resolve()));
  return node.bus.kind === 'redis' ? c.clock.still(() => heard) : heard;
}
