/**
 * The room's chat by text (docs/rooms.md, Chat): a member who texts the room's number reaches
 * every other member (SMS, and the app event), during a call too, with media passed on; only from
 * a verified number: an unverified member's texts are held and answered with how to verify, and
 * replying with the code releases them. Verification over REST with every failure; strangers and
 * members who opted out reach nobody.
 */
import { AccessToken, RoomsGrant } from '@patchbay/sdk';
import type { RoomChatMessage } from '@patchbay/sdk/client';
import { expect, it } from 'vitest';
import { deviceFor, newKey, until } from '../bridge/devices.test-support.js';
import { VirtualClock } from '../clock/virtual.js';
import { type ApiHarness, harnessPerTest } from './harness.test-support.js';
import { ROOM_NUMBER, roomWith } from './room-calls.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const [OLGA, ANN, BOB, STRANGER] = ['+15550630001', '+15550630002', '+15550630003', '+15550630099'];
const MINUTE = 60_000;

async function setup() {
  const clock = new VirtualClock(Date.now());
  const harness = await startHarness({ clock, networkClock: clock, devices: { heartbeatMs: 3_600_000 } });
  const room = await roomWith(harness, [
    { name: 'Olga', phone: OLGA, identity: 'olga', role: 'organizer' },
    { name: 'Ann', phone: ANN },
    { name: 'Bob', phone: BOB },
  ]);
  const m = room.members as Record<'Olga' | 'Ann' | 'Bob', string>;
  return { clock, harness, room, m };
}

