/**
 * A member's own app on the control channel (docs/rooms.md), over WebSocket and long-poll, with
 * no organizer grant (the token's identity names the member): joining the call in progress late
 * with one tap (their app invited, or their phone rung), and changing their own name and avatar
 * (the account's policy may keep the avatar), each refused with a typed code when it cannot be.
 */
import { AccessToken, RoomsGrant, VoiceGrant } from '@patchbay/sdk';
import type { RoomUpdate } from '@patchbay/sdk/client';
import { describe, expect, it } from 'vitest';
import { deviceFor, type Key, next, until } from '../bridge/devices.test-support.js';
import type { VirtualClock } from '../clock/virtual.js';
import { harnessPerTest } from './harness.test-support.js';
import { inRoom, pauseWhen, ROOM_NUMBER, roster, text } from './room-calls.test-support.js';
import { channelSetup, PRESS_1, refusal, token } from './room-channel.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const [OLGA, ANN, CARL, DEE] = ['+15550620011', '+15550620012', '+15550620013', '+15550620014'];

function setup() {
  return channelSetup(startHarness, [
    { name: 'Olga', phone: OLGA, role: 'organizer', behaviour: PRESS_1 },
    { name: 'Ann', phone: ANN, identity: 'ann', behaviour: PRESS_1 },
    { name: 'Carl', phone: CARL, identity: 'carl', behaviour: PRESS_1 },
    { name: 'Dee', phone: DEE, identity: 'dee', behaviour: PRESS_1 },
    { name: 'Fay', identity: 'fay' },
  ]);
}

/** A token that takes calls (a member's phone app), no rooms grant. */
function appToken(clock: VirtualClock, accountSid: string, key: Key, identity: string): string {
  const built = new AccessToken(accountSid, key.sid, key.secret, {
    identity,
    ttl: 86_400,
    iat: Math.floor(clock.now() / 1000),
  });
  built.addGrant(new VoiceGrant({ incomingAllow: true }));
  return built.toJwt();
}

