/**
 * One-tap room calls (docs/rooms.md): everyone selected rung at once from the room's number, a
 * phone member joining by pressing 1 (anything else, hanging up or silence declines), busy and
 * unanswered phones, the live roster after each, on the simulated network in virtual time; an
 * app member, and the organizer starting from their own app, join by accepting in the app.
 */
import { AccessToken, RoomsGrant, VoiceGrant } from '@patchbay/sdk';
import { describe, expect, it } from 'vitest';
import { deviceFor, newKey, next, tokenFor, until } from '../bridge/devices.test-support.js';
import { VirtualClock } from '../clock/virtual.js';
import { harnessPerTest } from './harness.test-support.js';
import { type MemberSpec, pauseWhen, ROOM_NUMBER, roomWith, roster, settled } from './room-calls.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();

const phone = (n: number) => `+1555020${String(n).padStart(4, '0')}`;

describe('one tap', () => {
  it('rings 40 members at once; some press 1, some decline, some are busy, some never answer', async () => {
    const clock = new VirtualClock();
    const harness = await startHarness({ clock, networkClock: clock });
    const kinds = ['joins', 'presses 2', 'hangs up', 'silent', 'busy', 'no answer'] as const;
    const behaviour = {
      joins: { inputs: [{ digits: '1' }] },
      'presses 2': { inputs: [{ digits: '2' }] },
      'hangs up': { inputs: [{ hangup: true }] },
      silent: { inputs: [{ silence: true }] },
      busy: { onCall: 'busy' },
      'no answer': { onCall: 'no-answer' },
    } as const;
    const members: MemberSpec[] = [{ name: 'Olga', phone: phone(0), role: 'organizer' }];
    for (let i = 1; i < 40; i++) {
      const kind = kinds[i % kinds.length] as (typeof kinds)[number];
      members.push({ name: `${kind} ${i}`, phone: phone(i), behaviour: behaviour[kind] });
    }
    const room = await roomWith(harness, members);
    const started = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' });
    expect(started.status).toBe(201);
    const rows = started.json.participants as Array<{ call_sid: string; state: string; address: string }>;
    expect(rows).toHaveLength(40);
    expect(rows.every((row) => row.state === 'ringing' && row.call_sid)).toBe(true);
    for (const row of rows) expect(harness.runtime.calls.get(row.call_sid)?.from).toBe(ROOM_NUMBER);

    const joiners = members.filter((m) => m.name.startsWith('joins')).length;
    const release = await pauseWhen(harness, clock, () =>
      settled(
        harness,
        rows.map((row) => row.call_sid),
        joiners + 1,
      ),
    );
    const { byName, json } = await roster(harness, room.sid);
    release();
    expect(json.status).toBe('in-progress');
    expect(byName.Olga?.state).toBe('joined');
    for (const member of members.slice(1)) {
      const expected = {
        joins: 'joined',
        'presses 2': 'declined',
        'hangs up': 'declined',
        silent: 'declined',
        busy: 'busy',
        'no answer': 'no-answer',
      }[member.name.replace(/ \d+$/, '') as (typeof kinds)[number]];
      expect([member.name, byName[member.name]?.state]).toEqual([member.name, expected]);
    }
    const joinedOne = harness.network.parties.find((p) => p.address === phone(6));
    expect(joinedOne?.lines().join('\n')).toContain('Olga is calling you for Book club. Press 1 to join.');
    const declined = harness.network.parties.find((p) => p.address === phone(1));
    expect(declined?.calledFrom).toEqual([ROOM_NUMBER]);
  });

  it('invites an app member through their device, who joins by accepting', async () => {
    const harness = await startHarness();
    const room = await roomWith(harness, [
      { name: 'Olga', phone: phone(0), role: 'organizer' },
      { name: 'Dana', identity: 'dana', phone: phone(1) },
    ]);
    const dana = deviceFor(harness, tokenFor(harness, await newKey(harness), 'dana'));
    await dana.register();
    const invited = next(dana, 'incoming');
    const joined = until(harness.runtime.events, 'conference.updated', (c) => c.participants.length === 2);
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Members: room.members.Dana as string });
    const [call] = await invited;
    expect(Object.fromEntries(call.customParameters)).toEqual({
      RoomSid: room.sid,
      RoomName: 'Book club',
      Caller: 'Olga',
    });
    expect((await roster(harness, room.sid)).byName.Dana).toMatchObject({ address: 'client:dana', state: 'ringing' });
    await call.accept();
    await joined;
    expect((await roster(harness, room.sid)).byName.Dana?.state).toBe('joined');
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Status: 'completed' });
    dana.destroy();
  });

  it('lets the organizer start from their app and join there by accepting; their phone is not rung', async () => {
    const harness = await startHarness();
    const room = await roomWith(harness, [
      { name: 'Olga', identity: 'olga', phone: phone(0), role: 'organizer' },
      { name: 'Dana', phone: phone(1), behaviour: { inputs: [{ digits: '1' }] } },
    ]);
    const key = await newKey(harness);
    const token = new AccessToken(harness.account.sid, key.sid, key.secret, { identity: 'olga' })
      .addGrant(new VoiceGrant({ incomingAllow: true }))
      .addGrant(new RoomsGrant({ rooms: [room.sid], organizer: true }))
      .toJwt();
    const olga = deviceFor(harness, token);
    await olga.register();
    const invited = next(olga, 'incoming');
    const joined = until(harness.runtime.events, 'conference.updated', (c) => c.participants.length === 2);
    // One tap in the organizer's app: everyone is rung, the organizer's own app among them.
    expect(await olga.room(room.sid).start()).toBeGreaterThan(0);
    const [call] = await invited;
    expect(Object.fromEntries(call.customParameters)).toMatchObject({ RoomSid: room.sid });
    await call.accept();
    await joined;
    const { byName } = await roster(harness, room.sid);
    expect(byName.Olga).toMatchObject({ address: 'client:olga', state: 'joined' });
    expect(byName.Dana).toMatchObject({ address: phone(1), state: 'joined' });
    expect(harness.network.party(phone(0))).toBeUndefined();
    await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Status: 'completed' });
    olga.destroy();
  });

  it('rings the number the call chooses for a member, and refuses one they do not have', async () => {
    const clock = new VirtualClock();
    const harness = await startHarness({ clock, networkClock: clock });
    const room = await roomWith(harness, [{ name: 'Olga', phone: phone(0), role: 'organizer' }]);
    const ann = await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Members`, {
      FirstName: 'Ann',
      PhoneNumber: phone(1),
      WorkNumber: phone(2),
    });
    const call = `Rooms/${room.sid}/Call`;
    const home = await roomsRequest(harness, 'POST', call, {
      Members: String(ann.json.sid),
      RingPhone: `${ann.json.sid}:home`,
    });
    expect([home.status, home.json.code]).toEqual([400, 91106]);
    const work = await roomsRequest(harness, 'POST', call, {
      Members: String(ann.json.sid),
      RingPhone: `${ann.json.sid}:work`,
    });
    const rows = work.json.participants as Array<{ display_name: string; address: string }>;
    expect(rows.find((row) => row.display_name === 'Ann')?.address).toBe(phone(2));
    await roomsRequest(harness, 'POST', call, { Status: 'completed' });
  });
});
