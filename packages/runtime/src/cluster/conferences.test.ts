import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomWhen } from '../conference/when.test-support.js';
import { type BusKind, startCluster, type TestCluster } from './conferences.test-support.js';
import { startRedis, type TestRedis } from './redis.test-support.js';

const ALICE = '+15550005001';
const BOB = '+15550005002';

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
async function standup(c: TestCluster, aliceOn: Node, bobOn: Node, roomOn: Node) {
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
    const split = await standup(c, a, b, b);
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
    const together = await standup(one, solo, solo, solo);
    expect(split.aliceHeard).toEqual(together.aliceHeard);
    expect(split.bobHeard).toEqual(together.bobHeard);
  });
});