/** A text to the room's number through the Simulator: the replies, as [to, body]. */
async function text(harness: ApiHarness, from: string, body: string, media: string[] = []) {
  const auth = Buffer.from(`${harness.account.sid}:${harness.account.authToken}`).toString('base64');
  const form = new URLSearchParams({ To: ROOM_NUMBER, From: from, Body: body });
  for (const url of media) form.append('MediaUrl', url);
  const response = await fetch(`${harness.base}/2010-04-01/Accounts/${harness.account.sid}/Simulator/Messages.json`, {
    method: 'POST',
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  expect(response.status).toBe(201);
  const json = (await response.json()) as { replies: { body: string; to: string }[]; error: unknown };
  expect(json.error).toBeNull();
  return json.replies.map((reply) => [reply.to, reply.body]);
}

/** Chat texts the room's number sent to `to` (not notices, codes or replies). */
const chatTo = (harness: ApiHarness, to: string) =>
  harness.runtime.messages
    .list({ from: ROOM_NUMBER, to })
    .filter((t) => /^\w+( \(private\))?:/.test(t.body) && !t.body.startsWith('Book club:'))
    .map((t) => t.body);

/** The last code texted to `to`. */
function lastCode(harness: ApiHarness, to: string): string {
  const codes = harness.runtime.messages.list({ from: ROOM_NUMBER, to }).filter((t) => t.body.includes('is your code'));
  return codes.at(-1)?.body.slice(0, 6) ?? '';
}

const verification = (harness: ApiHarness, room: string, member: string, form?: Record<string, string>) =>
  roomsRequest(harness, form ? 'POST' : 'GET', `Rooms/${room}/Members/${member}/Verification`, form);

it("holds an unverified member's texts, and releases them once the member replies with the code", async () => {
  const { harness, room, m } = await setup();
  expect(await text(harness, ANN, 'Is the call still on?')).toEqual([
    [
      ANN,
      'Book club: to chat with the room by text, verify this number: reply with the code we sent you. Your message goes out once you do.',
    ],
  ]);
  expect(await text(harness, ANN, 'Hello??')).toHaveLength(1);
  const code = lastCode(harness, ANN);
  expect(code).toMatch(/^\d{6}$/);
  // Only one code for the two texts; nothing reached the others yet.
  expect(harness.runtime.messages.list({ to: ANN }).filter((t) => t.body.includes('is your code'))).toHaveLength(1);
  expect(chatTo(harness, BOB)).toEqual([]);
  const wrong = code === '000000' ? '111111' : '000000';
  expect(await text(harness, ANN, wrong)).toEqual([[ANN, `Book club: wrong code for ${ANN}: 4 attempts left.`]]);

  expect(await text(harness, ANN, ` ${code} `)).toEqual([
    [ANN, 'Book club: your number is verified. Your texts now reach the room.'],
  ]);
  expect(chatTo(harness, BOB)).toEqual(['Ann: Is the call still on?', 'Ann: Hello??']);
  expect(chatTo(harness, OLGA)).toEqual(['Ann: Is the call still on?', 'Ann: Hello??']);
  const ann = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Members/${m.Ann}`);
  expect(ann.json.verified_numbers).toEqual([ANN]);
  const history = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Messages?Source=sms`);
  expect((history.json.messages as { body: string; from: string }[]).map((x) => [x.from, x.body])).toEqual([
    [m.Ann, 'Hello??'],
    [m.Ann, 'Is the call still on?'],
  ]);
  // Verified: her next text goes straight out, with no reply.
  expect(await text(harness, ANN, 'Thanks')).toEqual([]);
  expect(chatTo(harness, BOB).at(-1)).toBe('Ann: Thanks');
});

it("relays a verified member's text and MMS to every other member, app members by the event, during a call too", async () => {
  const { clock, harness, room, m } = await setup();
  await verification(harness, room.sid, m.Bob, {});
  expect((await verification(harness, room.sid, m.Bob, { Code: lastCode(harness, BOB) })).json.status).toBe('approved');
  const started = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
  expect(started.status).toBe(201);

  // Olga's app follows the room and is online: she gets the event, not an SMS.
  const held = clock.hold();
  const key = await newKey(harness);
  const token = new AccessToken(harness.account.sid, key.sid, key.secret, {
    identity: 'olga',
    ttl: 3600,
    iat: Math.floor(clock.now() / 1000),
  });
  token.addGrant(new RoomsGrant({ rooms: [room.sid], organizer: true }));
  const device = deviceFor(harness, token.toJwt());
  const olga = device.room(room.sid);
  const messages: RoomChatMessage[] = [];
  olga.on('message', (message) => messages.push(message));
  await olga.subscribe();
  const arrived = until(olga, 'message', (message) => message.body === 'Look at this');
  expect(await text(harness, BOB, 'Look at this', ['https://example.com/photo.jpg'])).toEqual([]);
  await arrived;
  expect(messages).toEqual([
    expect.objectContaining({
      from: m.Bob,
      author: 'Bob',
      source: 'sms',
      mediaUrls: ['https://example.com/photo.jpg'],
    }),
  ]);
  // Olga's app follows the room but is not registered for calls (not online): her phone is texted too.
  expect(chatTo(harness, OLGA)).toEqual(['Bob: Look at this']);
  const toAnn = harness.runtime.messages.list({ from: ROOM_NUMBER, to: ANN }).filter((t) => t.body.startsWith('Bob:'));
  expect(toAnn.map((t) => [t.body, t.mediaUrls])).toEqual([['Bob: Look at this', ['https://example.com/photo.jpg']]]);
  expect(chatTo(harness, BOB)).toEqual([]);
  const roomNow = await roomsRequest(harness, 'GET', `Rooms/${room.sid}`);
  expect(roomNow.json.call_in_progress).toBe(true);
  device.destroy();
  held();
});

it('verifies over REST, with every failure typed', async () => {
  const { clock, harness, room, m } = await setup();
  // Time moves only when the test says (codes expire on the clock).
  let release = clock.hold();
  const noPhone = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Members`, {
    FirstName: 'Dee',
    Identity: 'dee',
  });
  const dee = noPhone.json.sid as string;
  const status = async (member: string, form: Record<string, string>) => {
    const answer = await verification(harness, room.sid, member, form);
    return [answer.status, answer.json.code ?? answer.json.status];
  };
  expect(await status(dee, {})).toEqual([400, 91170]);
  expect(await status(m.Ann, { PhoneNumber: BOB })).toEqual([400, 91170]);
  expect(await status(m.Ann, { Code: '123456' })).toEqual([400, 91172]);

  const sent = await verification(harness, room.sid, m.Ann, {});
  expect(sent.status).toBe(201);
  expect(sent.json).toMatchObject({
    sid: expect.stringMatching(/^RF[0-9a-f]{32}$/),
    member_sid: m.Ann,
    phone_number: ANN,
    status: 'pending',
    attempts_left: 5,
    held_messages: 0,
  });
  // The code is stored hashed: the record never holds it.
  const annCode = lastCode(harness, ANN);
  const stored = await harness.store.get('room-verification', harness.account.sid, sent.json.sid as string);
  expect(JSON.stringify(stored)).not.toContain(annCode);

  // Another member's code does not verify Ann, and counts as a wrong attempt.
  await verification(harness, room.sid, m.Bob, {});
  const bobCode = lastCode(harness, BOB);
  if (bobCode !== annCode) expect(await status(m.Ann, { Code: bobCode })).toEqual([400, 91171]);
  else expect(await status(m.Ann, { Code: '1234567' })).toEqual([400, 91171]);
  expect((await verification(harness, room.sid, m.Ann)).json.attempts_left).toBe(4);

  // Expired after 10 minutes.
  release();
  await new Promise<void>((resolve) => clock.setTimer(resolve, 10 * MINUTE));
  release = clock.hold();
  expect(await status(m.Ann, { Code: annCode })).toEqual([400, 91172]);
  expect((await verification(harness, room.sid, m.Ann)).json.status).toBe('expired');

  // Five wrong attempts: the code is void, even the right one no longer works.
  await verification(harness, room.sid, m.Ann, {});
  const fresh = lastCode(harness, ANN);
  const wrong = fresh === '000000' ? '111111' : '000000';
  for (let i = 0; i < 4; i++) expect(await status(m.Ann, { Code: wrong })).toEqual([400, 91171]);
  expect(await status(m.Ann, { Code: wrong })).toEqual([429, 91173]);
  expect(await status(m.Ann, { Code: fresh })).toEqual([429, 91173]);
  expect((await verification(harness, room.sid, m.Ann)).json).toMatchObject({
    status: 'max-attempts',
    attempts_left: 0,
  });

  // At most 5 codes an hour per number (two sent to Ann so far).
  for (let i = 0; i < 3; i++) expect((await verification(harness, room.sid, m.Ann, {})).status).toBe(201);
  const tooMany = await verification(harness, room.sid, m.Ann, {});
  expect([tooMany.status, tooMany.json.code]).toEqual([429, 91174]);

  // Bob's own code works (his first one expired with Ann's: a new one).
  await verification(harness, room.sid, m.Bob, {});
  expect(await status(m.Bob, { Code: lastCode(harness, BOB) })).toEqual([200, 'approved']);
  const bob = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Members/${m.Bob}`);
  expect(bob.json.verified_numbers).toEqual([BOB]);
  release();
});

