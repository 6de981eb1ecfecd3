/**
 * A member's app finds its rooms on the control channel (docs/rooms.md), over WebSocket and
 * long-poll, with no grant: `device.myRooms()` lists the rooms whose member its identity is (with
 * whether a call is in progress, to offer a one-tap join), and a `room-added` notice arrives the
 * moment the identity is added to another. Other identities' and other accounts' rooms stay
 * invisible.
 */
import type { DeviceNotice } from '@patchbay/sdk/client';
import { describe, expect, it } from 'vitest';
import { deviceFor, next } from '../bridge/devices.test-support.js';
import { harnessPerTest } from './harness.test-support.js';
import { channelSetup, PRESS_1, token } from './room-channel.test-support.js';
import { addNumbers, roomsRequest } from './rooms.test-support.js';
import { otherAccount, rest } from './simulator.test-support.js';

const startHarness = harnessPerTest();

describe("a member's rooms", () => {
  for (const transport of ['websocket', 'long-poll'] as const)
    it(`lists the identity's rooms and tells it when it is added to one, over ${transport}`, async () => {
      const { clock, harness, room, key } = await setup();
      const { Olga = '', Ann = '' } = room.members;
      const held = clock.hold();
      const ann = deviceFor(harness, token(clock, harness.account.sid, key, 'ann'), { transport });
      const bob = deviceFor(harness, token(clock, harness.account.sid, key, 'bob'), { transport });
      // The same identity in another account: a different person, who sees none of this.
      const other = await otherAccount(harness);
      const otherKey = await rest(harness, 'POST', 'Keys.json', { FriendlyName: 'other' }, other);
      const elsewhere = deviceFor(
        harness,
        token(clock, other.sid, { sid: otherKey.json.sid as string, secret: otherKey.json.secret as string }, 'ann'),
        { transport },
      );
      const bookClub = {
        sid: room.sid,
        name: 'Book club',
        number: '+15550100900',
        callInProgress: false,
        member: Ann,
        role: 'member',
      };
      expect(await ann.myRooms()).toEqual([bookClub]);
      expect(await bob.myRooms()).toEqual([]);
      expect(await elsewhere.myRooms()).toEqual([]);

      // Ann is added to a second room: her open session is told at once.
      await addNumbers(harness, '+15550100901');
      const created = await roomsRequest(harness, 'POST', 'Rooms', {
        FriendlyName: 'Choir',
        AvatarUrl: 'https://example.com/choir.png',
      });
      const choirSid = created.json.sid as string;
      const told = next(ann, 'notice');
      const elsewhereNotices: DeviceNotice[] = [];
      elsewhere.on('notice', (notice) => elsewhereNotices.push(notice));
      const added = await roomsRequest(harness, 'POST', `Rooms/${choirSid}/Members`, {
        FirstName: 'Ann',
        Identity: 'ann',
        Role: 'organizer',
      });
      const notice: DeviceNotice = { kind: 'room-added', room: choirSid, name: 'Choir', member: '', role: 'organizer' };
      expect(await told).toEqual([{ ...notice, member: added.json.sid }]);

      // The call in progress shows: the app can offer to join it.
      await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Members: Olga });
      const choir = {
        sid: choirSid,
        name: 'Choir',
        avatarUrl: 'https://example.com/choir.png',
        number: '+15550100901',
        callInProgress: false,
        member: added.json.sid,
        role: 'organizer',
      };
      expect(await ann.myRooms()).toEqual([choir, { ...bookClub, callInProgress: true }]);
      expect(await elsewhere.myRooms()).toEqual([]);
      expect(elsewhereNotices).toEqual([]);
      expect(await bob.myRooms()).toEqual([]);
      held();
      for (const device of [ann, bob, elsewhere]) device.destroy();
    });

  it('tells an identity given to a member later, by update or by merging, and not one it already had', async () => {
    const { clock, harness, room, key } = await setup();
    const held = clock.hold();
    const bob = deviceFor(harness, token(clock, harness.account.sid, key, 'bob'), { transport: 'websocket' });
    const cleo = deviceFor(harness, token(clock, harness.account.sid, key, 'cleo'), { transport: 'websocket' });
    const notices: DeviceNotice[] = [];
    bob.on('notice', (notice) => notices.push(notice));
    expect(await bob.myRooms()).toEqual([]);
    expect(await cleo.myRooms()).toEqual([]);
    // Bob is a phone member; then his app identity is given to him.
    const phoneOnly = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Members`, {
      FirstName: 'Bob',
      PhoneNumber: '+15550620031',
    });
    const bobSid = phoneOnly.json.sid as string;
    const toldBob = next(bob, 'notice');
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Members/${bobSid}`, { Identity: 'bob' });
    expect(await toldBob).toEqual([
      { kind: 'room-added', room: room.sid, name: 'Book club', member: bobSid, role: 'member' },
    ]);
    // Changing something else does not tell him again.
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Members/${bobSid}`, { LastName: 'Stone' });
    // Cleo: added by phone, then the same person added with her identity (merged into one member).
    const cleoPhone = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Members`, {
      FirstName: 'Cleo',
      PhoneNumber: '+15550620032',
    });
    const toldCleo = next(cleo, 'notice');
    const merged = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Members`, {
      PhoneNumber: '+15550620032',
      Identity: 'cleo',
    });
    expect(merged.status).toBe(200);
    expect(await toldCleo).toEqual([
      { kind: 'room-added', room: room.sid, name: 'Book club', member: cleoPhone.json.sid, role: 'member' },
    ]);
    // Both now list the room; Bob was told once.
    expect((await bob.myRooms()).map((r) => r.member)).toEqual([bobSid]);
    expect((await cleo.myRooms()).map((r) => r.member)).toEqual([cleoPhone.json.sid]);
    expect(notices).toHaveLength(1);
    held();
    for (const device of [bob, cleo]) device.destroy();
  });
});

function setup() {
  return channelSetup(startHarness, [
    { name: 'Olga', phone: '+15550620021', role: 'organizer', behaviour: PRESS_1 },
    { name: 'Ann', identity: 'ann' },
  ]);
}
