/**
 * The room's chat over REST (docs/rooms.md, Chat): a message is stored and listed, phone members
 * get it as an SMS (MMS with its media) from the room's number with the author's name first,
 * private messages reach only their recipients, the account's policy and the room's bounds are
 * typed errors, and another account sees nothing.
 */
import twilio from 'twilio';
import { expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import { harnessPerTest } from './harness.test-support.js';
import { ROOM_NUMBER, roomWith } from './room-calls.test-support.js';
import { roomsRequest } from './rooms.test-support.js';
import { otherAccount } from './simulator.test-support.js';

const startHarness = harnessPerTest();

/** Resolves once virtual time has moved on by `ms`. */
const later = (clock: VirtualClock, ms: number) => new Promise<void>((resolve) => clock.setTimer(resolve, ms));
const [OLGA, ANN, BOB, CY] = ['+15550610001', '+15550610002', '+15550610003', '+15550610004'];

async function setup() {
  const clock = new VirtualClock(Date.parse('2026-04-01T12:00:00Z'));
  const harness = await startHarness({ clock, networkClock: clock });
  const room = await roomWith(harness, [
    { name: 'Olga', phone: OLGA, role: 'organizer' },
    { name: 'Ann', phone: ANN, identity: 'ann' },
    { name: 'Bob', phone: BOB },
    { name: 'Cy', phone: CY },
  ]);
  const m = room.members as Record<'Olga' | 'Ann' | 'Bob' | 'Cy', string>;
  /** The chat texts the room's number sent (not the notices new members got), as [to, body, media]. */
  const texts = () =>
    harness.runtime.messages
      .list({ from: ROOM_NUMBER })
      .filter((t) => !t.body.includes('new conference number'))
      .map((t) => [t.to, t.body, t.mediaUrls])
      .sort();
  const post = (form: Record<string, string | readonly string[]>) =>
    roomsRequest(harness, 'POST', `Rooms/${room.sid}/Messages`, form);
  return { clock, harness, room, m, texts, post };
}

it('posts a message: stored, in the log, and texted to every other phone member from the room number', async () => {
  const { harness, room, m, texts, post } = await setup();
  const posted = await post({ From: m.Ann, Body: 'Running late, start without me' });
  expect(posted.status).toBe(201);
  expect(posted.json).toEqual({
    sid: expect.stringMatching(/^RT[0-9a-f]{32}$/),
    account_sid: harness.account.sid,
    room_sid: room.sid,
    from: m.Ann,
    author: 'Ann',
    body: 'Running late, start without me',
    media_urls: [],
    to: null,
    source: 'api',
    sequence_number: expect.any(Number),
    date_created: expect.stringMatching(/^2026-04-01T12:\d\d:\d\dZ$/),
    url: `${harness.base}/patchbay/v1/Rooms/${room.sid}/Messages/${posted.json.sid}`,
  });
  expect(texts()).toEqual([
    [OLGA, 'Ann: Running late, start without me', []],
    [BOB, 'Ann: Running late, start without me', []],
    [CY, 'Ann: Running late, start without me', []],
  ]);
  const fetched = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Messages/${posted.json.sid}`);
  expect(fetched.json).toEqual(posted.json);
  // The log has the event (no text: the history holds it).
  const log = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?Type=message`);
  expect(log.json.events).toEqual([
    expect.objectContaining({
      type: 'message',
      kind: 'event',
      message_sid: posted.json.sid,
      member_sid: m.Ann,
      members: null,
      sequence_number: posted.json.sequence_number,
    }),
  ]);
  expect(JSON.stringify(log.json)).not.toContain('Running late');
});

