/**
 * The organizer console's room settings and members' numbers in Debian's Chromium against a real
 * Patchbay: a room renamed, its picture and call settings changed in the settings drawer (and the
 * server holding them), a bad value explained beside the form, the room deleted (refused while its
 * call runs, with 91102 in words); a member's other numbers added, and the number to ring chosen
 * for one call (`RingPhone=MB...:work`), the server ringing that number.
 */
import { expect, it } from 'vitest';
import { open, phone, roomSid, select } from './console.test-support.js';
import { addMember, createRoom, roomOpen, rosterState } from './drive.js';

it('changes the room in its settings drawer (name, picture, call settings), explains a bad value, and deletes the room once its call has ended', async () => {
  const { page, server, errors } = await open();
  await createRoom(page, 'Book club');
  await addMember(page, phone('Ann'));
  const sid = (await roomSid(page)) ?? '';

  await page.click('#room-settings');
  expect(await page.getAttribute('#room-settings', 'aria-expanded')).toBe('true');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('settings-name');
  // As the server holds it (its defaults): 300 s alone, 4 h at most, 40 members.
  expect(await page.inputValue('#settings-name')).toBe('Book club');
  expect(await page.inputValue('#settings-inactivity')).toBe('5');
  expect(await page.inputValue('#settings-max')).toBe('240');
  expect(await page.inputValue('#settings-limit')).toBe('40');
  expect(await page.inputValue('#settings-non-members')).toBe('join-in-progress');
  expect(await page.isChecked('#settings-end')).toBe(true);
  expect(await page.isChecked('#settings-start')).toBe(true);
  expect(await page.isChecked('#settings-schedule')).toBe(false);

  // A limit past 250: the server's refusal in words beside the form, and nothing changed.
  await page.fill('#settings-limit', '300');
  await page.click('#settings-form button[type="submit"]');
  await page.locator('#settings-form-error').waitFor();
  expect(await page.locator('#settings-form-error').textContent()).toBe(
    'The member limit is a whole number from 1 to 250. (error 21200)',
  );
  expect((await server.client.rooms.get(sid)).memberLimit).toBe(40);

  await page.fill('#settings-name', 'Reading circle');
  await page.fill('#settings-avatar', `${server.pageUrl}/circle.png`);
  await page.fill('#settings-inactivity', '2');
  await page.fill('#settings-max', '90');
  await page.fill('#settings-limit', '12');
  await page.selectOption('#settings-non-members', 'admit');
  await page.uncheck('#settings-end');
  await page.uncheck('#settings-start');
  await page.check('#settings-schedule');
  await page.click('#settings-form button[type="submit"]');
  await roomOpen(page, 'Reading circle');
  await page.locator('#settings-form').waitFor({ state: 'hidden' });
  expect(await page.locator('.room-item[aria-current="page"] .room-name').textContent()).toBe('Reading circle');
  expect(await page.getAttribute('#room-avatar-img img', 'src')).toBe(`${server.pageUrl}/circle.png`);
  expect(await page.title()).toBe('Reading circle – Patchbay Rooms');
  const saved = await server.client.rooms.get(sid);
  expect(saved).toMatchObject({
    friendlyName: 'Reading circle',
    avatarUrl: `${server.pageUrl}/circle.png`,
    inactivityTimeout: 120,
    maxDuration: 5400,
    memberLimit: 12,
    nonMembers: 'admit',
    endWhenOrganizerLeaves: false,
    membersMayStart: false,
    membersMaySchedule: true,
  });
  // Opened again, the drawer shows what was saved.
  await page.click('#room-settings');
  expect(await page.inputValue('#settings-max')).toBe('90');
  expect(await page.inputValue('#settings-non-members')).toBe('admit');
  await page.click('#settings-cancel');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('room-settings');

  // Deleting is asked once more (Keep leaves it), and refused while the room's call runs.
  await select(page, 'Ann Lee');
  await page.click('#one-tap');
  await rosterState(page, 'Ann Lee').getByText('Joined').waitFor();
  await page.click('#room-settings');
  await page.click('#delete-room');
  await page.locator('#delete-ask', { hasText: 'Delete Reading circle for good?' }).waitFor();
  await page.click('#delete-ask >> text=Keep');
  await page.locator('#delete-room').waitFor();
  await page.click('#delete-room');
  await page.click('[aria-label="Yes, delete Reading circle"]');
  await page.locator('#settings-form-error', { hasText: 'error 91102' }).waitFor();
  expect(await page.locator('#settings-form-error').textContent()).toBe(
    'This room has a call in progress. End it first. (error 91102)',
  );
  expect((await server.client.rooms.list()).map((room) => room.friendlyName)).toEqual(['Reading circle']);

  await page.click('#end-call');
  await page.locator('#call-title', { hasText: 'Last call' }).waitFor();
  await page.click('#delete-room');
  await page.click('[aria-label="Yes, delete Reading circle"]');
  await page.locator('#room-none').waitFor();
  await page.locator('#rooms-empty').waitFor();
  expect(await page.locator('#room-open').isHidden()).toBe(true);
  expect(await server.client.rooms.list()).toEqual([]);
  expect(errors).toEqual([]);
});

