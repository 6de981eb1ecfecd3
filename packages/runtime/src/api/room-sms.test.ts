/**
 * Texts to a room's number: STOP opts the member out of the room's calls and texts (the one-tap
 * call skips them), START brings them back, HELP says what the number is, each answered from the
 * room's number; other texts are the room's chat (room-chat-sms.test.ts); strangers get no answer
 * and nothing changes.
 */
import { expect, it } from 'vitest';
import { harnessPerTest } from './harness.test-support.js';
import { ROOM_NUMBER, roomWith, roster, text } from './room-calls.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const ANN = '+15550100101';

it('STOP opts a member out of calls and texts, START brings them back, HELP explains', async () => {
  const harness = await startHarness();
  const room = await roomWith(harness, [
    { name: 'Olga', identity: 'olga', role: 'organizer' },
    { name: 'Ann', phone: ANN, behaviour: { onCall: 'answer' } },
  ]);
  const member = () => roomsRequest(harness, 'GET', `Rooms/${room.sid}/Members/${room.members.Ann}`);

  expect(await text(harness, ANN, ' Stop ')).toEqual([
    [ROOM_NUMBER, ANN, 'You will get no more calls or texts from Book club. Reply START to get them again.'],
  ]);
  expect((await member()).json).toMatchObject({ opted_out: true, reachable_by: [] });

  // The one-tap call does not ring her.
  const started = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
  expect(started.status).toBe(201);
  expect((await roster(harness, room.sid)).byName.Ann?.state).toBe('opted-out');
  expect(harness.network.party(ANN)).toBeUndefined();
  await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Status: 'completed' });

  expect(await text(harness, ANN, 'start')).toEqual([
    [ROOM_NUMBER, ANN, 'You will get calls and texts from Book club again. Reply STOP to opt out.'],
  ]);
  expect((await member()).json).toMatchObject({ opted_out: false, reachable_by: ['phone'] });
  expect(await text(harness, ANN, 'HELP')).toEqual([
    [ROOM_NUMBER, ANN, "Book club: this number calls and texts the room's members. Reply STOP to opt out."],
  ]);
});

it('takes a keyword only as the whole text (other texts are the chat), answers a stranger nothing, and changes nobody', async () => {
  const harness = await startHarness();
  const room = await roomWith(harness, [{ name: 'Ann', phone: ANN }]);
  // A chat message (room-chat-sms.test.ts): held until her number is verified, not an opt-out.
  const chat = await text(harness, ANN, 'please stop calling so early');
  expect(chat.map(([, , body]) => body?.startsWith('Book club: to chat with the room by text'))).toEqual([true]);
  expect(await text(harness, '+15550100199', 'STOP')).toEqual([]);
  const ann = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Members/${room.members.Ann}`);
  expect(ann.json.opted_out).toBe(false);
});
