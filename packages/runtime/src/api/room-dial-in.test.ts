/**
 * Dialing a room's number (docs/rooms.md): a member, recognised by caller ID, joins the call in
 * progress or starts one that rings everyone (when MembersMayStart); a non-member follows the
 * room's NonMembers policy (join-in-progress, admit-and-ring, admit) and shows by number.
 */
import { describe, expect, it } from 'vitest';
import type { PartyBehaviour } from '../adapters/simulated/party.js';
import { VirtualClock } from '../clock/virtual.js';
import { type ApiHarness, harnessPerTest } from './harness.test-support.js';
import { inRoom, pauseWhen, ROOM_NUMBER, roomWith, roster } from './room-calls.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const OLGA = '+15550500001';
const ANN = '+15550500002';
const BOB = '+15550500003';
const STRANGER = '+15550509999';
const PRESS_1 = { inputs: [{ digits: '1' }] };

async function setUp(settings: Record<string, string> = {}) {
  const clock = new VirtualClock();
  const harness = await startHarness({ clock, networkClock: clock });
  const room = await roomWith(
    harness,
    [
      { name: 'Olga', phone: OLGA, role: 'organizer', behaviour: PRESS_1 },
      { name: 'Ann', phone: ANN, behaviour: PRESS_1 },
      { name: 'Bob', phone: BOB, behaviour: PRESS_1 },
    ],
    settings,
  );
  return { clock, harness, room };
}

/** A caller dials the room's number; resolves (time held) when `test` holds. */
function dial(
  harness: ApiHarness,
  clock: VirtualClock,
  from: string,
  test: () => boolean,
  behaviour: PartyBehaviour = {},
) {
  const party = harness.network.call({ from, to: ROOM_NUMBER, ...behaviour });
  return { party, paused: pauseWhen(harness, clock, test) };
}

/**
 * `from` dials in with no call in progress and is told there is none (nobody is rung); then,
 * with a call to Ann running, dials in again: the roster once they are in the conference.
 */
async function refusedThenJoins(
  harness: ApiHarness,
  clock: VirtualClock,
  room: { sid: string; members: Record<string, string> },
  from: string,
) {
  const refused = harness.network.call({ from, to: ROOM_NUMBER });
  await refused.heard((entry) => JSON.stringify(entry).includes('Goodbye'));
  expect(refused.lines().join('\n')).toContain('There is no call in progress for Book club. Goodbye.');
  expect(harness.runtime.calls.list().filter((call) => call.direction !== 'inbound')).toEqual([]);
  await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Members: room.members.Ann as string });
  let release = await pauseWhen(harness, clock, () => inRoom(harness) === 2);
  release();
  const { paused } = dial(harness, clock, from, () => inRoom(harness) === 3);
  release = await paused;
  const { byName } = await roster(harness, room.sid);
  release();
  return byName;
}

describe('dialing the room number', () => {
  it('a member with no call in progress starts one that rings every other member', async () => {
    const { clock, harness, room } = await setUp();
    const { paused } = dial(harness, clock, ANN, () => inRoom(harness) === 3);
    const release = await paused;
    const { json, byName } = await roster(harness, room.sid);
    release();
    expect([byName.Ann?.state, byName.Olga?.state, byName.Bob?.state]).toEqual(['joined', 'joined', 'joined']);
    expect(json.organizer).toBe(room.members.Ann);
    const bob = harness.network.parties.find((p) => p.address === BOB);
    expect(bob?.lines().join('\n')).toContain('Ann is calling you for Book club. Press 1 to join.');
    expect(bob?.calledFrom).toEqual([ROOM_NUMBER]);
  });

  it('a member joins the call in progress; with MembersMayStart=false and no call, is told so', async () => {
    const { clock, harness, room } = await setUp({ MembersMayStart: 'false' });
    const byName = await refusedThenJoins(harness, clock, room, BOB);
    expect(byName.Bob?.state).toBe('joined');
    expect(byName.Bob?.member_sid).toBe(room.members.Bob);
  });

  it('a non-member under join-in-progress is refused with no call, and joins one in progress by number', async () => {
    const { clock, harness, room } = await setUp();
    const byName = await refusedThenJoins(harness, clock, room, STRANGER);
    expect(byName[STRANGER]).toMatchObject({ member_sid: null, role: 'guest', state: 'joined', address: STRANGER });
  });

  it('a non-member under admit-and-ring is let in and the members rung', async () => {
    const { clock, harness, room } = await setUp({ NonMembers: 'admit-and-ring' });
    const { paused } = dial(harness, clock, STRANGER, () => inRoom(harness) === 4);
    const release = await paused;
    const { byName } = await roster(harness, room.sid);
    release();
    expect(Object.fromEntries(Object.values(byName).map((row) => [row.address, row.state]))).toEqual({
      [STRANGER]: 'joined',
      [OLGA]: 'joined',
      [ANN]: 'joined',
      [BOB]: 'joined',
    });
  });

  it('a non-member under admit is let in without ringing anyone', async () => {
    const { clock, harness, room } = await setUp({ NonMembers: 'admit' });
    const { paused } = dial(harness, clock, STRANGER, () => inRoom(harness) === 1);
    const release = await paused;
    const { json, byName } = await roster(harness, room.sid);
    release();
    expect(json.status).toBe('in-progress');
    expect(Object.keys(byName)).toEqual([STRANGER]);
    expect(harness.runtime.calls.list().map((call) => call.direction)).toEqual(['inbound']);
  });
});