it("adds a member's other numbers, and rings the one chosen for this call (their usual one the next time)", async () => {
  const { page, server } = await open();
  const work = '+15550100111';
  server.patchbay.network?.addNumber(work, { inputs: [{ digits: '1' }] });
  await createRoom(page, 'Family');

  // A number that is not E.164 in the extra numbers: named in words beside the form.
  await page.click('#add-member');
  await page.fill('#member-first', 'Zed');
  await page.click('#member-more summary');
  await page.fill('#member-work', '555-0100');
  await page.click('#member-form button[type="submit"]');
  await page.locator('#member-form-error', { hasText: 'error 21200' }).waitFor();
  expect(await page.locator('#member-form-error').textContent()).toBe(
    'The work number is not valid: write it in E.164, like +15550100123. (error 21200)',
  );
  await page.click('#member-cancel');

  await page.click('#add-member');
  const ann = phone('Ann');
  await page.fill('#member-first', ann.firstName);
  await page.fill('#member-last', ann.lastName);
  await page.fill('#member-phone', ann.phoneNumber);
  await page.click('#member-more summary');
  await page.fill('#member-work', work);
  await page.click('#member-form button[type="submit"]');
  const row = page.locator('.member[data-name="Ann Lee"]');
  await row.waitFor();
  const sid = (await roomSid(page)) ?? '';
  const members = await server.client.rooms.members(sid).list();
  expect(members.find((member) => member.displayName === 'Ann Lee')?.phoneNumbers).toEqual([
    { type: 'mobile', number: ann.phoneNumber },
    { type: 'work', number: work },
  ]);
  await addMember(page, phone('Bob'));
  // Only someone with several numbers gets the choice.
  const choice = '[aria-label="Number to ring for Ann Lee"]';
  expect(await page.locator(`${choice} option`).allTextContents()).toEqual([
    `Mobile ${ann.phoneNumber}`,
    `Work ${work}`,
  ]);
  expect(await page.locator('[aria-label="Number to ring for Bob Stone"]').count()).toBe(0);

  await page.selectOption(choice, 'work');
  expect(await row.textContent()).toContain(`Phone ${work}`);
  await select(page, 'Ann Lee');
  await select(page, 'Bob Stone');
  await page.click('#one-tap');
  await rosterState(page, 'Ann Lee').getByText('Joined').waitFor();
  await rosterState(page, 'Bob Stone').getByText('Joined').waitFor();
  const rung = (await server.client.rooms.call(sid).get()).participants.map((p) => `${p.displayName} ${p.address}`);
  expect(rung).toContain(`Ann Lee ${work}`);
  expect(rung).toContain(`Bob Stone ${phone('Bob').phoneNumber}`);
  // The choice was for that call: the list shows the usual number again.
  expect(await page.inputValue(choice)).toBe('mobile');
  await page.click('#end-call');
  await page.locator('#call-title', { hasText: 'Last call' }).waitFor();
});

it('follows the room as it changes elsewhere (renamed, members added, changed and removed over REST) without a reload, and says why a call failed', async () => {
  const { page, server, errors } = await open();
  await createRoom(page, 'Family');
  await addMember(page, phone('Ann'));
  await addMember(page, phone('Bob'));
  const sid = (await roomSid(page)) ?? '';
  const list = server.client.rooms.members(sid);
  const bySid = async (name: string) => (await list.list()).find((member) => member.displayName === name)?.sid ?? '';

  await server.client.rooms.update(sid, { friendlyName: 'The Lees', avatarUrl: `${server.pageUrl}/lees.png` });
  await page.locator('#room-name-title', { hasText: 'The Lees' }).waitFor();
  await page.locator('.room-item[aria-current="page"] .room-name', { hasText: 'The Lees' }).waitFor();
  expect(await page.getAttribute('#room-avatar-img img', 'src')).toBe(`${server.pageUrl}/lees.png`);

  const cleo = phone('Cleo');
  await list.create({ firstName: cleo.firstName, lastName: cleo.lastName, phoneNumber: cleo.phoneNumber });
  await page.locator('.member[data-name="Cleo Park"]').waitFor();
  await list.update(await bySid('Ann Lee'), { homeNumber: '+15550100121' });
  await page.locator('[aria-label="Number to ring for Ann Lee"] option', { hasText: 'Home +15550100121' }).waitFor({
    state: 'attached',
  });
  await list.remove(await bySid('Bob Stone'));
  await page.locator('.member[data-name="Bob Stone"]').waitFor({ state: 'detached' });
  expect(await page.locator('#room-count').textContent()).toBe('3 members');

  // A call that fails under the room (its conference ended over REST) says so, with the code,
  // live and after a reload (from the server's roster).
  await select(page, 'Ann Lee');
  await page.click('#one-tap');
  await rosterState(page, 'Ann Lee').getByText('Joined').waitFor();
  const conference = (await server.client.rooms.call(sid).get()).conferenceSid ?? '';
  await server.client.conferences.update(conference, { status: 'completed' });
  await page.locator('#call-state', { hasText: 'Ended: the call failed (error 91180)' }).waitFor();
  await page.reload();
  await roomOpen(page, 'The Lees');
  expect(await page.locator('#call-state').textContent()).toBe('Ended: the call failed (error 91180)');
  expect(errors).toEqual([]);
});
