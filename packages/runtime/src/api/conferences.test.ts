import { afterEach, describe, expect, it } from 'vitest';
import { roomWhen } from '../conference/when.test-support.js';
import { type ApiHarness, rejected, startApiHarness } from './harness.test-support.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

const ALICE = '+15550201001';
const BOB = '+15550201002';
const CAROL = '+15550201003';
const FROM = '+15550200000';
const ROOM = (name: string) =>
  `<Response><Dial><Conference statusCallback="STATUS" statusCallbackEvent="join leave mute hold modify end">${name}</Conference></Dial></Response>`;

async function setup() {
  const harness = await startApiHarness({
    routes: { '/conf-status': () => '', '/announce': () => '<Response><Say>Hi all</Say></Response>' },
    setup: (network) => {
      for (const number of [ALICE, BOB, CAROL]) network.addNumber(number, { ringMs: 10 });
    },
  });
  harnesses.push(harness);
  return harness;
}

async function roomOfTwo(harness: ApiHarness, name = 'standup') {
  const { client, app } = harness;
  const twiml = ROOM(name).replace('STATUS', `${app.url}/conf-status`);
  const both = roomWhen(harness.runtime.events, (room) => room.participants.length === 2);
  const alice = await client.calls.create({ to: ALICE, from: FROM, twiml });
  const bob = await client.calls.create({ to: BOB, from: FROM, twiml });
  const room = await both;
  return { room, alice: alice.sid, bob: bob.sid };
}

