/**
 * The organizer console's calls in Debian's Chromium against a real Patchbay (in-process, on
 * loopback, on the simulated network): the page is driven as an organizer would, and every
 * assertion is on what the page shows (with the server's roster read where the page's claim needs
 * checking). Phones press 1, decline, never answer or are busy (phones.ts); the room's 30-second
 * ring, and the time to a scheduled call, pass when the test skips the server's clock.
 */
import { expect, it } from 'vitest';
import { ORGANIZER, ROOM_NUMBERS } from './console.js';
import { open, phone, roomSid, select } from './console.test-support.js';
import { addMember, createRoom, rosterState } from './drive.js';

it('creates a room, adds members, rings them with one tap and follows the roster live: joined, declined, no answer; mutes one, ends for all', async () => {
  const { page, clock, server, errors } = await open();
  await page.locator('#rooms-empty', { hasText: 'No rooms yet' }).waitFor();

  await createRoom(page, 'Book club');
  const number = (await page.locator('#room-number').textContent()) ?? '';
  expect(ROOM_NUMBERS).toContain(number);
  expect(await page.locator('.room-item[aria-current="page"]').textContent()).toBe(`BCBook club${number}`);
  // The organizer is the room's first member.
  expect(await page.locator('.member[data-name="Olga Novak"]').textContent()).toContain('Organizer');
  await page.locator('#members-empty', { hasText: 'Nobody here yet' }).waitFor();

  for (const first of ['Ann', 'Bob', 'Cleo', 'Dan']) await addMember(page, phone(first));
  expect(await page.locator('#room-count').textContent()).toBe('5 members');
  expect(await page.locator('.member[data-name="Dan Ruiz"]').textContent()).toContain('Phone +15550100104');
  expect(await page.locator('#one-tap').textContent()).toBe('Select who to call');
  expect(await page.locator('#one-tap').isDisabled()).toBe(true);
  for (const name of ['Ann Lee', 'Bob Stone', 'Cleo Park', 'Dan Ruiz']) await select(page, name);
  expect(await page.locator('#selected-count').textContent()).toBe('4 of 4 selected');
  expect(await page.locator('#select-all').isChecked()).toBe(true);

  await page.click('#one-tap');
  await page.locator('#call-title', { hasText: 'Live call' }).waitFor();
  await rosterState(page, 'Ann Lee').getByText('Joined').waitFor();
  await rosterState(page, 'Bob Stone').getByText('Joined').waitFor();
  await rosterState(page, 'Olga Novak').getByText('Joined').waitFor();
  await rosterState(page, 'Cleo Park').getByText('Declined').waitFor();
  expect(await rosterState(page, 'Dan Ruiz').textContent()).toBe('Ringing');
  // The organizer leaves by ending the call for everyone: no Remove on their row.
  const olga = page.locator('.person[data-name="Olga Novak"]');
  expect(await olga.locator('.badge').textContent()).toBe('Organizer');
  expect(await olga.getByText('Remove').count()).toBe(0);
  await page.locator('#call-state', { hasText: '3 in the call' }).waitFor();
  await page.locator('#room-live', { hasText: 'Call in progress' }).waitFor();
  await page.locator('.room-item[aria-current="page"] .badge', { hasText: 'Live' }).waitFor();
  // The timer runs.
  await page.locator('#call-timer', { hasText: '0:01' }).waitFor();

  clock.skip(30_000);
  await rosterState(page, 'Dan Ruiz').getByText('No answer').waitFor();
  expect(await page.locator('.person[data-name="Dan Ruiz"] button').count()).toBe(0);

  await page.click('[aria-label="Mute Ann Lee"]');
  await page.locator('.person[data-name="Ann Lee"] .muted-badge').waitFor();
  expect(await page.getAttribute('[aria-label="Mute Ann Lee"]', 'aria-pressed')).toBe('true');
  const sid = (await roomSid(page)) ?? '';
  const roster = await server.client.rooms.call(sid).get();
  expect(roster.participants.find((p) => p.displayName === 'Ann Lee')?.muted).toBe(true);
  await page.click('[aria-label="Mute Ann Lee"]');
  await page.locator('[aria-label="Mute Ann Lee"][aria-pressed="false"]').waitFor();
  expect(await page.locator('.person[data-name="Ann Lee"] .muted-badge').count()).toBe(0);

  await page.click('#end-call');
  await page.locator('#call-title', { hasText: 'Last call' }).waitFor();
  expect(await page.locator('#call-state').textContent()).toBe('Ended for everyone');
  await rosterState(page, 'Ann Lee').getByText('Left').waitFor();
  await page.locator('#room-live').waitFor({ state: 'hidden' });
  expect(await page.locator('#end-call').isHidden()).toBe(true);
  expect((await server.client.rooms.call(sid).get()).endReason).toBe('ended-by-request');
  expect(errors).toEqual([]);
});

