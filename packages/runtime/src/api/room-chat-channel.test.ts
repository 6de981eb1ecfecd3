/**
 * The room's chat on the control channel and in the SDK (docs/rooms.md, Chat): a member's app
 * posts with `room.send` (no organizer grant), phone members get the SMS, app members the typed
 * `message` event over WebSocket and long-poll; private messages reach only their recipients'
 * and author's sessions; refusals are typed DeviceErrors; `client.rooms.messages` over REST.
 */
import { AccessToken, Patchbay, RoomsGrant, VoiceGrant } from '@patchbay/sdk';
import type { RoomChatMessage } from '@patchbay/sdk/client';
import { describe, expect, it } from 'vitest';
import { deviceFor, newKey, refusal, until } from '../bridge/devices.test-support.js';
import { VirtualClock } from '../clock/virtual.js';
import { harnessPerTest } from './harness.test-support.js';
import { ROOM_NUMBER, roomWith } from './room-calls.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const HOUR = 3_600_000;
const [OLGA, ANN, BOB] = ['+15550620001', '+15550620002', '+15550620003'];

async function setup() {
  const clock = new VirtualClock(Date.now());
  const harness = await startHarness({
    clock,
    networkClock: clock,
    devices: { heartbeatMs: 12 * HOUR, resumeMs: 12 * HOUR },
  });
  // Time stands still: the sessions' long heartbeat timers would otherwise carry it past the tokens' expiry.
  clock.hold();
  const room = await roomWith(harness, [
    { name: 'Olga', phone: OLGA, identity: 'olga', role: 'organizer' },
    { name: 'Ann', phone: ANN, identity: 'ann' },
    { name: 'Bob', phone: BOB },
    { name: 'Dee', identity: 'dee' },
  ]);
  const key = await newKey(harness);
  const m = room.members as Record<'Olga' | 'Ann' | 'Bob' | 'Dee', string>;
  const token = (identity: string, grant?: RoomsGrant) => {
    const built = new AccessToken(harness.account.sid, key.sid, key.secret, {
      identity,
      ttl: 86_400,
      iat: Math.floor(clock.now() / 1000),
    });
    built.addGrant(new VoiceGrant({ incomingAllow: true }));
    if (grant) built.addGrant(grant);
    return built.toJwt();
  };
  /** The chat texts the room's number sent, as "to: body". */
  const texts = () =>
    harness.runtime.messages
      .list({ from: ROOM_NUMBER })
      .filter((t) => !t.body.includes('new conference number'))
      .map((t) => `${t.to} ${t.body}`)
      .sort();
  return { clock, harness, room, m, token, texts, key };
}

/** A subscribed Room on a new device of `token`, and the messages it receives. */
async function follow(
  harness: Awaited<ReturnType<typeof setup>>['harness'],
  token: string,
  roomSid: string,
  transport: 'websocket' | 'long-poll' = 'websocket',
) {
  const device = deviceFor(harness, token, { transport });
  // Registered: the member's app is online (presence), as a phone app is while it can take calls.
  await device.register();
  const room = device.room(roomSid);
  const messages: RoomChatMessage[] = [];
  room.on('message', (message) => messages.push(message));
  await room.subscribe();
  const seen = (body: string) =>
    messages.some((m) => m.body === body) ? Promise.resolve() : until(room, 'message', (m) => m.body === body);
  return { device, room, messages, seen };
}

