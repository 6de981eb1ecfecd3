/** The SDK's REST client on a room's call on a real server: start, roster, controls, end, typed errors. */
import { Patchbay } from '@patchbay/sdk';
import { expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import { harnessPerTest } from './harness.test-support.js';
import { inRoom, pauseWhen, roomWith } from './room-calls.test-support.js';

const startHarness = harnessPerTest();

it('starts a room call, reads the roster, mutes, adds, removes and ends it through client.rooms.call', async () => {
  const clock = new VirtualClock();
  const harness = await startHarness({ clock, networkClock: clock });
  const press1 = { inputs: [{ digits: '1' }] };
  const room = await roomWith(harness, [
    { name: 'Olga', phone: '+15550600001', role: 'organizer' },
    { name: 'Ann', phone: '+15550600002', behaviour: press1 },
    { name: 'Bob', phone: '+15550600003', behaviour: press1 },
    { name: 'Cid', phone: '+15550600004', behaviour: { onCall: 'busy' } },
  ]);
  const client = new Patchbay(harness.account.sid, harness.account.authToken, { baseUrl: harness.base });
  const call = client.rooms.call(room.sid);
  await expect(call.get()).rejects.toMatchObject({ status: 404, code: 91110 });
  await expect(call.start({ members: [`MB${'0'.repeat(32)}`] })).rejects.toMatchObject({ status: 400, code: 91112 });

  const started = await call.start({ members: [room.members.Ann as string], organizerPhone: true });
  expect(started.dateStarted).toBeInstanceOf(Date);
  expect(started.participants.map((p) => [p.displayName, p.state])).toEqual([
    ['Olga', 'ringing'],
    ['Ann', 'waiting'],
  ]);
  let release = await pauseWhen(harness, clock, () => inRoom(harness) === 2);
  expect((await client.rooms.get(room.sid)).callInProgress).toBe(true);
  await expect(call.start({ all: true })).rejects.toMatchObject({ status: 409, code: 91109 });
  const muted = await call.mute(room.members.Ann as string);
  expect(muted.participants.find((p) => p.key === room.members.Ann)?.muted).toBe(true);
  await call.unmute(room.members.Ann as string);
  const added = await call.add([room.members.Bob as string, room.members.Cid as string]);
  expect(added.participants.filter((p) => p.state === 'ringing').map((p) => p.displayName)).toEqual(['Bob', 'Cid']);
  release();
  release = await pauseWhen(harness, clock, () => inRoom(harness) === 3);
  const roster = await call.get();
  expect(Object.fromEntries(roster.participants.map((p) => [p.displayName, p.state]))).toEqual({
    Olga: 'joined',
    Ann: 'joined',
    Bob: 'joined',
    Cid: 'busy',
  });
  const removed = await call.remove(room.members.Bob as string);
  expect(removed.participants.find((p) => p.key === room.members.Bob)?.state).toBe('left');
  await expect(call.mute(room.members.Bob as string)).rejects.toMatchObject({ status: 409, code: 91111 });
  const ended = await call.end();
  release();
  expect([ended.status, ended.endReason]).toEqual(['completed', 'ended-by-request']);
  expect(ended.dateEnded).toBeInstanceOf(Date);
  expect((await client.rooms.get(room.sid)).callInProgress).toBe(false);

  // The audit log, through the client: filtered, page after page (the filter kept in the page URLs).
  const commands = await client.rooms.events(room.sid, { kind: 'command' }).list({ pageSize: 2 });
  expect(commands.map((entry) => [entry.type, entry.outcome, entry.errorCode])).toEqual([
    ['end', 'accepted', null],
    ['mute', 'refused', 91111],
    ['remove', 'accepted', null],
    ['add', 'accepted', null],
    ['unmute', 'accepted', null],
    ['mute', 'accepted', null],
    ['start', 'refused', 91109],
    ['start', 'accepted', null],
    ['start', 'refused', 91112],
  ]);
  const newest = commands[0]?.sequenceNumber as number;
  const after = await client.rooms.events(room.sid, { after: newest, type: 'call-ended' }).list();
  expect(after.map((entry) => [entry.type, entry.dateCreated instanceof Date])).toEqual([['call-ended', true]]);

  // The room's calls as stored: the one that ended, with its roster.
  const past = await client.rooms.calls(room.sid).list();
  expect(past.map((c) => [c.sid, c.endReason, c.errorCode])).toEqual([[started.sid, 'ended-by-request', null]]);
  expect((await client.rooms.calls(room.sid).get(started.sid)).participants).toHaveLength(4);
});
