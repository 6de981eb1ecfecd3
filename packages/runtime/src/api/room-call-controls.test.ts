/**
 * The organizer's controls on a room call over REST (docs/rooms.md): the organizer's phone rung
 * first and the others once it answered; add, mute, unmute and remove one; end (participants
 * first, the organizer last); the organizer hanging up; a room that cannot be deleted meanwhile.
 */
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import type { ConferenceSnapshot } from '../conference/conference.js';
import { runCommand } from '../rooms/call/commands.js';
import { RoomCalls } from '../rooms/call/engine.js';
import type { RoomRecord } from '../rooms/records.js';
import { Serial } from '../rooms/serial.js';
import { callAccount } from './auth.js';
import { type ApiHarness, harnessPerTest, officialClient } from './harness.test-support.js';
import { inRoom, pauseWhen, roomWith, roster } from './room-calls.test-support.js';
import { roomsRequest } from './rooms.test-support.js';
import { otherAccount } from './simulator.test-support.js';

const startHarness = harnessPerTest();

const OLGA = '+15550300001';
const ANN = '+15550300002';
const BOB = '+15550300003';
const CID = '+15550300004';
const PRESS_1 = { inputs: [{ digits: '1' }] };

async function organizerAndThree(harness: ApiHarness, settings: Record<string, string> = {}) {
  return roomWith(
    harness,
    [
      { name: 'Olga', phone: OLGA, role: 'organizer' },
      { name: 'Ann', phone: ANN, behaviour: PRESS_1 },
      { name: 'Bob', phone: BOB, behaviour: PRESS_1 },
      { name: 'Cid', phone: CID, behaviour: PRESS_1 },
    ],
    settings,
  );
}

const partyOf = (harness: ApiHarness, number: string) => harness.network.parties.find((p) => p.address === number);