describe('Conferences and Participants with the official client', () => {
  it('lists and fetches a room made through calls, with its participants', async () => {
    const harness = await setup();
    const { client } = harness;
    const { room, alice, bob } = await roomOfTwo(harness);

    const listed = await client.conferences.list({ status: 'in-progress' });
    expect(listed.map((c) => [c.sid, c.friendlyName, c.status])).toEqual([[room.sid, 'standup', 'in-progress']]);
    expect(await client.conferences.list({ friendlyName: 'other' })).toEqual([]);
    const fetched = await client.conferences(room.sid).fetch();
    expect(fetched.friendlyName).toBe('standup');

    const participants = await client.conferences(room.sid).participants.list();
    expect(participants.map((p) => p.callSid).sort()).toEqual([alice, bob].sort());
    expect(participants[0]).toMatchObject({ conferenceSid: room.sid, muted: false, hold: false, status: 'connected' });
    expect((await client.conferences(room.sid).participants(alice).fetch()).callSid).toBe(alice);
  });

  it('mutes, holds and kicks participants; the last kick ends the room', async () => {
    const harness = await setup();
    const { client, app, runtime } = harness;
    const { room, alice, bob } = await roomOfTwo(harness);

    const muted = await client.conferences(room.sid).participants(alice).update({ muted: true });
    expect(muted.muted).toBe(true);
    expect((await client.conferences(room.sid).participants.list({ muted: true })).map((p) => p.callSid)).toEqual([
      alice,
    ]);
    const held = await client.conferences(room.sid).participants(bob).update({ hold: true });
    expect(held.hold).toBe(true);
    const modified = await client.conferences(room.sid).participants(bob).update({ endConferenceOnExit: true });
    expect(modified.endConferenceOnExit).toBe(true);

    const ended = roomWhen(harness.runtime.events, (r) => r.status === 'completed');
    expect(await client.conferences(room.sid).participants(bob).remove()).toBe(true);
    const after = await ended;
    expect(after.reasonEnded).toBe('participant-with-end-conference-on-exit-kicked');
    await runtime.callbacks.drain();
    expect(app.requestsTo('/conf-status').map((r) => r.params.StatusCallbackEvent)).toEqual(
      expect.arrayContaining([
        'participant-mute',
        'participant-hold',
        'participant-modify',
        'participant-leave',
        'conference-end',
      ]),
    );
    const fetched = await client.conferences(room.sid).fetch();
    expect(fetched).toMatchObject({ status: 'completed', reasonConferenceEnded: after.reasonEnded });
    expect(fetched.callSidEndingConference).toBe(bob);
    expect(await client.conferences(room.sid).participants.list()).toEqual([]);
    expect((await rejected(client.conferences(room.sid).participants(alice).fetch())).status).toBe(404);
  });

  it('adds a participant by dialing out, addressed by label', async () => {
    const harness = await setup();
    const { client } = harness;
    const { room } = await roomOfTwo(harness);
    const three = roomWhen(harness.runtime.events, (r) => r.participants.length === 3);
    const added = await client.conferences(room.sid).participants.create({
      from: FROM,
      to: CAROL,
      label: 'carol',
      muted: true,
    });
    expect(added).toMatchObject({ status: 'queued', label: 'carol', muted: true, conferenceSid: room.sid });
    expect(added.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    await three;
    const carol = await client.conferences(room.sid).participants('carol').fetch();
    expect(carol).toMatchObject({ callSid: added.callSid, muted: true, label: 'carol' });
    expect((await client.calls(added.callSid).fetch()).to).toBe(CAROL);

    const invalid = await rejected(
      client.conferences(room.sid).participants.create({ from: FROM, to: CAROL, coaching: true }),
    );
    expect(invalid).toMatchObject({ status: 400, code: 21200 });
    expect(invalid.message).toContain('CallSidToCoach');
  });

  it('ends a room by request and refuses changes afterwards', async () => {
    const harness = await setup();
    const { client } = harness;
    const { room } = await roomOfTwo(harness);
    const ended = await client.conferences(room.sid).update({ status: 'completed' });
    expect(ended).toMatchObject({ status: 'completed', reasonConferenceEnded: 'conference-ended-via-api' });
    const again = await rejected(client.conferences(room.sid).update({ announceUrl: 'https://example.com/a.xml' }));
    expect(again).toMatchObject({ status: 400, code: 21220 });
    expect((await client.conferences.list({ status: 'completed' })).map((c) => c.sid)).toEqual([room.sid]);
  });

  it('keeps one account’s rooms invisible to another', async () => {
    const harness = await setup();
    const { client, clientFor } = harness;
    const { room } = await roomOfTwo(harness);
    const sub = await client.api.v2010.accounts.create({ friendlyName: 'Tenant' });
    const other = clientFor(sub.sid, sub.authToken);
    expect(await other.conferences.list()).toEqual([]);
    expect((await rejected(other.conferences(room.sid).fetch())).status).toBe(404);
    expect((await rejected(other.conferences(room.sid).update({ status: 'completed' }))).status).toBe(404);
    expect((await client.conferences(room.sid).fetch()).status).toBe('in-progress');
  });
});

describe('a participant added to a room by its name', () => {
  it('makes the room when nobody has dialed in, joins later ones to it, and ends it if nobody came', async () => {
    const harness = await startApiHarness({
      routes: { '/conf-status': () => '' },
      setup: (network) => {
        network.addNumber(ALICE, { ringMs: 10 });
        network.addNumber(BOB, { ringMs: 10 });
        network.addNumber(CAROL, { onCall: 'busy', ringMs: 10 });
      },
    });
    harnesses.push(harness);
    const { client, app, runtime } = harness;
    const joined = roomWhen(harness.runtime.events, (room) => room.participants.length === 2);
    const first = await client.conferences('Sales sync').participants.create({
      from: FROM,
      to: ALICE,
      conferenceStatusCallback: `${app.url}/conf-status`,
      conferenceStatusCallbackEvent: ['join'],
    });
    expect(first.conferenceSid).toMatch(/^CF[0-9a-f]{32}$/);
    const second = await client.conferences('Sales sync').participants.create({ from: FROM, to: BOB });
    expect(second.conferenceSid).toBe(first.conferenceSid);
    const room = await joined;
    expect(room).toMatchObject({ sid: first.conferenceSid, friendlyName: 'Sales sync' });
    await runtime.callbacks.drain();
    expect(app.requestsTo('/conf-status').map((r) => r.params.StatusCallbackEvent)).toEqual([
      'participant-join',
      'participant-join',
    ]);

    const nobody = await client.conferences('Empty room').participants.create({ from: FROM, to: CAROL });
    await runtime.calls.ended(nobody.callSid);
    expect((await client.conferences(nobody.conferenceSid).fetch()).status).toBe('completed');
    const invalid = await rejected(client.conferences('Other').participants.create({ from: FROM, to: '' }));
    expect(invalid).toMatchObject({ status: 400, code: 21201 });
    // The room made for the refused request is not left waiting.
    expect(runtime.conferences.list({ friendlyName: 'Other' }).map((r) => r.status)).toEqual(['completed']);
  });
});