it('leaves From out for the organizer, passes media on as MMS, and keeps private messages to their recipients', async () => {
  const { harness, room, m, texts, post } = await setup();
  const fromOrganizer = await post({ Body: 'Agenda attached', MediaUrl: ['https://example.com/agenda.pdf'] });
  expect(fromOrganizer.json).toMatchObject({
    from: m.Olga,
    author: 'Olga',
    media_urls: ['https://example.com/agenda.pdf'],
  });
  const whisper = await post({ From: m.Bob, Body: 'Bring the cake?', To: [m.Cy] });
  expect(whisper.json).toMatchObject({ from: m.Bob, to: [m.Cy] });
  const media = ['https://example.com/agenda.pdf'];
  expect(texts()).toEqual([
    [ANN, 'Olga: Agenda attached', media],
    [BOB, 'Olga: Agenda attached', media],
    [CY, 'Bob (private): Bring the cake?', []],
    [CY, 'Olga: Agenda attached', media],
  ]);

  // History newest first; a member's view leaves out private messages neither to nor from them.
  const all = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Messages`);
  expect((all.json.messages as { sid: string }[]).map((x) => x.sid)).toEqual([
    whisper.json.sid,
    fromOrganizer.json.sid,
  ]);
  const annView = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Messages?Member=${m.Ann}`);
  expect((annView.json.messages as { sid: string }[]).map((x) => x.sid)).toEqual([fromOrganizer.json.sid]);
  const cyView = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Messages?Member=${m.Cy}`);
  expect((cyView.json.messages as unknown[]).length).toBe(2);
  const bobs = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Messages?From=${m.Bob}&Source=api`);
  expect((bobs.json.messages as { sid: string }[]).map((x) => x.sid)).toEqual([whisper.json.sid]);
});

it('pages the history newest first, keeping the filters in the page URLs', async () => {
  const { harness, room, m, post, clock } = await setup();
  for (let i = 0; i < 5; i++) {
    expect((await post({ From: m.Ann, Body: `note ${i}` })).status).toBe(201);
    await later(clock, 1000);
  }
  const first = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Messages?Member=${m.Bob}&PageSize=2`);
  expect((first.json.messages as { body: string }[]).map((x) => x.body)).toEqual(['note 4', 'note 3']);
  const meta = first.json.meta as { next_page_url: string; page_size: number };
  expect(meta.next_page_url).toContain(`Member=${m.Bob}`);
  const next = new URL(meta.next_page_url);
  const second = await roomsRequest(harness, 'GET', `${next.pathname.replace('/patchbay/v1/', '')}${next.search}`);
  expect((second.json.messages as { body: string }[]).map((x) => x.body)).toEqual(['note 2', 'note 1']);
});

it('texts nothing to a member who opted out (STOP)', async () => {
  const { harness, m, texts, post } = await setup();
  const auth = Buffer.from(`${harness.account.sid}:${harness.account.authToken}`).toString('base64');
  await fetch(`${harness.base}/2010-04-01/Accounts/${harness.account.sid}/Simulator/Messages.json`, {
    method: 'POST',
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ To: ROOM_NUMBER, From: CY, Body: 'STOP' }),
  });
  await post({ From: m.Olga, Body: 'Moved to Friday' });
  expect(texts().filter((t) => String(t[1]).startsWith('Olga'))).toEqual([
    [ANN, 'Olga: Moved to Friday', []],
    [BOB, 'Olga: Moved to Friday', []],
  ]);
});

it('refuses what the policy, the content bounds, membership and the rate forbid, with typed errors', async () => {
  const { harness, room, m, post, clock } = await setup();
  // Time stands still during the burst (the texts' status timers would move it).
  const release = clock.hold();
  const code = async (form: Record<string, string | readonly string[]>) => {
    const answer = await post(form);
    return [answer.status, answer.json.code];
  };
  expect(await code({ From: m.Ann, Body: '  ' })).toEqual([400, 91160]);
  expect(await code({ From: m.Ann, Body: 'x'.repeat(1601) })).toEqual([400, 91160]);
  expect(await code({ From: m.Ann, Body: 'look', MediaUrl: ['ftp://example.com/a.png'] })).toEqual([400, 91160]);
  expect(await code({ From: m.Ann, Body: 'look', MediaUrl: Array(11).fill('https://example.com/a.png') })).toEqual([
    400, 91160,
  ]);
  expect(await code({ From: 'MBnotasid', Body: 'hi' })).toEqual([400, 21200]);
  expect(await code({ From: `MB${'0'.repeat(32)}`, Body: 'hi' })).toEqual([400, 91161]);
  expect(await code({ From: m.Ann, Body: 'hi', To: [`MB${'0'.repeat(32)}`] })).toEqual([400, 91161]);

  await roomsRequest(harness, 'POST', 'RoomPolicy', { MembersMaySendMedia: 'false' });
  expect(await code({ From: m.Ann, Body: 'look', MediaUrl: ['https://example.com/a.png'] })).toEqual([403, 91107]);
  expect(await code({ From: m.Ann, Body: 'text is fine' })).toEqual([201, undefined]);
  await roomsRequest(harness, 'POST', 'RoomPolicy', { MembersMayChat: 'false' });
  expect(await code({ From: m.Ann, Body: 'hello?' })).toEqual([403, 91107]);
  // The organizer (and the account) always may.
  expect(await code({ From: m.Olga, Body: 'Chat is closed', MediaUrl: ['https://example.com/a.png'] })).toEqual([
    201,
    undefined,
  ]);

  // 20 at once, then one a second.
  for (let i = 0; i < 18; i++) expect(await code({ Body: `burst ${i}` })).toEqual([201, undefined]);
  const limited = await post({ Body: 'one too many' });
  expect([limited.status, limited.json.code]).toEqual([429, 91162]);
  release();
  await later(clock, 1000);
  expect(await code({ Body: 'after a second' })).toEqual([201, undefined]);
  const listed = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Messages?PageSize=100`);
  expect((listed.json.messages as unknown[]).length).toBe(21);
});

