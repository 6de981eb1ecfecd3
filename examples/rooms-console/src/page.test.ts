/**
 * The organizer console's chat, members and safety in Debian's Chromium against a real Patchbay:
 * chat to everyone and in private (texted to phones; texts to the room's number arriving live),
 * presence, opted-out members, problems in words, the account's credentials kept on the server,
 * accessibility and the keyboard.
 */
import { createRequire } from 'node:module';
import { AccessToken, Device, VoiceGrant } from '@patchbay/sdk';
import { expect, it } from 'vitest';
import { open, phone, roomSid, select } from './console.test-support.js';
import { addMember, createRoom, roomOpen, rosterState } from './drive.js';

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

  // Media: a picture shown as one, a file as a link by its name; texted to the phones with it.
  const picture = `${server.pageUrl}/media/cover.jpg`;
  const menu = `${server.pageUrl}/media/menu.pdf`;
  await page.click('#chat-attach summary');
  await page.fill('#chat-media', 'ftp://example.com/cover.jpg');
  await page.fill('#chat-body', 'The cover');
  await page.click('#chat-send');
  await page.locator('#chat-form-error', { hasText: 'error 91160' }).waitFor();
  expect(await page.locator('#chat-form-error').textContent()).toBe(
    'Each attachment must be an http or https address (10 at most, 512 characters each). (error 91160)',
  );
  await page.fill('#chat-media', `${picture} ${menu}`);
  await page.selectOption('#chat-to', 'all');
  await page.click('#chat-send');
  const withMedia = page.locator('.message.own', { hasText: 'The cover' });
  await withMedia.locator('img[alt="Picture from Olga Novak: cover.jpg"]').waitFor({ state: 'attached' });
  expect(await withMedia.locator('img').getAttribute('src')).toBe(picture);
  expect(await withMedia.locator('a', { hasText: 'menu.pdf' }).getAttribute('href')).toBe(menu);
  expect(await page.inputValue('#chat-media')).toBe('');
  await expect
    .poll(() => server.patchbay.runtime.messages.list({ to: bob }).find((t) => t.body.endsWith('The cover')))
    .toMatchObject({ mediaUrls: [picture, menu] });
  // A member's picture by text (MMS) arrives live, shown.
  const photo = `${server.pageUrl}/media/bob.png`;
  await server.client.simulator.messages.create({ from: bob, to: number, body: 'Mine', mediaUrl: [photo] });
  await page.locator('.message:not(.own) img[alt="Picture from Bob Stone: bob.png"]').waitFor({ state: 'attached' });

  // The history, in order, after a reload.
  await page.reload();
  await roomOpen(page, 'Book club');
  expect(await page.locator('.member[data-name="Bob Stone"]').textContent()).toContain('texts verified');
  expect(await page.locator('.member[data-name="Ann Lee"]').textContent()).not.toContain('texts verified');
  expect(await page.locator('.message-body').allTextContents()).toEqual([
    'We meet Thursday: chapter 3',
    'Can you bring the book?',
    'See you at 7',
    'The cover',
    'Mine',
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

  // Removing someone is asked once more: Keep leaves them, Remove takes them out of the room.
  await page.click('[aria-label="Remove Dana from the room"]');
  await page.locator('.member[data-name="Dana"] .confirm', { hasText: 'Remove Dana?' }).waitFor();
  // The list re-rendered meanwhile (her picture changed elsewhere): the question is still asked.
  const danaSid = (await dana.getAttribute('data-sid')) ?? '';
  await server.client.rooms
    .members((await roomSid(page)) ?? '')
    .update(danaSid, { avatarUrl: `${server.pageUrl}/dana.png` });
  await dana.locator('.avatar img').waitFor();
  expect(await dana.locator('.confirm').count()).toBe(1);
  await page.click('.member[data-name="Dana"] >> text=Keep');
  expect(await page.locator('.member[data-name="Dana"] .confirm').count()).toBe(0);
  await page.click('[aria-label="Remove Dana from the room"]');
  await page.click('[aria-label="Yes, remove Dana"]');
  await page.locator('.member[data-name="Dana"]').waitFor({ state: 'detached' });
  expect((await server.client.rooms.members((await roomSid(page)) ?? '').list()).map((m) => m.displayName)).toEqual([
    'Olga Novak',
  ]);

  // A member who texts STOP to the room's number is opted out: shown so, and not selectable.
  await addMember(page, phone('Ann'));
  const number = (await page.locator('#room-number').textContent()) ?? '';
  await server.client.simulator.messages.create({ from: phone('Ann').phoneNumber, to: number, body: 'STOP' });
  await expect
    .poll(async () => (await server.client.rooms.members((await roomSid(page)) ?? '').list()).some((m) => m.optedOut))
    .toBe(true);
  // Shown live (the room's room-updated), without a reload.
  const ann = page.locator('.member[data-name="Ann Lee"]');
  await ann.getByText('Opted out').first().waitFor();
  expect(await ann.textContent()).toContain('texted STOP');
  expect(await ann.locator('input[type="checkbox"]').count()).toBe(0);

  // A picture that is not http(s): said beside the form; an http one shows as the room's picture.
  await page.click('#new-room');
  await page.fill('#room-name', 'Choir');
  await page.fill('#room-avatar', 'ftp://example.com/choir.png');
  await page.click('#room-form button[type="submit"]');
  await page.locator('#room-form-error', { hasText: 'The picture must be an http or https address.' }).waitFor();
  await page.fill('#room-avatar', `${server.pageUrl}/choir.png`);
  await page.click('#room-form button[type="submit"]');
  await roomOpen(page, 'Choir');
  expect(await page.getAttribute('#room-avatar-img img', 'src')).toBe(`${server.pageUrl}/choir.png`);
  await page.locator('#members-empty').waitFor();
  // Back to the first room: its own members again.
  await page.click('.room-item:has-text("Book club")');
  await roomOpen(page, 'Book club');
  await page.locator('.member[data-name="Ann Lee"]').waitFor();
  expect(await page.locator('.room-item[aria-current="page"] .room-name').textContent()).toBe('Book club');

  // No number free for another room: the form says so, with the code.
  for (const free of await server.client.incomingPhoneNumbers.list())
    if (free.phoneNumber !== number)
      await server.client.incomingPhoneNumbers.update(free.sid, { voiceUrl: 'http://127.0.0.1:9/voice' });
  await page.click('#new-room');
  await page.fill('#room-name', 'Third');
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
  // The settings drawer and the chat's attachments, open.
  await page.click('#room-settings');
  await page.click('#chat-attach summary');
  expect(await violations()).toEqual([]);
  await page.setViewportSize({ width: 1360, height: 900 });
  expect(await violations()).toEqual([]);
  await page.click('#end-call');
});
