/**
 * The rooms control channel (docs/rooms.md): an organizer's SDK `Room` on the device channel
 * (WebSocket and long-poll) starts a one-tap call, sees ringing/joined/busy as they happen,
 * mutes and removes a member and ends the call, with the same commands REST runs; a connection
 * cut in the middle (with a command sent on the channel during the cut), or a session lost,
 * delivers the entries of the gap once, none twice, on either transport; a
 * member's token follows but may not command; another account's room is invisible.
 */
import { RoomsGrant } from '@patchbay/sdk';
import { describe, expect, it } from 'vitest';
import { deviceFor, refusal, until } from '../bridge/devices.test-support.js';
import { harnessPerTest } from './harness.test-support.js';
import { inRoom, pauseWhen } from './room-calls.test-support.js';
import { bridgeOf, channelSetup, PRESS_1, token, watch } from './room-channel.test-support.js';
import { roomsRequest } from './rooms.test-support.js';
import { otherAccount, rest } from './simulator.test-support.js';

const startHarness = harnessPerTest();
/** A harness on virtual time whose device sessions do not time out while the clock runs ahead. */
function setup() {
  return channelSetup(startHarness, [
    { name: 'Olga', phone: '+15550700001', identity: 'olga', role: 'organizer', behaviour: PRESS_1 },
    { name: 'Ann', phone: '+15550700002', identity: 'ann', behaviour: PRESS_1 },
    { name: 'Bob', phone: '+15550700003', behaviour: { onCall: 'reject' } },
  ]);
}