it("shows another account nothing of a room's chat", async () => {
  const { harness, room, m, post } = await setup();
  const posted = await post({ From: m.Ann, Body: 'ours' });
  const other = await otherAccount(harness);
  const as = { sid: other.sid, secret: other.authToken };
  const base = `Rooms/${room.sid}/Messages`;
  expect((await roomsRequest(harness, 'GET', base, undefined, as)).status).toBe(404);
  expect((await roomsRequest(harness, 'GET', `${base}/${posted.json.sid}`, undefined, as)).status).toBe(404);
  expect((await roomsRequest(harness, 'POST', base, { Body: 'theirs' }, as)).status).toBe(404);
  const verify = `Rooms/${room.sid}/Members/${m.Bob}/Verification`;
  expect((await roomsRequest(harness, 'POST', verify, {}, as)).status).toBe(404);
  // Deleting the room takes its history.
  expect((await roomsRequest(harness, 'DELETE', `Rooms/${room.sid}`)).status).toBe(204);
  expect(await harness.store.get('room-message', harness.account.sid, posted.json.sid as string)).toBeUndefined();
});

it("posts each message to the room's status callback, signed, without its text", async () => {
  const clock = new VirtualClock(Date.parse('2026-04-01T12:00:00Z'));
  const harness = await startHarness({ clock, networkClock: clock, routes: { '/room-events': () => '' } });
  const room = await roomWith(
    harness,
    [
      { name: 'Ann', phone: ANN },
      { name: 'Bob', phone: BOB },
    ],
    {
      StatusCallback: `${harness.app.url}/room-events`,
    },
  );
  const ann = room.members.Ann as string;
  const bob = room.members.Bob as string;
  const posted = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Messages`, {
    From: ann,
    Body: 'a secret plan',
    To: [bob],
  });
  await harness.runtime.callbacks.drain();
  const requests = harness.app.requestsTo('/room-events').filter((r) => r.params.StatusCallbackEvent === 'message');
  expect(requests.map((r) => r.params)).toEqual([
    {
      AccountSid: harness.account.sid,
      RoomSid: room.sid,
      StatusCallbackEvent: 'message',
      RoomMessageSid: posted.json.sid,
      MemberSid: ann,
      Source: 'api',
      Private: 'true',
      Timestamp: expect.any(String),
      SequenceNumber: String(posted.json.sequence_number),
    },
  ]);
  const [request] = requests;
  expect(request?.headers['i-twilio-idempotency-token']).toBe(`${posted.json.sid}:message`);
  const signature = String(request?.headers['x-twilio-signature']);
  expect(twilio.validateRequest(harness.account.authToken, signature, request?.url ?? '', request?.params ?? {})).toBe(
    true,
  );
});