describe('room call controls', () => {
  it("rings the organizer's phone first and the others once the organizer answered", async () => {
    const clock = new VirtualClock();
    const harness = await startHarness({ clock, networkClock: clock });
    const room = await organizerAndThree(harness);
    // Time stands still while the call is changed with Olga's phone still ringing.
    const held = clock.hold();
    const started = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, {
      Members: [room.members.Ann as string, room.members.Bob as string],
      OrganizerPhone: 'true',
    });
    expect(started.status).toBe(201);
    const states = Object.fromEntries(
      (started.json.participants as Array<{ display_name: string; state: string; call_sid: string | null }>).map(
        (row) => [row.display_name, [row.state, row.call_sid === null]],
      ),
    );
    expect(states).toEqual({ Olga: ['ringing', false], Ann: ['waiting', true], Bob: ['waiting', true] });
    expect(harness.runtime.calls.list().map((call) => call.to)).toEqual([OLGA]);
    // Cid added and Bob removed while Olga is rung: Ann and Cid wait, then are rung once she answered.
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call/Participants`, { Members: room.members.Cid as string });
    const unqueued = await roomsRequest(harness, 'DELETE', `Rooms/${room.sid}/Call/Participants/${room.members.Bob}`);
    const rows = unqueued.json.participants as Array<{ display_name: string; state: string }>;
    expect(rows.map((p) => [p.display_name, p.state])).toEqual([
      ['Olga', 'ringing'],
      ['Ann', 'waiting'],
      ['Cid', 'waiting'],
    ]);
    expect(harness.runtime.calls.list().map((call) => call.to)).toEqual([OLGA]);
    held();
    const release = await pauseWhen(harness, clock, () => inRoom(harness) === 3);
    const { byName } = await roster(harness, room.sid);
    release();
    expect([byName.Olga?.state, byName.Ann?.state, byName.Cid?.state]).toEqual(['joined', 'joined', 'joined']);
    expect(harness.runtime.calls.list().some((call) => call.to === BOB)).toBe(false);
    const olgaAnswered = harness.runtime.calls.get(byName.Olga?.call_sid as string)?.startedAt as number;
    const annCall = harness.runtime.calls.get(byName.Ann?.call_sid as string);
    expect(olgaAnswered).toBeGreaterThan(0);
    expect(annCall?.createdAt).toBeGreaterThan(olgaAnswered);
    expect(partyOf(harness, OLGA)?.lines().join('\n')).toContain('Connecting you to Book club. Ringing 2 members.');
  });

  it('adds, mutes, unmutes and removes one, then ends: participants first, the organizer last', async () => {
    const clock = new VirtualClock();
    const harness = await startHarness({ clock, networkClock: clock });
    const room = await organizerAndThree(harness);
    const call = `Rooms/${room.sid}/Call`;
    await roomsRequest(harness, 'POST', call, { Members: [room.members.Ann as string, room.members.Bob as string] });
    let release = await pauseWhen(harness, clock, () => inRoom(harness) === 3);

    const muted = await roomsRequest(harness, 'POST', `${call}/Participants/${room.members.Ann}`, { Muted: 'true' });
    expect(muted.status).toBe(200);
    expect((await roster(harness, room.sid)).byName.Ann?.muted).toBe(true);
    await roomsRequest(harness, 'POST', `${call}/Participants/${room.members.Ann}`, { Muted: 'false' });
    expect((await roster(harness, room.sid)).byName.Ann?.muted).toBe(false);
    const notThere = await roomsRequest(harness, 'POST', `${call}/Participants/${room.members.Cid}`, { Muted: 'true' });
    expect([notThere.status, notThere.json.code]).toEqual([404, 91111]);

    const added = await roomsRequest(harness, 'POST', `${call}/Participants`, { Members: room.members.Cid as string });
    expect(added.status).toBe(200);
    expect((await roster(harness, room.sid)).byName.Cid?.state).toBe('ringing');
    release();
    release = await pauseWhen(harness, clock, () => inRoom(harness) === 4);
    expect((await roster(harness, room.sid)).byName.Cid?.state).toBe('joined');

    await roomsRequest(harness, 'DELETE', `${call}/Participants/${room.members.Bob}`);
    expect((await roster(harness, room.sid)).byName.Bob?.state).toBe('left');
    expect(inRoom(harness)).toBe(3);

    const leaving: string[][] = [];
    const watch = (snapshot: ConferenceSnapshot) => leaving.push(snapshot.participants.map((p) => p.callSid));
    harness.runtime.events.on('conference.updated', watch);
    const ended = await roomsRequest(harness, 'POST', call, { Status: 'completed' });
    harness.runtime.events.off('conference.updated', watch);
    release();
    expect([ended.status, ended.json.status, ended.json.end_reason]).toEqual([200, 'completed', 'ended-by-request']);
    const { byName } = await roster(harness, room.sid);
    const olga = byName.Olga?.call_sid as string;
    // Everyone else had gone by the time the organizer left.
    expect(leaving.find((left) => left.length === 1)).toEqual([olga]);
    const again = await roomsRequest(harness, 'POST', `${call}/Participants`, { Members: room.members.Ann as string });
    expect([again.status, again.json.code]).toEqual([404, 91110]);
  });

  // One harness per case: in cluster mode the harnesses of one test share a database, where the
  // room's number can belong to one account only.
  it.each([true, false])(
    'ends when the organizer hangs up, unless the room says otherwise (%s)',
    async (endWhenOrganizerLeaves) => {
      const clock = new VirtualClock();
      const harness = await startHarness({ clock, networkClock: clock });
      const room = await organizerAndThree(harness, { EndWhenOrganizerLeaves: String(endWhenOrganizerLeaves) });
      await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, {
        Members: [room.members.Ann as string, room.members.Bob as string],
      });
      let release = await pauseWhen(harness, clock, () => inRoom(harness) === 3);
      harness.network.hangUp(partyOf(harness, OLGA) as never);
      release();
      release = await pauseWhen(harness, clock, () => inRoom(harness) !== 3);
      const { json, byName } = await roster(harness, room.sid);
      release();
      expect(byName.Olga?.state).toBe('left');
      if (endWhenOrganizerLeaves) {
        expect([json.status, json.end_reason]).toEqual(['completed', 'organizer-left']);
        expect(harness.runtime.conferences.list({ status: 'in-progress' })).toEqual([]);
      } else {
        expect(json.status).toBe('in-progress');
        expect([byName.Ann?.state, byName.Bob?.state]).toEqual(['joined', 'joined']);
      }
    },
  );

  it('refuses to start a second call or delete the room while one runs; the room shows it', async () => {
    const clock = new VirtualClock();
    const harness = await startHarness({ clock, networkClock: clock });
    const room = await organizerAndThree(harness);
    const none = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Call`);
    expect([none.status, none.json.code]).toEqual([404, 91110]);
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
    const release = await pauseWhen(harness, clock, () => inRoom(harness) === 4);
    const second = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
    expect([second.status, second.json.code]).toEqual([409, 91109]);
    const deleted = await roomsRequest(harness, 'DELETE', `Rooms/${room.sid}`);
    expect([deleted.status, deleted.json.code]).toEqual([409, 91102]);
    expect((await roomsRequest(harness, 'GET', `Rooms/${room.sid}`)).json.call_in_progress).toBe(true);
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Status: 'completed' });
    release();
    expect((await roomsRequest(harness, 'GET', `Rooms/${room.sid}`)).json.call_in_progress).toBe(false);
    expect((await roomsRequest(harness, 'DELETE', `Rooms/${room.sid}`)).status).toBe(204);
  });

  it('a start that gets its turn after the room was deleted finds no room, and rings nobody', async () => {
    const harness = await startHarness();
    const room = await organizerAndThree(harness);
    const record = (await harness.store.get<RoomRecord>('room', harness.account.sid, room.sid)) as RoomRecord;
    expect((await roomsRequest(harness, 'DELETE', `Rooms/${room.sid}`)).status).toBe(204);
    // The start read the room before the deletion and runs its command after it (the room's turn).
    const engine = new RoomCalls(harness.runtime);
    const deps = { engine, runtime: harness.runtime, store: harness.store, serial: new Serial() };
    const start = { type: 'start', members: 'all' } as const;
    const error = await runCommand(deps, record, callAccount(harness.account), start).catch((e: unknown) => e);
    engine.close();
    expect(error).toMatchObject({ status: 404, code: 20404 });
    expect(harness.runtime.calls.list()).toEqual([]);
  });

  it('posts room events to the status callback, signed like every webhook', async () => {
    const clock = new VirtualClock();
    const harness = await startHarness({ clock, networkClock: clock, routes: { '/room-events': () => '' } });
    const room = await organizerAndThree(harness, { StatusCallback: `${harness.app.url}/room-events` });
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Members: room.members.Ann as string });
    const release = await pauseWhen(harness, clock, () => inRoom(harness) === 2);
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Status: 'completed' });
    release();
    await harness.runtime.callbacks.drain();
    const posted = harness.app.requestsTo('/room-events');
    const all = posted.map((r) => [r.params.StatusCallbackEvent, r.params.MemberSid ?? '', r.params.State ?? '']);
    // The four members added (room-updated), and the call's own events.
    expect(all.filter((event) => event[0] === 'room-updated')).toHaveLength(4);
    const events = all.filter((event) => event[0] !== 'room-updated');
    expect(events[0]).toEqual(['call-started', '', '']);
    expect(events).toContainEqual(['member-updated', room.members.Ann, 'joined']);
    expect(events.at(-1)?.[0]).toBe('call-ended');
    for (const request of posted) {
      const signature = String(request.headers['x-twilio-signature']);
      expect(twilio.validateRequest(harness.account.authToken, signature, request.url, request.params)).toBe(true);
    }
  });

  it("gives a call the room did not ring nothing from the room's documents", async () => {
    const clock = new VirtualClock();
    const redirect = { to: '' };
    const harness = await startHarness({
      clock,
      networkClock: clock,
      routes: { '/voice': () => `<Response><Redirect>${redirect.to}</Redirect></Response>` },
    });
    const room = await organizerAndThree(harness);
    await harness.client.incomingPhoneNumbers.create({
      phoneNumber: '+15550300999',
      voiceUrl: `${harness.app.url}/voice`,
    });
    const started = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, {
      Members: room.members.Ann as string,
    });
    let release = await pauseWhen(harness, clock, () => inRoom(harness) === 2);
    release();
    redirect.to = `https://rooms.patchbay.invalid/${room.sid}/${started.json.sid}/join?key=${room.members.Ann}`;
    const intruder = harness.network.call({ from: '+15550300998', to: '+15550300999' });
    await intruder.heard((entry) => JSON.stringify(entry).includes('application error'));
    release = await pauseWhen(harness, clock, () => true);
    const { byName } = await roster(harness, room.sid);
    release();
    expect(inRoom(harness)).toBe(2);
    expect(Object.keys(byName)).toEqual(['Olga', 'Ann']);
    const intruderCall = harness.runtime.calls.list().find((call) => call.from === '+15550300998');
    expect(intruderCall?.errors[0]).toMatchObject({ code: 11200, url: redirect.to });

    // Another account's call, even one naming the member's own call, finds no room there.
    const other = await otherAccount(harness);
    const client = officialClient(harness.base, other.sid, other.authToken);
    await client.incomingPhoneNumbers.create({ phoneNumber: '+15550300997', voiceUrl: `${harness.app.url}/voice` });
    const stranger = harness.network.call({ from: '+15550300996', to: '+15550300997' });
    await stranger.heard((entry) => JSON.stringify(entry).includes('application error'));
    const strangerCall = harness.runtime.calls.list().find((call) => call.from === '+15550300996');
    expect(strangerCall?.accountSid).toBe(other.sid);
    expect(strangerCall?.errors[0]).toMatchObject({ code: 11200, url: redirect.to });
    expect(inRoom(harness)).toBe(2);
  });
});