describe('rooms control channel', () => {
  for (const transport of ['websocket', 'long-poll'] as const)
    it(`runs a one-tap call from the organizer's SDK Room over ${transport}`, async () => {
      const { clock, harness, room, key } = await setup();
      const [Olga, Ann, Bob] = ['Olga', 'Ann', 'Bob'].map((name) => room.members[name] as string) as [
        string,
        string,
        string,
      ];
      const held = clock.hold();
      const grant = new RoomsGrant({ rooms: [room.sid], organizer: true });
      const device = deviceFor(harness, token(clock, harness.account.sid, key, 'olga', grant), { transport });
      const control = device.room(room.sid);
      expect(device.room(room.sid)).toBe(control);
      const seen = watch(control);
      const started = new Promise<string>((resolve) => control.once('call-started', resolve));
      await control.subscribe();
      expect(device.transportKind).toBe(transport);
      // Members added before the device subscribed: replayed from the log.
      expect(seen.entries.map((e) => e.type)).toEqual(['member-added', 'member-added', 'member-added']);

      const startSeq = await control.start();
      expect(startSeq).toBe(4);
      expect(await started).toMatch(/^RC/);
      await seen.member(Bob, (m) => m.state === 'ringing');
      expect(control.callSid).toMatch(/^RC/);
      held();
      const release = await pauseWhen(harness, clock, () => inRoom(harness) === 2);
      await Promise.all([
        seen.member(Olga, (m) => m.state === 'joined'),
        seen.member(Ann, (m) => m.state === 'joined'),
        seen.member(Bob, (m) => m.state === 'busy'),
      ]);

      await control.mute(Ann);
      await seen.member(Ann, (m) => m.muted);
      const refused = await refusal(control.mute(Bob));
      expect([refused.errorName, refused.code]).toEqual(['RoomParticipantNotFound', 91111]);
      await control.remove(Ann);
      await seen.member(Ann, (m) => m.state === 'left');
      const ended = new Promise<string | undefined>((resolve) => control.once('call-ended', resolve));
      await control.end();
      expect(await ended).toBe('ended-by-request');
      release();

      // Each entry once, in order; the commands the device sent are the log's, marked as the channel's.
      const sequences = seen.entries.map((e) => e.sequence);
      expect(sequences).toEqual(sequences.map((_, i) => i + 1));
      const commands = seen.entries.filter((e) => e.kind === 'command');
      expect(commands.map((e) => [e.type, e.source])).toEqual([
        ['start', 'channel'],
        ['mute', 'channel'],
        ['mute', 'channel'],
        ['remove', 'channel'],
        ['end', 'channel'],
      ]);
      const log = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?Kind=command&PageSize=10`);
      const listed = (log.json.events as Array<{ type: string; outcome: string; error_code: number | null }>).reverse();
      expect(listed.map((e) => [e.type, e.outcome, e.error_code])).toEqual([
        ['start', 'accepted', null],
        ['mute', 'accepted', null],
        ['mute', 'refused', 91111],
        ['remove', 'accepted', null],
        ['end', 'accepted', null],
      ]);
      device.destroy();
    });

  // In cluster mode the device may reconnect through nginx to another node, which relays its
  // session (docs/cluster.md "A device reconnecting to another node").
  for (const transport of ['websocket', 'long-poll'] as const)
    it(`delivers the entries of a cut, and of a lost session, once each, over ${transport}`, async () => {
      const { clock, harness, room, key } = await setup();
      const Ann = room.members.Ann as string;
      const held = clock.hold();
      const grant = new RoomsGrant({ rooms: [room.sid], organizer: true });
      const device = deviceFor(harness, token(clock, harness.account.sid, key, 'olga', grant), { transport });
      const control = device.room(room.sid);
      const seen = watch(control);
      await control.subscribe();
      await control.start();
      held();
      const release = await pauseWhen(harness, clock, () => inRoom(harness) === 2);
      await seen.member(Ann, (m) => m.state === 'joined');
      const call = `Rooms/${room.sid}/Call/Participants/${Ann}`;

      // The connection drops (a WebSocket closed, a poll ended under the device); the organizer
      // mutes Ann meanwhile, on the channel: the command goes once the session resumes, and the
      // resumed session delivers the entries.
      const first = device.sessionId as string;
      bridgeOf(harness).session(first)?.link?.close(4000, 'test drop');
      expect(await control.mute(Ann)).toBeGreaterThan(0);
      await seen.member(Ann, (m) => m.muted);
      expect(device.sessionId).toBe(first);

      // The server forgets the session (its resume window passed): the device follows the room
      // again from the last entry it delivered, and the log replays what it missed.
      const session = bridgeOf(harness).session(first);
      (bridgeOf(harness) as unknown as { end(s: unknown): void }).end(session);
      session?.link?.close(4000, 'test drop');
      const unmuted = until(control, 'member', (m) => m.key === Ann && !m.muted);
      await roomsRequest(harness, 'POST', call, { Muted: 'false' });
      await unmuted;
      expect(device.sessionId).not.toBe(first);
      const ended = until(control, 'call-ended', () => true);
      await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Status: 'completed' });
      await ended;
      release();

      const sequences = seen.entries.map((e) => e.sequence);
      expect(sequences).toEqual(sequences.map((_, i) => i + 1));
      const mutes = seen.entries.filter((e) => e.kind === 'command' && e.type.endsWith('mute'));
      expect(mutes.map((e) => [e.type, e.source])).toEqual([
        ['mute', 'channel'],
        ['unmute', 'api'],
      ]);
      device.destroy();
    });

  it("lets a member's token follow its room but not command it; another account's room is invisible", async () => {
    const { clock, harness, room, key } = await setup();
    const held = clock.hold();
    // Ann is a member (identity ann): no grant needed to follow her room.
    const ann = deviceFor(harness, token(clock, harness.account.sid, key, 'ann'));
    const annRoom = ann.room(room.sid);
    await annRoom.subscribe();
    expect(annRoom.lastSequence).toBe(3);
    const forbidden = await refusal(annRoom.end());
    expect([forbidden.errorName, forbidden.code]).toEqual(['RoomCommandForbidden', 91121]);
    // A grant without organizer follows only.
    const follower = deviceFor(
      harness,
      token(clock, harness.account.sid, key, 'zed', new RoomsGrant({ rooms: [room.sid] })),
    );
    await follower.room(room.sid).subscribe();
    const notOrganizer = await refusal(follower.room(room.sid).start());
    expect(notOrganizer.errorName).toBe('RoomCommandForbidden');
    // Someone neither granted nor a member: not found, as a room that does not exist.
    const stranger = deviceFor(harness, token(clock, harness.account.sid, key, 'zed'));
    for (const sid of [room.sid, `RM${'0'.repeat(32)}`]) {
      const hidden = await refusal(stranger.room(sid).subscribe());
      expect([hidden.errorName, hidden.code]).toEqual(['RoomNotFound', 91120]);
    }
    // Another account's organizer grant naming this room: not found either.
    const other = await otherAccount(harness);
    const otherKey = await rest(harness, 'POST', 'Keys.json', { FriendlyName: 'other' }, other);
    const intruder = deviceFor(
      harness,
      token(
        clock,
        other.sid,
        { sid: otherKey.json.sid as string, secret: otherKey.json.secret as string },
        'olga',
        new RoomsGrant({ rooms: [room.sid], organizer: true }),
      ),
    );
    const invisible = await refusal(intruder.room(room.sid).end());
    expect(invisible.errorName).toBe('RoomNotFound');
    held();
    for (const device of [ann, follower, stranger, intruder]) device.destroy();
  });
});