describe('room chat on the control channel', () => {
  for (const transport of ['websocket', 'long-poll'] as const)
    it(`a member's app posts over ${transport}: phone members get the SMS, app members the event`, async () => {
      const { harness, room, m, token, texts } = await setup();
      const ann = await follow(harness, token('ann'), room.sid, transport);
      const dee = await follow(harness, token('dee'), room.sid, transport);
      const sequence = await ann.room.send('Running late', { mediaUrls: ['https://example.com/map.png'] });
      expect(sequence).toBeGreaterThan(0);
      await dee.seen('Running late');
      expect(dee.messages).toEqual([
        {
          sid: expect.stringMatching(/^RT/),
          from: m.Ann,
          author: 'Ann',
          body: 'Running late',
          mediaUrls: ['https://example.com/map.png'],
          source: 'app',
          sequence,
          at: expect.any(Number),
        },
      ]);
      await ann.seen('Running late');
      // Olga and Bob are not online: an SMS each (MMS with the media); Dee has no phone; Ann wrote it.
      expect(texts()).toEqual([`${OLGA} Ann: Running late`, `${BOB} Ann: Running late`].sort());
      const mms = harness.runtime.messages.list({ to: BOB }).find((t) => t.body === 'Ann: Running late');
      expect(mms?.mediaUrls).toEqual(['https://example.com/map.png']);

      // Ann's app is online: a message posted over REST reaches her app, not her phone.
      await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Messages`, { From: m.Bob, Body: 'On my way' });
      await ann.seen('On my way');
      expect(texts().filter((t) => t.includes('On my way'))).toEqual([`${OLGA} Bob: On my way`]);
      ann.device.destroy();
      dee.device.destroy();
    });

  it('delivers a private message only to its recipients and its author, never to other subscribers', async () => {
    const { harness, room, m, token, texts } = await setup();
    const console = await follow(
      harness,
      token('console', new RoomsGrant({ rooms: [room.sid], organizer: true })),
      room.sid,
    );
    const olga = await follow(harness, token('olga'), room.sid);
    const ann = await follow(harness, token('ann'), room.sid);
    const dee = await follow(harness, token('dee'), room.sid);
    await dee.room.send('Surprise party for Olga on Friday', { to: [m.Ann, m.Bob] });
    await ann.room.send('Everyone: see you Friday');
    await Promise.all([console.seen('Everyone: see you Friday'), olga.seen('Everyone: see you Friday')]);
    await dee.seen('Everyone: see you Friday');
    expect(ann.messages.map((x) => x.body)).toEqual(['Surprise party for Olga on Friday', 'Everyone: see you Friday']);
    expect(dee.messages.map((x) => [x.body, x.to])).toEqual([
      ['Surprise party for Olga on Friday', [m.Ann, m.Bob]],
      ['Everyone: see you Friday', undefined],
    ]);
    // Entries arrive in order: the private one would have come before.
    expect(olga.messages.map((x) => x.body)).toEqual(['Everyone: see you Friday']);
    expect(console.messages.map((x) => x.body)).toEqual(['Everyone: see you Friday']);
    expect(texts().filter((t) => t.includes('Surprise'))).toEqual([
      `${BOB} Dee (private): Surprise party for Olga on Friday`,
    ]);

    // A later subscriber's replay from the log keeps the private message from it too.
    const late = await follow(harness, token('olga'), room.sid);
    await late.seen('Everyone: see you Friday');
    expect(late.messages.map((x) => x.body)).toEqual(['Everyone: see you Friday']);
    const annAgain = await follow(harness, token('ann'), room.sid);
    await annAgain.seen('Everyone: see you Friday');
    expect(annAgain.messages.map((x) => x.body)).toEqual([
      'Surprise party for Olga on Friday',
      'Everyone: see you Friday',
    ]);
    for (const device of [console, olga, ann, dee, late, annAgain]) device.device.destroy();
  });

  it('answers refusals with typed DeviceErrors', async () => {
    const { harness, room, m, token } = await setup();
    const ann = await follow(harness, token('ann'), room.sid);
    const watcher = await follow(harness, token('watcher', new RoomsGrant({ rooms: [room.sid] })), room.sid);
    const forbidden = await refusal(watcher.room.send('hello'));
    expect([forbidden.errorName, forbidden.code]).toEqual(['RoomCommandForbidden', 91121]);
    const empty = await refusal(ann.room.send(''));
    expect([empty.errorName, empty.code]).toEqual(['RoomMessageInvalid', 91160]);
    const stranger = await refusal(ann.room.send('psst', { to: [`MB${'0'.repeat(32)}`] }));
    expect([stranger.errorName, stranger.code]).toEqual(['RoomRecipientNotFound', 91161]);
    await roomsRequest(harness, 'POST', 'RoomPolicy', { MembersMaySendMedia: 'false' });
    const media = await refusal(ann.room.send('look', { mediaUrls: ['https://example.com/a.png'] }));
    expect([media.errorName, media.code]).toEqual(['RoomNotAllowed', 91107]);
    await roomsRequest(harness, 'POST', 'RoomPolicy', { MembersMayChat: 'false' });
    const closed = await refusal(ann.room.send('anyone?'));
    expect([closed.errorName, closed.code]).toEqual(['RoomNotAllowed', 91107]);
    // Nothing refused was stored.
    const history = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Messages?From=${m.Ann}`);
    expect(history.json.messages).toEqual([]);
    ann.device.destroy();
    watcher.device.destroy();
  });
});

it('posts, lists and fetches through client.rooms.messages', async () => {
  const { harness, room, m } = await setup();
  const client = new Patchbay(harness.account.sid, harness.account.authToken, { baseUrl: harness.base });
  const chat = client.rooms.messages(room.sid);
  const hello = await chat.create({ body: 'Hello all', from: m.Ann });
  expect(hello).toMatchObject({
    from: m.Ann,
    author: 'Ann',
    body: 'Hello all',
    to: null,
    source: 'api',
    mediaUrls: [],
  });
  expect(hello.dateCreated).toBeInstanceOf(Date);
  const secret = await chat.create({
    body: 'Just you',
    from: m.Olga,
    to: [m.Bob],
    mediaUrls: ['https://example.com/x.jpg'],
  });
  expect(secret).toMatchObject({ to: [m.Bob], mediaUrls: ['https://example.com/x.jpg'], author: 'Olga' });
  expect((await chat.list()).map((x) => x.sid)).toEqual([secret.sid, hello.sid]);
  expect((await client.rooms.messages(room.sid, { member: m.Ann }).list()).map((x) => x.sid)).toEqual([hello.sid]);
  expect(await chat.get(secret.sid)).toEqual(secret);
  await expect(chat.create({ body: '', from: m.Ann })).rejects.toMatchObject({ status: 400, code: 91160 });
  const events = await client.rooms.events(room.sid, { type: 'message' }).list();
  expect(events.map((e) => e.messageSid)).toEqual([secret.sid, hello.sid]);
});

it('verifies a member through client.rooms.verification', async () => {
  const { harness, room, m } = await setup();
  const client = new Patchbay(harness.account.sid, harness.account.authToken, { baseUrl: harness.base });
  const verification = client.rooms.verification(room.sid, m.Bob);
  const sent = await verification.send();
  expect(sent).toMatchObject({ memberSid: m.Bob, phoneNumber: BOB, status: 'pending', attemptsLeft: 5 });
  expect(sent.dateExpires).toBeInstanceOf(Date);
  const code = harness.runtime.messages
    .list({ to: BOB })
    .find((t) => t.body.includes('is your code'))
    ?.body.slice(0, 6);
  const wrong = code === '000000' ? '111111' : '000000';
  await expect(verification.check(wrong)).rejects.toMatchObject({ status: 400, code: 91171 });
  expect(await verification.check(code ?? '')).toMatchObject({ status: 'approved' });
  expect((await verification.get()).status).toBe('approved');
  expect((await client.rooms.members(room.sid).get(m.Bob)).verifiedNumbers).toEqual([BOB]);
});
