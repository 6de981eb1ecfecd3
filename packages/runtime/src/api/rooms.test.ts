/**
 * Rooms and their members through `/patchbay/v1`: a room gets a free number of the account's, the
 * same person added twice is one member, limits and the directory-only policy hold with typed
 * errors, new members are told by SMS from the room's number, and another account sees nothing.
 */
import { describe, expect, it } from 'vitest';
import { harnessPerTest } from './harness.test-support.js';
import { addNumbers, roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();
const ROOM_SID = /^RM[0-9a-f]{32}$/;

describe('rooms', () => {
  it('creates a room on a free number, lists, fetches, renames and deletes it (the number is free again)', async () => {
    const harness = await startHarness();
    const { client, base } = harness;
    // A number that already runs an app is not free.
    await client.incomingPhoneNumbers.create({ phoneNumber: '+15550100001', voiceUrl: `${harness.app.url}/voice` });
    await addNumbers(harness, '+15550100002');
    const created = await roomsRequest(harness, 'POST', 'Rooms', {
      FriendlyName: 'Family',
      AvatarUrl: 'https://example.com/f.png',
    });
    expect(created.status).toBe(201);
    const room = created.json;
    expect(room).toEqual({
      sid: expect.stringMatching(ROOM_SID),
      account_sid: harness.account.sid,
      friendly_name: 'Family',
      avatar_url: 'https://example.com/f.png',
      phone_number: '+15550100002',
      phone_number_sid: expect.stringMatching(/^PN/),
      member_limit: 40,
      end_when_organizer_leaves: true,
      inactivity_timeout: 300,
      max_duration: 14400,
      members_may_start: true,
      non_members: 'join-in-progress',
      members_may_schedule: false,
      status_callback: null,
      status_callback_method: 'POST',
      call_in_progress: false,
      date_created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      date_updated: expect.stringMatching(/Z$/),
      url: `${base}/patchbay/v1/Rooms/${room.sid}`,
      links: {
        members: `${base}/patchbay/v1/Rooms/${room.sid}/Members`,
        call: `${base}/patchbay/v1/Rooms/${room.sid}/Call`,
        calls: `${base}/patchbay/v1/Rooms/${room.sid}/Calls`,
      },
    });

    // No number left: a typed error, and nothing created.
    const none = await roomsRequest(harness, 'POST', 'Rooms', { FriendlyName: 'Work' });
    expect(none.status).toBe(409);
    expect(none.json).toMatchObject({ code: 91101, status: 409, more_info: `${base}/docs/errors#91101` });

    // The room's number cannot be deleted under it.
    const numberSid = room.phone_number_sid as string;
    await expect(client.incomingPhoneNumbers(numberSid).remove()).rejects.toMatchObject({ code: 91108, status: 409 });

    const renamed = await roomsRequest(harness, 'POST', `Rooms/${room.sid}`, {
      FriendlyName: 'The Family',
      MaxDuration: '3600',
      NonMembers: 'admit',
    });
    expect(renamed.json).toMatchObject({
      friendly_name: 'The Family',
      max_duration: 3600,
      non_members: 'admit',
      avatar_url: 'https://example.com/f.png',
    });
    const cleared = await roomsRequest(harness, 'POST', `Rooms/${room.sid}`, { AvatarUrl: '' });
    expect(cleared.json.avatar_url).toBeNull();
    expect((await roomsRequest(harness, 'GET', `Rooms/${room.sid}`)).json.friendly_name).toBe('The Family');

    const page = await roomsRequest(harness, 'GET', 'Rooms?PageSize=1');
    expect(page.json.rooms).toEqual([expect.objectContaining({ sid: room.sid })]);
    expect(page.json.meta).toMatchObject({ key: 'rooms', page: 0, page_size: 1, next_page_url: null });

    expect((await roomsRequest(harness, 'DELETE', `Rooms/${room.sid}`)).status).toBe(204);
    expect((await roomsRequest(harness, 'GET', `Rooms/${room.sid}`)).status).toBe(404);
    const again = await roomsRequest(harness, 'POST', 'Rooms', { FriendlyName: 'Work' });
    expect(again.json.phone_number).toBe('+15550100002');
  });

  it('gives rooms created at the same moment different numbers', async () => {
    const harness = await startHarness();
    await addNumbers(harness, '+15550100011', '+15550100012');
    const answers = await Promise.all(
      ['A', 'B', 'C'].map((name) => roomsRequest(harness, 'POST', 'Rooms', { FriendlyName: name })),
    );
    const made = answers.filter((answer) => answer.status === 201).map((answer) => answer.json.phone_number);
    expect(made.sort()).toEqual(['+15550100011', '+15550100012']);
    expect(answers.filter((answer) => answer.status === 409).map((answer) => answer.json.code)).toEqual([91101]);
  });

  it('refuses bad parameters with the parameter named', async () => {
    const harness = await startHarness();
    await addNumbers(harness, '+15550100021');
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /^FriendlyName: a room needs a name/],
      [{ FriendlyName: 'x'.repeat(129) }, /^FriendlyName: must be 1 to 128/],
      [{ FriendlyName: 'R', MemberLimit: '251' }, /^MemberLimit: must be a whole number from 1 to 250/],
      [
        { FriendlyName: 'R', NonMembers: 'everyone' },
        /^NonMembers: must be one of join-in-progress, admit-and-ring, admit/,
      ],
      [{ FriendlyName: 'R', AvatarUrl: 'ftp://example.com/a.png' }, /^AvatarUrl: /],
      [{ FriendlyName: 'R', EndWhenOrganizerLeaves: 'maybe' }, /^EndWhenOrganizerLeaves: must be true or false/],
    ];
    for (const [form, message] of cases) {
      const answer = await roomsRequest(harness, 'POST', 'Rooms', form);
      expect(answer.status, JSON.stringify(form)).toBe(400);
      expect(answer.json).toMatchObject({ code: 21200, message: expect.stringMatching(message) });
    }
    // None of them took the number.
    expect((await roomsRequest(harness, 'POST', 'Rooms', { FriendlyName: 'R' })).status).toBe(201);
  });

  it("keeps one account's rooms invisible to another", async () => {
    const harness = await startHarness();
    await addNumbers(harness, '+15550100031');
    const room = (await roomsRequest(harness, 'POST', 'Rooms', { FriendlyName: 'Mine' })).json;
    const other = await harness.client.api.v2010.accounts.create({ friendlyName: 'Other' });
    const as = { sid: other.sid, secret: other.authToken };
    expect((await roomsRequest(harness, 'GET', `Rooms/${room.sid}`, undefined, as)).status).toBe(404);
    expect((await roomsRequest(harness, 'GET', `Rooms/${room.sid}/Members`, undefined, as)).status).toBe(404);
    expect((await roomsRequest(harness, 'DELETE', `Rooms/${room.sid}`, undefined, as)).status).toBe(404);
    expect((await roomsRequest(harness, 'GET', 'Rooms', undefined, as)).json.rooms).toEqual([]);
    // Nor does it take the other account's numbers.
    expect((await roomsRequest(harness, 'POST', 'Rooms', { FriendlyName: 'Theirs' }, as)).json.code).toBe(91101);
  });
});