it('calls the organizer first when asked, rings more people into the call, shows a caller who is no member by number, takes one out', async () => {
  const { page, clock, server } = await open();
  // The organizer's phone rings 20 s before it answers: the others wait meanwhile.
  server.patchbay.network?.addNumber(ORGANIZER.phoneNumber, { ringMs: 20_000 });
  await createRoom(page, 'Family');
  for (const first of ['Ann', 'Bob', 'Eve']) await addMember(page, phone(first));
  await select(page, 'Ann Lee');
  await page.check('#phone-first');
  await page.click('#one-tap');
  await rosterState(page, 'Olga Novak').getByText('Ringing').waitFor();
  await rosterState(page, 'Ann Lee').getByText('Waiting').waitFor();
  clock.skip(20_000);
  await rosterState(page, 'Olga Novak').getByText('Joined').waitFor();
  await rosterState(page, 'Ann Lee').getByText('Joined').waitFor();

  // While the call runs, the one-tap button rings the selected into it.
  await select(page, 'Bob Stone');
  await select(page, 'Eve Moss');
  expect(await page.locator('#one-tap').textContent()).toBe('Ring 2 people now');
  await page.click('#one-tap');
  await rosterState(page, 'Bob Stone').getByText('Joined').waitFor();
  await rosterState(page, 'Eve Moss').getByText('Busy').waitFor();

  // Someone who is not a member dials the room's number: in the roster by their number.
  const number = (await page.locator('#room-number').textContent()) ?? '';
  await server.client.simulator.calls.create({ from: '+15550100999', to: number });
  await rosterState(page, '+15550100999').getByText('Joined').waitFor();
  expect(await page.locator('.person[data-name="+15550100999"] .badge').textContent()).toBe('Not a member');

  await page.click('[aria-label="Remove Bob Stone from the call"]');
  await rosterState(page, 'Bob Stone').getByText('Left').waitFor();
  await page.locator('#call-state', { hasText: '3 in the call' }).waitFor();
  await page.click('#end-call');
  await page.locator('#call-title', { hasText: 'Last call' }).waitFor();
});

it('schedules a call, which starts on time and shows live; lists, explains and deletes schedules', async () => {
  const { page, clock } = await open();
  await createRoom(page, 'Book club');
  for (const first of ['Ann', 'Cleo']) await addMember(page, phone(first));
  await page.locator('#schedules-empty', { hasText: 'No calls scheduled.' }).waitFor();

  // Cancel drops what was chosen: opened again, the form is "Once" with its date (no weekdays).
  await page.click('#add-schedule');
  await page.selectOption('#schedule-recurrence', 'weekly');
  await page.click('#schedule-cancel');
  await page.click('#add-schedule');
  expect(await page.inputValue('#schedule-recurrence')).toBe('once');
  expect(await page.locator('#schedule-days').isHidden()).toBe(true);
  expect(await page.locator('#schedule-start').isVisible()).toBe(true);
  await page.click('#schedule-cancel');

  // A weekly call needs its days: the form says so.
  await page.click('#add-schedule');
  await page.selectOption('#schedule-recurrence', 'weekly');
  await page.click('#schedule-form button[type="submit"]');
  await page.locator('#schedule-form-error', { hasText: 'Choose at least one day of the week.' }).waitFor();
  await page.check('#schedule-days input[value="mon"]');
  await page.check('#schedule-days input[value="thu"]');
  await page.fill('#schedule-time', '18:00');
  await page.fill('#schedule-name', 'Weekly');
  await page.click('#schedule-form button[type="submit"]');
  await page.locator('.schedule', { hasText: 'Every Mon, Thu at 18:00' }).waitFor();
  expect(await page.locator('#schedule-form').isHidden()).toBe(true);

  // Once, ten minutes from the server's now (the browser is in UTC).
  const at = new Date(clock.now() + 10 * 60_000);
  await page.click('#add-schedule');
  await page.fill('#schedule-name', 'Catch-up');
  await page.fill('#schedule-start', at.toISOString().slice(0, 16));
  await select(page, 'Ann Lee');
  await page.click('#schedule-form button[type="submit"]');
  const once = page.locator('.schedule', { hasText: 'Catch-up' });
  await once.waitFor();
  expect(await once.textContent()).toContain('1 selected');
  expect(await once.textContent()).toMatch(/Once, .*Next: /);

  clock.skip(11 * 60_000);
  await page.locator('#call-title', { hasText: 'Live call' }).waitFor();
  await rosterState(page, 'Ann Lee').getByText('Joined').waitFor();
  expect(await page.locator('.person[data-name="Cleo Park"]').count()).toBe(0);
  await page.click('#end-call');
  await page.locator('#call-title', { hasText: 'Last call' }).waitFor();

  await page.click('[aria-label="Delete Weekly"]');
  await page.locator('.schedule', { hasText: 'Weekly' }).waitFor({ state: 'detached' });
  await page.click('[aria-label="Delete Catch-up"]');
  await page.locator('#schedules-empty').waitFor();
});