describe("a member's app joins the call in progress", () => {
  for (const transport of ['websocket', 'long-poll'] as const)
    it(`rings the member's app, or their phone, into the call over ${transport}; refuses with no call or opted out`, async () => {
      const { clock, harness, room, key } = await setup();
      const { Olga = '', Ann = '', Carl = '', Dee = '', Fay = '' } = room.members;
      const held = clock.hold();
      const account = harness.account.sid;
      const ann = deviceFor(harness, appToken(clock, account, key, 'ann'), { transport });
      await ann.register();
      const annRoom = ann.room(room.sid);
      const carl = deviceFor(harness, token(clock, account, key, 'carl'), { transport });
      const dee = deviceFor(harness, token(clock, account, key, 'dee'), { transport });
      const zed = deviceFor(harness, token(clock, account, key, 'zed', new RoomsGrant({ rooms: [room.sid] })), {
        transport,
      });
      const stranger = deviceFor(harness, token(clock, account, key, 'zed'), { transport });
      const fay = deviceFor(harness, token(clock, account, key, 'fay'), { transport });
      await text(harness, DEE, 'STOP');

      // No call yet: nothing to join.
      const early = await refusal(annRoom.joinCall());
      expect([early.errorName, early.code]).toEqual(['RoomCallNotFound', 91110]);

      // The organizer's call, with only the organizer in it.
      await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Members: Olga });
      held();
      let release = await pauseWhen(harness, clock, () => inRoom(harness) === 1);

      // Ann taps join: her app (online) gets the invitation, and she is in once she accepts.
      const invited = next(ann, 'incoming');
      expect(await annRoom.joinCall()).toBeGreaterThan(0);
      const [invitation] = await invited;
      expect(Object.fromEntries(invitation.customParameters)).toMatchObject({ RoomSid: room.sid });
      const joined = until(harness.runtime.events, 'conference.updated', (c) => c.participants.length === 2);
      await invitation.accept();
      await joined;
      expect((await roster(harness, room.sid)).byName.Ann).toMatchObject({ address: 'client:ann', state: 'joined' });
      // Tapping again changes nothing.
      await annRoom.joinCall();
      expect(inRoom(harness)).toBe(2);

      // Carl asks for his phone: it rings with the invitation, he presses 1.
      await carl.room(room.sid).joinCall({ phone: true });
      release();
      release = await pauseWhen(harness, clock, () => inRoom(harness) === 3);
      expect((await roster(harness, room.sid)).byName.Carl).toMatchObject({ address: CARL, state: 'joined' });
      expect(harness.network.party(CARL)?.calledFrom).toEqual([ROOM_NUMBER]);

      // Dee opted out (STOP): not rung. A follower who is no member, and a stranger, are refused.
      const optedOut = await refusal(dee.room(room.sid).joinCall());
      expect([optedOut.errorName, optedOut.code]).toEqual(['RoomNobodyToRing', 91112]);
      expect(harness.network.party(DEE)?.calledFrom ?? []).toEqual([]);
      // Fay has no number: her phone cannot be rung.
      const noPhone = await refusal(fay.room(room.sid).joinCall({ phone: true }));
      expect([noPhone.errorName, noPhone.message]).toEqual([
        'RoomCommandRefused',
        `RoomCommandRefused (91122): ${Fay} has no phone number to ring`,
      ]);
      const follower = await refusal(zed.room(room.sid).joinCall());
      expect([follower.errorName, follower.code]).toEqual(['RoomCommandForbidden', 91121]);
      const hidden = await refusal(stranger.room(room.sid).joinCall());
      expect([hidden.errorName, hidden.code]).toEqual(['RoomNotFound', 91120]);

      const log = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?Kind=command&PageSize=10`);
      const commands = (log.json.events as Array<Record<string, unknown>>).reverse();
      expect(commands.map((e) => [e.type, e.member_sid, e.outcome, e.error_code, e.source])).toEqual([
        ['join-call', Ann, 'refused', 91110, 'channel'],
        ['start', null, 'accepted', null, 'api'],
        ['join-call', Ann, 'accepted', null, 'channel'],
        ['join-call', Ann, 'accepted', null, 'channel'],
        ['join-call', Carl, 'accepted', null, 'channel'],
        ['join-call', Dee, 'refused', 91112, 'channel'],
        ['join-call', Fay, 'refused', 91106, 'channel'],
      ]);
      release();
      for (const device of [ann, carl, dee, fay, zed, stranger]) device.destroy();
    });
});

describe("a member's own profile", () => {
  for (const transport of ['websocket', 'long-poll'] as const)
    it(`changes their name and avatar over ${transport}, within the account's policy`, async () => {
      const { clock, harness, room, key } = await setup();
      const { Ann = '' } = room.members;
      clock.hold();
      const account = harness.account.sid;
      const organizer = deviceFor(
        harness,
        token(clock, account, key, 'console', new RoomsGrant({ rooms: [room.sid], organizer: true })),
        { transport },
      );
      const control = organizer.room(room.sid);
      const updates: RoomUpdate[] = [];
      control.on('room-updated', (update) => updates.push(update));
      await control.subscribe();
      const ann = deviceFor(harness, token(clock, account, key, 'ann'), { transport });
      const annRoom = ann.room(room.sid);
      const member = async () => (await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Members/${Ann}`)).json;

      const changed = until(control, 'room-updated', (u) => u.change === 'member-changed');
      expect(await annRoom.updateProfile({ firstName: 'Annie', avatarUrl: 'https://example.com/annie.png' })).toBe(6);
      expect(await changed).toEqual([{ change: 'member-changed', fields: ['FirstName', 'AvatarUrl'], memberSid: Ann }]);
      expect(await member()).toMatchObject({ first_name: 'Annie', avatar_url: 'https://example.com/annie.png' });

      // Only http(s) avatars; nothing changes on a refusal.
      const ftp = await refusal(annRoom.updateProfile({ avatarUrl: 'ftp://example.com/annie.png' }));
      expect([ftp.errorName, ftp.code]).toEqual(['RoomCommandRefused', 91122]);
      expect(ftp.message).toContain('AvatarUrl');

      // The account keeps members from changing avatars: the name still may.
      await roomsRequest(harness, 'POST', 'RoomPolicy', { MembersMayChangeAvatar: 'false' });
      const policy = await refusal(annRoom.updateProfile({ avatarUrl: 'https://example.com/other.png' }));
      expect([policy.errorName, policy.code]).toEqual(['RoomNotAllowed', 91107]);
      const renamed = until(control, 'room-updated', (u) => u.fields.includes('LastName'));
      await annRoom.updateProfile({ lastName: 'Smith' });
      await renamed;
      expect(await member()).toMatchObject({
        first_name: 'Annie',
        last_name: 'Smith',
        avatar_url: 'https://example.com/annie.png',
      });

      // A follower who is no member has no profile here; a stranger does not see the room.
      const zed = deviceFor(harness, token(clock, account, key, 'zed', new RoomsGrant({ rooms: [room.sid] })), {
        transport,
      });
      const follower = await refusal(zed.room(room.sid).updateProfile({ firstName: 'Zed' }));
      expect([follower.errorName, follower.code]).toEqual(['RoomCommandForbidden', 91121]);
      const stranger = deviceFor(harness, token(clock, account, key, 'zed'), { transport });
      const hidden = await refusal(stranger.room(room.sid).updateProfile({ firstName: 'Zed' }));
      expect(hidden.errorName).toBe('RoomNotFound');

      const log = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?Kind=command&PageSize=10`);
      const commands = (log.json.events as Array<Record<string, unknown>>).reverse();
      expect(commands.map((e) => [e.type, e.member_sid, e.outcome, e.error_code])).toEqual([
        ['update-profile', Ann, 'accepted', null],
        ['update-profile', Ann, 'refused', 21200],
        ['update-profile', Ann, 'refused', 91107],
        ['update-profile', Ann, 'accepted', null],
      ]);
      expect(updates.filter((u) => u.change === 'member-changed')).toHaveLength(2);
      for (const device of [organizer, ann, zed, stranger]) device.destroy();
    });
});
