/**
 * `room-updated` (docs/rooms.md, room events): the room renamed and given an avatar, a member
 * changed, merged, removed, opted out by STOP: each one entry in the room's log, pushed to an
 * app following the room (WebSocket and long-poll) as a typed `room-updated`, and posted to the
 * room's status callback, signed. A change that changes nothing says nothing.
 */
import type { RoomUpdate } from '@patchbay/sdk/client';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { until } from '../bridge/devices.test-support.js';
import { harnessPerTest } from './harness.test-support.js';
import { ROOM_NUMBER } from './room-calls.test-support.js';
import { channelSetup, follower } from './room-channel.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const ANN = '+15550620102';

describe('room-updated', () => {
  for (const transport of ['websocket', 'long-poll'] as const)
    it(`tells the log, a following app (${transport}) and the status callback of every change`, async () => {
      const { clock, harness, room, key } = await channelSetup(
        startHarness,
        [
          { name: 'Olga', identity: 'olga', role: 'organizer' },
          { name: 'Ann', phone: ANN },
        ],
        {},
        { routes: { '/room-events': () => '' } },
      );
      const { Ann = '' } = room.members;
      const held = clock.hold();
      const { device, room: followed } = follower({ clock, harness, key }, room.sid, transport);
      const updates: RoomUpdate[] = [];
      followed.on('room-updated', (update) => updates.push(update));
      await followed.subscribe();
      const callback = `${harness.app.url}/room-events`;

      const renamed = until(followed, 'room-updated', (u) => u.change === 'settings');
      await roomsRequest(harness, 'POST', `Rooms/${room.sid}`, {
        FriendlyName: 'Reading group',
        AvatarUrl: 'https://example.com/r.png',
        MaxDuration: '14400', // the default: not a change
        StatusCallback: callback,
      });
      expect(await renamed).toEqual([
        { change: 'settings', fields: ['FriendlyName', 'AvatarUrl', 'StatusCallback'], memberSid: undefined },
      ]);
      // The same values again: nothing changed, nothing said.
      await roomsRequest(harness, 'POST', `Rooms/${room.sid}`, { FriendlyName: 'Reading group' });
      await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Members/${Ann}`, { LastName: 'Lee', RingPhone: 'mobile' });
      // The same person added again merges into Ann.
      await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Members`, { FirstName: 'Annie', PhoneNumber: ANN });
      const auth = Buffer.from(`${harness.account.sid}:${harness.account.authToken}`).toString('base64');
      await fetch(`${harness.base}/2010-04-01/Accounts/${harness.account.sid}/Simulator/Messages.json`, {
        method: 'POST',
        headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: ROOM_NUMBER, From: ANN, Body: 'STOP' }),
      });
      const added = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Members`, {
        FirstName: 'Bob',
        Identity: 'bob',
      });
      const removed = until(followed, 'room-updated', (u) => u.change === 'member-removed');
      await roomsRequest(harness, 'DELETE', `Rooms/${room.sid}/Members/${Ann}`);
      await removed;
      held();

      const Bob = added.json.sid as string;
      expect(updates.slice(2)).toEqual([
        { change: 'settings', fields: ['FriendlyName', 'AvatarUrl', 'StatusCallback'], memberSid: undefined },
        { change: 'member-changed', fields: ['LastName'], memberSid: Ann },
        { change: 'member-changed', fields: [], memberSid: Ann },
        { change: 'member-changed', fields: ['OptedOut'], memberSid: Ann },
        { change: 'member-added', fields: [], memberSid: Bob },
        { change: 'member-removed', fields: [], memberSid: Ann },
      ]);
      const log = await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Events?Type=room-updated`);
      const listed = (log.json.events as Array<Record<string, unknown>>).reverse();
      expect(listed.map((e) => [e.change, e.fields, e.member_sid])).toEqual([
        ['settings', ['FriendlyName', 'AvatarUrl', 'StatusCallback'], null],
        ['member-changed', ['LastName'], Ann],
        ['member-changed', null, Ann],
        ['member-changed', ['OptedOut'], Ann],
        ['member-removed', null, Ann],
      ]);

      await harness.runtime.callbacks.drain();
      // Delivered concurrently: in the log's order by their sequence numbers.
      const posted = harness.app
        .requestsTo('/room-events')
        .sort((a, b) => Number(a.params.SequenceNumber) - Number(b.params.SequenceNumber));
      expect(posted.map((r) => [r.params.StatusCallbackEvent, r.params.Change, r.params.Fields ?? ''])).toEqual([
        ['room-updated', 'settings', 'FriendlyName,AvatarUrl,StatusCallback'],
        ['room-updated', 'member-changed', 'LastName'],
        ['room-updated', 'member-changed', ''],
        ['room-updated', 'member-changed', 'OptedOut'],
        ['room-updated', 'member-added', ''],
        ['room-updated', 'member-removed', ''],
      ]);
      for (const request of posted) {
        expect(request.params).toMatchObject({ RoomSid: room.sid, FriendlyName: 'Reading group' });
        const signature = String(request.headers['x-twilio-signature']);
        expect(twilio.validateRequest(harness.account.authToken, signature, request.url, request.params)).toBe(true);
      }
      device.destroy();
    });
});
