/**
 * A room's members through `/patchbay/v1/Rooms/{Sid}/Members`: phone members with alternative
 * numbers, app users, both; the same person twice merged into one; the room's limit under
 * concurrent adds; the directory-only policy resolving names; the SMS a new member gets; a
 * member's presence and how they can be reached as their app comes online and goes.
 */
import { describe, expect, it } from 'vitest';
import { deviceFor, newKey, tokenFor } from '../bridge/devices.test-support.js';
import { MemoryStore } from '../store/memory.js';
import { type ApiHarness, harnessPerTest } from './harness.test-support.js';
import { addNumbers, roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const ROOM_NUMBER = '+15550100900';

async function room(harness: ApiHarness, form: Record<string, string> = {}): Promise<string> {
  await addNumbers(harness, ROOM_NUMBER);
  const created = await roomsRequest(harness, 'POST', 'Rooms', { FriendlyName: 'Book club', ...form });
  return created.json.sid as string;
}

const members = (roomSid: string) => `Rooms/${roomSid}/Members`;

describe('room members', () => {
  it('adds phone members and app users, merges the same person, removes them', async () => {
    const harness = await startHarness();
    const sid = await room(harness);
    const organizer = await roomsRequest(harness, 'POST', members(sid), {
      FirstName: 'Olga',
      Identity: 'olga',
      Role: 'organizer',
    });
    expect(organizer.status).toBe(201);
    const ann = await roomsRequest(harness, 'POST', members(sid), {
      FirstName: 'Ann',
      LastName: 'Lee',
      PhoneNumber: '+15550100101',
      WorkNumber: '+15550100102',
      RingPhone: 'work',
    });
    expect(ann.status).toBe(201);
    expect(ann.json).toEqual({
      sid: expect.stringMatching(/^MB[0-9a-f]{32}$/),
      account_sid: harness.account.sid,
      room_sid: sid,
      first_name: 'Ann',
      last_name: 'Lee',
      display_name: 'Ann Lee',
      avatar_url: null,
      identity: null,
      phone_numbers: [
        { type: 'mobile', number: '+15550100101' },
        { type: 'work', number: '+15550100102' },
      ],
      ring_phone: 'work',
      role: 'member',
      opted_out: false,
      directory_entry_sid: null,
      verified_numbers: [],
      presence: null,
      reachable_by: ['phone'],
      date_created: expect.stringMatching(/Z$/),
      date_updated: expect.stringMatching(/Z$/),
      url: `${harness.base}/patchbay/v1/Rooms/${sid}/Members/${ann.json.sid}`,
    });
    // She is told, from the room's number, on the number she is rung on.
    const texts = harness.runtime.messages.list({ from: ROOM_NUMBER });
    expect(texts.map((m) => [m.to, m.body])).toEqual([
      ['+15550100102', `Olga has a new conference number ${ROOM_NUMBER} for calls with you (Book club); save it.`],
    ]);

    // The same person again (her mobile), now with the app: one member, the identity added.
    const again = await roomsRequest(harness, 'POST', members(sid), {
      PhoneNumber: '+15550100101',
      Identity: 'ann',
      HomeNumber: '+15550100103',
    });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      sid: ann.json.sid,
      identity: 'ann',
      first_name: 'Ann',
      presence: 'offline',
      phone_numbers: [
        { type: 'mobile', number: '+15550100101' },
        { type: 'work', number: '+15550100102' },
        { type: 'home', number: '+15550100103' },
      ],
    });
    expect(harness.runtime.messages.list({ from: ROOM_NUMBER })).toHaveLength(1);

    // Her app comes online: the member shows it, and that she can be reached in the app as well.
    const device = deviceFor(harness, tokenFor(harness, await newKey(harness), 'ann'));
    await device.register();
    const online = await roomsRequest(harness, 'GET', `${members(sid)}/${ann.json.sid}`);
    expect(online.json).toMatchObject({ presence: 'online', reachable_by: ['app', 'phone'] });
    device.destroy();
    await expect
      .poll(async () => (await roomsRequest(harness, 'GET', `${members(sid)}/${ann.json.sid}`)).json.presence)
      .toBe('offline');

    const listed = await roomsRequest(harness, 'GET', members(sid));
    expect((listed.json.members as { display_name: string }[]).map((m) => m.display_name)).toEqual(['Olga', 'Ann Lee']);

    // Removing her work number moves the ring choice to her first number.
    const changed = await roomsRequest(harness, 'POST', `${members(sid)}/${ann.json.sid}`, { WorkNumber: '' });
    expect(changed.json).toMatchObject({ ring_phone: 'mobile', phone_numbers: [{ type: 'mobile' }, { type: 'home' }] });
    expect((await roomsRequest(harness, 'DELETE', `${members(sid)}/${ann.json.sid}`)).status).toBe(204);
    expect((await roomsRequest(harness, 'GET', `${members(sid)}/${ann.json.sid}`)).status).toBe(404);
  });

  it('refuses contacts nobody can reach and bad numbers, naming the field', async () => {
    const harness = await startHarness();
    const sid = await room(harness);
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ FirstName: 'Nobody' }, 91106, /^Identity: give an identity, a phone number, or both/],
      [{ PhoneNumber: '5550100' }, 21200, /^PhoneNumber: must be a number in E\.164/],
      [{ Identity: 'a b' }, 21200, /^Identity: /],
      [{ PhoneNumber: '+15550100101', RingPhone: 'home' }, 91106, /^RingPhone: the contact has no home number/],
      [
        { PhoneNumber: '+15550100101', RingPhone: 'pager' },
        21200,
        /^RingPhone: must be one of mobile, work, home, other/,
      ],
      [
        { PhoneNumber: '+15550100101', MobileNumber: '+15550100109' },
        21200,
        /^PhoneNumber: and MobileNumber give two mobile numbers/,
      ],
      [{ Identity: 'x', Role: 'owner' }, 21200, /^Role: must be organizer or member/],
    ];
    for (const [form, code, message] of cases) {
      const answer = await roomsRequest(harness, 'POST', members(sid), form);
      expect(answer.status, JSON.stringify(form)).toBe(400);
      expect(answer.json).toMatchObject({ code, message: expect.stringMatching(message) });
    }
    expect((await roomsRequest(harness, 'GET', members(sid))).json.members).toEqual([]);
  });

  it('holds the member limit under concurrent adds; a merge does not count again', async () => {
    // Every list takes a moment, as on a busy disk: concurrent adds would all see room for one more.
    const store = new MemoryStore();
    const list = store.list.bind(store);
    store.list = async (kind, query) => {
      const page = await list(kind, query);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return page as never;
    };
    const harness = await startHarness({ store });
    const sid = await room(harness, { MemberLimit: '3' });
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => roomsRequest(harness, 'POST', members(sid), { PhoneNumber: `+1555010020${n}` })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 409, 409]);
    expect(answers.find((a) => a.status === 409)?.json).toMatchObject({ code: 91103 });
    const kept = answers.find((a) => a.status === 201)?.json.phone_numbers as { number: string }[];
    const merged = await roomsRequest(harness, 'POST', members(sid), {
      PhoneNumber: kept[0]?.number ?? '',
      FirstName: 'Kim',
    });
    expect(merged).toMatchObject({ status: 200, json: { first_name: 'Kim' } });
  });

  it('takes contacts only from the directory when the policy says so, with the directory names', async () => {
    const harness = await startHarness();
    const sid = await room(harness);
    const entry = await roomsRequest(harness, 'POST', 'Directory', {
      FirstName: 'Dana',
      LastName: 'Cruz',
      MobileNumber: '+15550100301',
    });
    expect(entry.status).toBe(201);
    // The same person again merges in the directory too.
    const same = await roomsRequest(harness, 'POST', 'Directory', { PhoneNumber: '+15550100301', Identity: 'dana' });
    expect(same).toMatchObject({ status: 200, json: { sid: entry.json.sid, identity: 'dana', first_name: 'Dana' } });
    const policy = await roomsRequest(harness, 'POST', 'RoomPolicy', { ContactsFromDirectoryOnly: 'true' });
    expect(policy.json).toMatchObject({ contacts_from_directory_only: true, members_may_chat: true });

    const stranger = await roomsRequest(harness, 'POST', members(sid), {
      FirstName: 'Eve',
      PhoneNumber: '+15550100399',
    });
    expect(stranger).toMatchObject({ status: 400, json: { code: 91104 } });
    const typed = await roomsRequest(harness, 'POST', members(sid), {
      FirstName: 'Someone',
      PhoneNumber: '+15550100301',
    });
    expect(typed).toMatchObject({
      status: 201,
      json: { first_name: 'Dana', last_name: 'Cruz', identity: 'dana', directory_entry_sid: entry.json.sid },
    });
    const unknownEntry = await roomsRequest(harness, 'POST', members(sid), {
      DirectoryEntrySid: `DE${'0'.repeat(32)}`,
    });
    expect(unknownEntry).toMatchObject({ status: 400, json: { code: 91104 } });
  });

  it('fills the account template for new members; no text to organizers or app-only members', async () => {
    const harness = await startHarness();
    const sid = await room(harness);
    await roomsRequest(harness, 'POST', 'RoomPolicy', { MemberAddedTemplate: 'Call {room} at {number}. ({unknown})' });
    await roomsRequest(harness, 'POST', members(sid), { PhoneNumber: '+15550100401', Role: 'organizer' });
    await roomsRequest(harness, 'POST', members(sid), { Identity: 'app-only' });
    await roomsRequest(harness, 'POST', members(sid), { PhoneNumber: '+15550100402' });
    expect(harness.runtime.messages.list({ from: ROOM_NUMBER }).map((m) => [m.to, m.body])).toEqual([
      ['+15550100402', `Call Book club at ${ROOM_NUMBER}. ({unknown})`],
    ]);
  });
});
