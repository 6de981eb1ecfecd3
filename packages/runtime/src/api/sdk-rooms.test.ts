/** The SDK's REST client on the rooms API of a real server: typed instances, v1 paging, RestError codes. */
import { Patchbay } from '@patchbay/sdk';
import { expect, it } from 'vitest';
import { harnessPerTest } from './harness.test-support.js';

const startHarness = harnessPerTest();

it('manages rooms, members, the directory and the policy through client.rooms', async () => {
  const harness = await startHarness();
  const client = new Patchbay(harness.account.sid, harness.account.authToken, { baseUrl: harness.base });
  await expect(client.rooms.create({ friendlyName: 'No number yet' })).rejects.toMatchObject({
    status: 409,
    code: 91101,
  });
  await client.incomingPhoneNumbers.create({ phoneNumber: '+15550100700' });
  const room = await client.rooms.create({ friendlyName: 'Team', memberLimit: 5, nonMembers: 'admit' });
  expect(room).toMatchObject({
    friendlyName: 'Team',
    phoneNumber: '+15550100700',
    memberLimit: 5,
    nonMembers: 'admit',
  });
  expect(room.dateCreated).toBeInstanceOf(Date);

  const members = client.rooms.members(room.sid);
  for (const n of [1, 2, 3]) await members.create({ firstName: `P${n}`, phoneNumber: `+1555010071${n}` });
  const merged = await members.create({ phoneNumber: '+15550100711', identity: 'p1', workNumber: '+15550100719' });
  expect(merged).toMatchObject({ firstName: 'P1', identity: 'p1', presence: 'offline', reachableBy: ['phone'] });
  expect(merged.phoneNumbers).toEqual([
    { type: 'mobile', number: '+15550100711' },
    { type: 'work', number: '+15550100719' },
  ]);
  // Pages of one, followed to the end.
  const names: string[] = [];
  for await (const member of members.each({ pageSize: 1 })) names.push(member.displayName);
  expect(names).toEqual(['P1', 'P2', 'P3']);
  expect(await members.list({ limit: 2 })).toHaveLength(2);

  const renamed = await client.rooms.update(room.sid, { friendlyName: 'The team', endWhenOrganizerLeaves: false });
  expect(renamed).toMatchObject({ friendlyName: 'The team', endWhenOrganizerLeaves: false });
  expect((await client.rooms.list()).map((r) => r.sid)).toEqual([room.sid]);

  const entry = await client.rooms.directory.create({ firstName: 'Dir', otherNumber: '+15550100790' });
  expect(entry).toMatchObject({ displayName: 'Dir', phoneNumbers: [{ type: 'other', number: '+15550100790' }] });
  const policy = await client.rooms.policy.update({ contactsFromDirectoryOnly: true, membersMayChat: false });
  expect(policy).toMatchObject({ contactsFromDirectoryOnly: true, membersMayChat: false, membersMaySendMedia: true });
  await expect(members.create({ phoneNumber: '+15550100799' })).rejects.toMatchObject({ status: 400, code: 91104 });

  await client.rooms.remove(room.sid);
  await expect(client.rooms.get(room.sid)).rejects.toMatchObject({ status: 404, code: 20404 });
});