it('relays nothing from a stranger or from a member who opted out, and keeps STOP and START working', async () => {
  const { harness, room, m } = await setup();
  await verification(harness, room.sid, m.Ann, {});
  await verification(harness, room.sid, m.Ann, { Code: lastCode(harness, ANN) });
  expect(await text(harness, STRANGER, 'Hi all, I am new')).toEqual([]);
  expect(await text(harness, ANN, 'stop')).toEqual([
    [ANN, 'You will get no more calls or texts from Book club. Reply START to get them again.'],
  ]);
  expect(await text(harness, ANN, 'Can anyone hear me?')).toEqual([]);
  // Bob posts while Ann is opted out: she gets nothing.
  await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Messages`, { From: m.Bob, Body: 'Quiet today' });
  expect(await text(harness, ANN, 'START')).toHaveLength(1);
  expect(chatTo(harness, BOB)).toEqual([]);
  expect(chatTo(harness, ANN)).toEqual([]);
  expect(chatTo(harness, OLGA)).toEqual(['Bob: Quiet today']);
  const history = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Messages`);
  expect((history.json.messages as unknown[]).length).toBe(1);
});

it('holds texts that arrive at once under one code, and releases them all', async () => {
  const { harness } = await setup();
  const bodies = ['one', 'two', 'three'];
  await Promise.all(bodies.map((body) => text(harness, ANN, body)));
  expect(harness.runtime.messages.list({ to: ANN }).filter((t) => t.body.includes('is your code'))).toHaveLength(1);
  await text(harness, ANN, lastCode(harness, ANN));
  expect(chatTo(harness, BOB).sort()).toEqual(bodies.map((body) => `Ann: ${body}`).sort());
});

it("answers a text the room's policy refuses in words, and relays nothing", async () => {
  const { harness, room, m } = await setup();
  await verification(harness, room.sid, m.Ann, {});
  await verification(harness, room.sid, m.Ann, { Code: lastCode(harness, ANN) });
  await roomsRequest(harness, 'POST', 'RoomPolicy', { MembersMaySendMedia: 'false' });
  expect(await text(harness, ANN, 'see', ['https://example.com/a.jpg'])).toEqual([
    [ANN, "Book club: members cannot send that to the room (the room's rules)."],
  ]);
  await roomsRequest(harness, 'POST', 'RoomPolicy', { MembersMayChat: 'false' });
  expect(await text(harness, ANN, 'hello')).toEqual([
    [ANN, "Book club: members cannot send that to the room (the room's rules)."],
  ]);
  expect(chatTo(harness, BOB)).toEqual([]);
  expect((await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Messages`)).json.messages).toEqual([]);
});
