/**
 * The organizer console in Debian's Chromium against a real Patchbay (in-process, on loopback, on
 * the simulated network): the page is driven as an organizer would, and every assertion is on
 * what the page shows (with the server's roster read where the page's claim needs checking).
 * Phones press 1, decline, never answer or are busy (phones.ts); the room's 30-second ring runs
 * out when the test skips the server's clock, not in real time.
 */
import { createRequire } from 'node:module';
import { AccessToken, Device, VoiceGrant } from '@patchbay/sdk';
import type { Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { ORGANIZER, ROOM_NUMBERS } from './console.js';
import { addMember, createRoom, type OpenConsole, openConsole, roomOpen, rosterState } from './drive.js';
import { DEMO_PHONES } from './phones.js';

const opened: OpenConsole[] = [];
afterEach(async () => {
  for (const open of opened.splice(0)) await open.close();
}, 30_000);

async function open(options: Parameters<typeof openConsole>[0] = {}): Promise<OpenConsole> {
  const started = await openConsole(options);
  opened.push(started);
  return started;
}

const phone = (first: string) => DEMO_PHONES.find((p) => p.firstName === first) as (typeof DEMO_PHONES)[number];
const select = (page: Page, name: string) => page.check(`[aria-label="Select ${name}"]`);
const roomSid = (page: Page) => page.locator('.room-item[aria-current="page"]').getAttribute('data-sid');

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

it('chats: to everyone and privately to the members selected (texted to their phones), and texts to the room arrive live', async () => {
  const { page, server, errors } = await open();
  await createRoom(page, 'Book club');
  for (const first of ['Ann', 'Bob']) await addMember(page, phone(first));
  await page.locator('#chat-empty', { hasText: 'No messages yet.' }).waitFor();
  const number = (await page.locator('#room-number').textContent()) ?? '';
  /** The chat's texts from the room's number (not the notices new members get), as "to: body". */
  const texts = () =>
    server.patchbay.runtime.messages
      .list({ from: number })
      .filter((text) => !text.body.includes('new conference number'))
      .map((text) => `${text.to}: ${text.body}`)
      .sort();

  await page.click('#chat-send');
  await page.locator('#chat-form-error', { hasText: 'Write a message first.' }).waitFor();
  await page.fill('#chat-body', 'We meet Thursday: chapter 3');
  await page.keyboard.press('Enter');
  const first = page.locator('.message.own', { hasText: 'We meet Thursday: chapter 3' });
  await first.waitFor();
  expect(await first.locator('.member-name').textContent()).toBe('You');
  expect(await page.inputValue('#chat-body')).toBe('');
  await expect
    .poll(texts)
    .toEqual([
      '+15550100101: Olga Novak: We meet Thursday: chapter 3',
      '+15550100102: Olga Novak: We meet Thursday: chapter 3',
    ]);

  // Private: to the members selected only.
  expect(await page.locator('#chat-to option[value="selected"]').isDisabled()).toBe(true);
  await select(page, 'Ann Lee');
  expect(await page.locator('#chat-to option[value="selected"]').textContent()).toBe('Only the 1 selected (private)');
  await page.selectOption('#chat-to', 'selected');
  await page.fill('#chat-body', 'Can you bring the book?');
  await page.click('#chat-send');
  const secret = page.locator('.message', { hasText: 'Can you bring the book?' });
  await secret.locator('.private', { hasText: 'Private to Ann Lee' }).waitFor();
  await expect.poll(async () => (await texts()).length).toBe(3);
  expect(await texts()).toContain('+15550100101: Olga Novak (private): Can you bring the book?');

  // A member texts the room's number: held until Bob proves the number (he replies with the code
  // texted to him), then it reaches the console live.
  const bob = phone('Bob').phoneNumber;
  await server.client.simulator.messages.create({ from: bob, to: number, body: 'See you at 7' });
  const codeText = () =>
    server.patchbay.runtime.messages.list({ to: bob }).find((text) => / is your code /.test(text.body))?.body ?? '';
  await expect.poll(codeText).toMatch(/^\d{6} is your code/);
  await server.client.simulator.messages.create({ from: bob, to: number, body: codeText().slice(0, 6) });
  const reply = page.locator('.message:not(.own)', { hasText: 'See you at 7' });
  await reply.waitFor();
  expect(await reply.locator('.message-head').textContent()).toMatch(/^Bob Stone.* · by text$/);
  await expect.poll(texts).toContain('+15550100101: Bob Stone: See you at 7');

  // The history, in order, after a reload.
  await page.reload();
  await roomOpen(page, 'Book club');
  expect(await page.locator('.member[data-name="Bob Stone"]').textContent()).toContain('texts verified');
  expect(await page.locator('.member[data-name="Ann Lee"]').textContent()).not.toContain('texts verified');
  expect(await page.locator('.message-body').allTextContents()).toEqual([
    'We meet Thursday: chapter 3',
    'Can you bring the book?',
    'See you at 7',
  ]);
  expect(errors).toEqual([]);
});

it('shows presence live, opted-out members, and problems in words beside the form that caused them', async () => {
  const { page, server } = await open();
  await createRoom(page, 'Book club');
  await page.click('#add-member');
  await page.fill('#member-first', 'Zed');
  await page.fill('#member-phone', '5550100');
  await page.click('#member-form button[type="submit"]');
  await page.locator('#member-form-error').waitFor();
  expect(await page.locator('#member-form-error').textContent()).toBe(
    'The phone number is not valid: write it in E.164, like +15550100123. (error 21200)',
  );
  await page.fill('#member-phone', '');
  await page.click('#member-form button[type="submit"]');
  await page.locator('#member-form-error', { hasText: 'Give a phone number or an app user' }).waitFor();

  // An app user: offline, then online as their app registers (the page follows presence).
  await page.fill('#member-first', 'Dana');
  await page.fill('#member-identity', 'dana');
  await page.click('#member-form button[type="submit"]');
  const dana = page.locator('.member[data-name="Dana"]');
  await dana.getByText('App offline').waitFor();
  const { account } = server.patchbay;
  const key = await server.client.keys.create({ friendlyName: 'dana' });
  const token = new AccessToken(account.sid, key.sid, key.secret, { identity: 'dana' })
    .addGrant(new VoiceGrant({ incomingAllow: true }))
    .toJwt();
  const device = new Device(token, { server: server.patchbay.url });
  await device.register();
  await dana.getByText('App online').waitFor();
  expect(await dana.locator('.presence.online').count()).toBe(1);
  device.destroy();
  await dana.getByText('App offline').waitFor();

  // A member who texts STOP to the room's number is opted out: shown so, and not selectable.
  await addMember(page, phone('Ann'));
  const number = (await page.locator('#room-number').textContent()) ?? '';
  await server.client.simulator.messages.create({ from: phone('Ann').phoneNumber, to: number, body: 'STOP' });
  await expect
    .poll(async () => (await server.client.rooms.members((await roomSid(page)) ?? '').list()).some((m) => m.optedOut))
    .toBe(true);
  await page.reload();
  await roomOpen(page, 'Book club');
  const ann = page.locator('.member[data-name="Ann Lee"]');
  await ann.getByText('Opted out').first().waitFor();
  expect(await ann.textContent()).toContain('texted STOP');
  expect(await ann.locator('input[type="checkbox"]').count()).toBe(0);

  // No number free for another room: the form says so, with the code.
  for (const free of await server.client.incomingPhoneNumbers.list())
    if (free.phoneNumber !== number)
      await server.client.incomingPhoneNumbers.update(free.sid, { voiceUrl: 'http://127.0.0.1:9/voice' });
  await page.click('#new-room');
  await page.fill('#room-name', 'Second');
  await page.click('#room-form button[type="submit"]');
  await page.locator('#room-form-error').waitFor();
  expect(await page.locator('#room-form-error').textContent()).toBe(
    'No phone number is free for a new room. Add a number to the account, or delete a room you no longer use. (error 91101)',
  );
});

it('keeps the account credentials on its server (the page reaches only the rooms, with its own key); says when it is offline', async () => {
  const { page, server } = await open();
  await createRoom(page, 'Book club');
  const { authToken, sid } = server.patchbay.account;
  const session = (await (await fetch(`${server.pageUrl}/session`)).json()) as Record<string, unknown>;
  expect(JSON.stringify(session)).not.toContain(authToken);
  expect(await page.content()).not.toContain(authToken);
  // The token's grant names the room, as organizer.
  const claims = JSON.parse(Buffer.from(String(session.token).split('.')[1] ?? '', 'base64url').toString());
  expect(claims.grants.rooms).toEqual({ rooms: [(await roomSid(page)) ?? ''], organizer: true });

  const asPage = (user: string, password: string) => ({
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  });
  const rooms = `${server.pageUrl}/api/patchbay/v1/Rooms`;
  expect((await fetch(rooms)).status).toBe(401);
  expect((await fetch(rooms, { headers: asPage(sid, authToken) })).status).toBe(401);
  const listed = await fetch(rooms, { headers: asPage(sid, String(session.restKey)) });
  expect(listed.status).toBe(200);
  expect(((await listed.json()) as { rooms: unknown[] }).rooms).toHaveLength(1);
  // Nothing else of the account passes: not its numbers, not the room policy.
  const key = asPage(sid, String(session.restKey));
  expect(
    (await fetch(`${server.pageUrl}/api/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json`, { headers: key }))
      .status,
  ).toBe(404);
  expect((await fetch(`${server.pageUrl}/api/patchbay/v1/RoomPolicy`, { headers: key })).status).toBe(404);

  // The live pill says when the connection is gone, and when it is back.
  await page.context().setOffline(true);
  await page.locator('#link', { hasText: 'Offline' }).waitFor();
  await page.context().setOffline(false);
  await page.locator('#link', { hasText: 'Live' }).waitFor();
});

it('has no serious or critical accessibility violations (axe-core), and works from the keyboard: a room, a member, a call and a message', async () => {
  const { page } = await open({ viewport: { width: 390, height: 844 } });
  const axe = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  const violations = async () => {
    await page.addScriptTag({ path: axe });
    return page.evaluate(async () => {
      const { violations } = await (
        window as unknown as {
          axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> };
        }
      ).axe.run();
      return violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map((violation) => `${violation.id} (${violation.nodes.length})`);
    });
  };
  expect(await violations()).toEqual([]);

  // A room made and a member added from the keyboard alone.
  const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
  for (let tabs = 0; (await focused()) !== 'new-room'; tabs++) {
    expect(tabs).toBeLessThan(10);
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  expect(await focused()).toBe('room-name');
  await page.keyboard.type('Book club');
  await page.keyboard.press('Enter');
  await roomOpen(page, 'Book club');
  // The room is opened with the focus on it, for the keyboard to go on from there.
  expect(await focused()).toBe('room');
  await page.focus('#add-member');
  await page.keyboard.press('Enter');
  expect(await focused()).toBe('member-first');
  await page.keyboard.type('Ann');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.type(phone('Ann').phoneNumber);
  await page.keyboard.press('Enter');
  await page.locator('.member[data-name="Ann"]').waitFor();
  await page.focus('[aria-label="Select Ann"]');
  await page.keyboard.press('Space');
  await page.focus('#one-tap');
  await page.keyboard.press('Enter');
  await rosterState(page, 'Ann').getByText('Joined').waitFor();
  // A message from the keyboard too: Enter sends it.
  await page.focus('#chat-body');
  await page.keyboard.type('Hello from the keyboard');
  await page.keyboard.press('Enter');
  await page.locator('.message.own', { hasText: 'Hello from the keyboard' }).waitFor();
  expect(await violations()).toEqual([]);
  await page.setViewportSize({ width: 1360, height: 900 });
  expect(await violations()).toEqual([]);
  await page.click('#end-call');
});
