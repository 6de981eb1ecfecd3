/**
 * A member's own leave over the control channel (docs/rooms.md), over WebSocket and long-poll:
 * a member's app (its token names no room: its identity is the member's) leaves the room's call
 * (the others stay), another leaves the room (out of the call and off the member list, a
 * `room-updated` change every follower sees); the organizer's leaving ends the call, unless the
 * room says otherwise. Someone who is not a member has nothing to leave.
 */
import { RoomsGrant } from '@patchbay/sdk';
import type { RoomUpdate } from '@patchbay/sdk/client';
import { describe, expect, it } from 'vitest';
import { deviceFor, until } from '../bridge/devices.test-support.js';
import { harnessPerTest } from './harness.test-support.js';
import { inRoom, pauseWhen, roster } from './room-calls.test-support.js';
import { channelSetup, PRESS_1, refusal, token, watch } from './room-channel.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();

function setup(settings: Record<string, string> = {}) {
  return channelSetup(
    startHarness,
    [
      { name: 'Olga', phone: '+15550620001', identity: 'olga', role: 'organizer', behaviour: PRESS_1 },
      { name: 'Ann', phone: '+15550620002', identity: 'ann', behaviour: PRESS_1 },
      { name: 'Bob', phone: '+15550620003', identity: 'bob', behaviour: PRESS_1 },
    ],
    settings,
  );
}

describe("a member's own leave", () => {
  for (const transport of ['websocket', 'long-poll'] as const)
    it(`leaves the call, then the room, over ${transport}; the organizer's leaving ends the call`, async () => {
      const { clock, harness, room, key } = await setup();
      const { Olga = '', Ann = '', Bob = '' } = room.members;
      // Tokens are minted while time stands still (the devices check them against the real clock).
      const held = clock.hold();
      const tokens = {
        ann: token(clock, harness.account.sid, key, 'ann'),
        bob: token(clock, harness.account.sid, key, 'bob'),
        zed: token(clock, harness.account.sid, key, 'zed', new RoomsGrant({ rooms: [room.sid] })),
      };
      const organizer = deviceFor(
        harness,
        token(clock, harness.account.sid, key, 'olga', new RoomsGrant({ rooms: [room.sid], organizer: true })),
        { transport },
      );
      const control = organizer.room(room.sid);
      const seen = watch(control);
      const updates: RoomUpdate[] = [];
      control.on('room-updated', (update) => updates.push(update));
      await control.subscribe();
      await control.start();
      held();
      const release = await pauseWhen(harness, clock, () => inRoom(harness) === 3);

      // Ann's app: no grant, her identity is a member's.
      const ann = deviceFor(harness, tokens.ann, { transport });
      const annRoom = ann.room(room.sid);
      await annRoom.subscribe();
      const left = await annRoom.leaveCall();
      expect(left).toBeGreaterThan(0);
      await seen.member(Ann, (m) => m.state === 'left');
      expect(inRoom(harness)).toBe(2);
      const again = await refusal(annRoom.leaveCall());
      expect([again.errorName, again.code]).toEqual(['RoomParticipantNotFound', 91111]);

      // Bob leaves the room: out of the call, off the member list, and everyone following sees it.
      const bob = deviceFor(harness, tokens.bob, { transport });
      const removed = until(control, 'room-updated', (u) => u.change === 'member-removed');
      await bob.room(room.sid).leaveRoom();
      expect(await removed).toEqual([{ change: 'member-removed', fields: [], memberSid: Bob }]);
      await seen.member(Bob, (m) => m.state === 'left');
      const members = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Members`);
      expect((members.json.members as Array<{ sid: string }>).map((m) => m.sid)).toEqual([Olga, Ann]);
      expect((await roster(harness, room.sid)).json.status).toBe('in-progress');

      // Following without being a member: nothing to leave.
      const follower = deviceFor(harness, tokens.zed, { transport });
      const stranger = await refusal(follower.room(room.sid).leaveCall());
      expect([stranger.errorName, stranger.code]).toEqual(['RoomCommandForbidden', 91121]);

      // The organizer leaving ends the call, as hanging up does.
      const ended = until(control, 'call-ended', () => true);
      await control.leaveCall();
      expect(await ended).toEqual(['organizer-left']);
      release();
      const log = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?Kind=command&PageSize=10`);
      const commands = (log.json.events as Array<Record<string, unknown>>).reverse();
      expect(commands.map((e) => [e.type, e.member_sid, e.outcome, e.error_code, e.source])).toEqual([
        ['start', null, 'accepted', null, 'channel'],
        ['leave-call', Ann, 'accepted', null, 'channel'],
        ['leave-call', Ann, 'refused', 91111, 'channel'],
        ['leave-room', Bob, 'accepted', null, 'channel'],
        ['leave-call', Olga, 'accepted', null, 'channel'],
      ]);
      const entries = seen.entries.map((e) => e.sequence);
      expect(entries).toEqual(entries.map((_, i) => i + 1));
      expect(updates.map((u) => u.change)).toEqual(['member-added', 'member-added', 'member-added', 'member-removed']);
      for (const device of [organizer, ann, bob, follower]) device.destroy();
    });

  it('goes on without the organizer when the room says so; a member leaves a room with no call', async () => {
    const { clock, harness, room, key } = await setup({ EndWhenOrganizerLeaves: 'false' });
    const { Olga = '', Ann = '' } = room.members;
    const held = clock.hold();
    // Ann's app connects while time stands still (later, virtual hours have passed: her token would be old).
    const ann = deviceFor(harness, token(clock, harness.account.sid, key, 'ann'));
    await ann.room(room.sid).subscribe();
    const organizer = deviceFor(
      harness,
      token(clock, harness.account.sid, key, 'olga', new RoomsGrant({ rooms: [room.sid], organizer: true })),
    );
    const control = organizer.room(room.sid);
    const seen = watch(control);
    await control.subscribe();
    await control.start();
    held();
    const release = await pauseWhen(harness, clock, () => inRoom(harness) === 3);
    await control.leaveCall();
    await seen.member(Olga, (m) => m.state === 'left');
    expect(inRoom(harness)).toBe(2);
    const { json } = await roster(harness, room.sid);
    expect(json.status).toBe('in-progress');
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Status: 'completed' });

    // No call: Ann may still leave the room (not its call).
    const noCall = await refusal(ann.room(room.sid).leaveCall());
    expect([noCall.errorName, noCall.code]).toEqual(['RoomCallNotFound', 91110]);
    await ann.room(room.sid).leaveRoom();
    const gone = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Members/${Ann}`);
    expect(gone.status).toBe(404);
    // Gone from the room, Ann's identity follows it no more.
    const hidden = await refusal(ann.room(room.sid).leaveRoom());
    expect(hidden.errorName).toBe('RoomNotFound');
    release();
    for (const device of [organizer, ann]) device.destroy();
  });
});
