import { describe, expect, it } from 'vitest';
import { officialClient } from '../api/harness.test-support.js';
import type { ConferenceSnapshot } from '../conference/conference.js';
import { roomWhen } from '../conference/when.test-support.js';
import type { Route } from '../testing/app-server.js';
import type { BusKind } from './conferences.test-support.js';
import { type RestNode, restNodesPerTest } from './rest-nodes.test-support.js';

const ALICE = '+15550008001';
const BOB = '+15550008002';
const CAROL = '+15550008003';

const startNodes = restNodesPerTest();

const ROUTES: Record<string, Route> = {
  '/ops': () =>
    '<Response><Dial><Conference statusCallback="/conf" statusCallbackEvent="join leave mute hold">ops</Conference></Dial><Say>Back in the IVR</Say></Response>',
  '/conf': () => '',
};

/** Two nodes of one cluster on one store, each its own runtime, network and REST API. */
async function twoNodes(kind: BusKind) {
  const [a, b] = (await startNodes(kind, ['node-a', 'node-b'], {
    routes: ROUTES,
    routeByNumber: false,
    setup: (network) => {
      network.addNumber(ALICE, {});
      network.addNumber(BOB, {});
      network.addNumber(CAROL, {});
    },
  })) as [RestNode, RestNode];
  const { sid, authToken } = a.account;
  return {
    a: { cluster: a.cluster, harness: a },
    b: { cluster: b.cluster, harness: b },
    viaB: officialClient(b.base, sid, authToken),
  };
}

describe.each<BusKind>(['in-process', 'redis'])('conference control across nodes (%s bus)', (kind) => {
  it('mutes, holds, announces, lists, kicks and ends a room another node holds, answered as that node answers', async () => {
    const { a, b, viaB } = await twoNodes(kind);
    // Alice's call runs on A (A has a call, B none: the room goes to B); Bob's runs on B.
    const alice = await a.harness.client.calls.create({ to: ALICE, from: BOB, url: `${a.harness.app.url}/ops` });
    await roomWhen(b.harness.runtime.events, (room) => room.participants.length === 1);
    const bob = await viaB.calls.create({ to: BOB, from: ALICE, url: `${a.harness.app.url}/ops` });
    const started = await roomWhen(b.harness.runtime.events, (room) => room.status === 'in-progress');
    expect(a.harness.runtime.conferences.list()).toEqual([]);
    const client = a.harness.client; // node A, which does not hold the room
    const conference = client.conferences(started.sid);

    await expect.poll(async () => (await conference.fetch()).status).toBe('in-progress');
    const listed = await conference.participants.list();
    expect(listed.map((p) => p.callSid).sort()).toEqual([alice.sid, bob.sid].sort());
    const holdUrl = 'http://media.example/hold.mp3';
    const muted = await conference.participants(alice.sid).update({ muted: true, hold: true, holdUrl });
    expect(muted).toMatchObject({ callSid: alice.sid, muted: true, hold: true, conferenceSid: started.sid });
    const held = b.harness.runtime.conferences.get(started.sid) as ConferenceSnapshot;
    expect(held.participants.find((p) => p.callSid === alice.sid)).toMatchObject({ muted: true, hold: true });
    // The hold music the holder plays to her reaches her on A.
    await a.harness.network.heard(ALICE, (e) => e.type === 'heard-audio' && e.url === holdUrl);
    await conference.participants(alice.sid).update({ hold: false });
    await conference.update({ announceUrl: 'http://media.example/notice.mp3' });
    await a.harness.network.heard(
      ALICE,
      (e) => e.type === 'heard-audio' && e.url === 'http://media.example/notice.mp3',
    );
    await b.harness.network.heard(BOB, (e) => e.type === 'heard-audio' && e.url === 'http://media.example/notice.mp3');

    expect(await conference.participants(bob.sid).remove()).toBe(true);
    const ended = await conference.update({ status: 'completed' });
    expect(ended).toMatchObject({
      sid: started.sid,
      status: 'completed',
      reasonConferenceEnded: 'conference-ended-via-api',
    });
    // Alice's call, on A, goes on with its next verb.
    await a.harness.network.heard(ALICE, (e) => e.type === 'heard-speech' && e.text === 'Back in the IVR');
    const events = () =>
      a.harness.app
        .requestsTo('/conf')
        .map((r) => `${r.params.StatusCallbackEvent} ${r.params.CallSid === alice.sid ? 'alice' : 'bob'}`);
    await expect
      .poll(events)
      .toEqual([
        'participant-join alice',
        'participant-join bob',
        'participant-mute alice',
        'participant-hold alice',
        'participant-unhold alice',
        'participant-leave bob',
        'participant-leave alice',
      ]);
  });

  it("adds a participant by the room's name through a node that does not hold it: the holder dials", async () => {
    const { a, b } = await twoNodes(kind);
    await a.harness.client.calls.create({ to: ALICE, from: BOB, url: `${a.harness.app.url}/ops` });
    await roomWhen(b.harness.runtime.events, (room) => room.participants.length === 1);
    const two = roomWhen(b.harness.runtime.events, (room) => room.participants.length === 2);
    const added = await a.harness.client
      .conferences('ops')
      .participants.create({ to: CAROL, from: BOB, label: 'carol' });
    expect(added).toMatchObject({ label: 'carol', status: 'queued' });
    const room = await two;
    expect(room.participants.find((p) => p.callSid === added.callSid)).toMatchObject({ label: 'carol' });
    expect(b.harness.runtime.calls.get(added.callSid)?.to).toBe(CAROL);
    expect(a.harness.runtime.conferences.list()).toEqual([]);
  });
});
