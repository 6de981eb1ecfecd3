/**
 * `pnpm --filter @patchbay/example-rooms-console screenshots`: photographs the console in
 * Chromium on a desktop and at phone width (a room with its members and chat, a live call with
 * every state, a scheduled call, the room's settings) into `examples/rooms-console/docs/`.
 */
import { fileURLToPath } from 'node:url';
import { addMember, createRoom, openConsole, roomOpen, rosterState } from './drive.js';
import { DEMO_PHONES } from './phones.js';

const SIZES = { desktop: { width: 1360, height: 900 }, phone: { width: 390, height: 844 } };
const docs = fileURLToPath(new URL('../docs/', import.meta.url));
/** The picture a member sends in the chat (served by the browser's route: nothing is fetched). */
const PICTURE = `<svg xmlns="http://www.w3.org/2000/svg" width="440" height="260" viewBox="0 0 440 260">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ffd9a8"/><stop offset="1" stop-color="#f08a5d"/></linearGradient></defs>
<rect width="440" height="260" fill="url(#g)"/><rect x="130" y="120" width="180" height="90" rx="12" fill="#fff4e6"/>
<rect x="130" y="120" width="180" height="26" rx="12" fill="#e0587a"/><rect x="216" y="84" width="8" height="36" rx="4" fill="#3a36c4"/>
<circle cx="220" cy="78" r="8" fill="#ffc531"/></svg>`;

for (const [size, viewport] of Object.entries(SIZES)) {
  const { page, clock, server, close } = await openConsole({ viewport });
  try {
    await page.route('**/media/cake.svg', (route) => route.fulfill({ contentType: 'image/svg+xml', body: PICTURE }));
    const shot = async (name: string) => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${docs}${name}-${size}.png`, animations: 'disabled', fullPage: size === 'phone' });
    };
    await createRoom(page, 'Book club');
    for (const phone of DEMO_PHONES) await addMember(page, phone);
    await page.click('#member-cancel');
    // A few messages in the chat: the organizer's, and members' from their apps.
    const room = (await page.locator('.room-item[aria-current="page"]').getAttribute('data-sid')) ?? '';
    const members = await server.client.rooms.members(room).list();
    const sid = (name: string) => members.find((member) => member.displayName === name)?.sid ?? '';
    // Ann has a work number too: the list offers the choice of which one a call rings.
    await server.client.rooms.members(room).update(sid('Ann Lee'), { workNumber: '+15550100111' });
    await page.reload();
    await roomOpen(page, 'Book club');
    await page.fill('#chat-body', 'Thursday at 7? We start chapter 3.');
    await page.click('#chat-send');
    await page.locator('.message.own').waitFor();
    const chat = server.client.rooms.messages(room);
    await chat.create({
      from: sid('Ann Lee'),
      body: 'Works for me. I will bring cake.',
      mediaUrls: [`${server.pageUrl}/media/cake.svg`],
    });
    await chat.create({ from: sid('Cleo Park'), body: "Can't make it this week, sorry!" });
    await page.locator('.message', { hasText: "Can't make it" }).waitFor();
    await page.click('#select-all');
    await page.mouse.move(0, 0);
    await shot('members');
    await page.click('#one-tap');
    await rosterState(page, 'Ann Lee').getByText('Joined').waitFor();
    await rosterState(page, 'Cleo Park').getByText('Declined').waitFor();
    await rosterState(page, 'Dan Ruiz').getByText('Ringing').waitFor();
    await shot('ringing');
    clock.skip(30_000);
    await rosterState(page, 'Dan Ruiz').getByText('No answer').waitFor();
    await page.click('[aria-label="Mute Bob Stone"]');
    await page.locator('.person[data-name="Bob Stone"] .muted-badge').waitFor();
    // The server's clock skipped the 30 s ring: the timer counts from the call's start on it.
    await page.locator('#call-timer', { hasText: /^0:3\d$/ }).waitFor();
    await page.mouse.move(0, 0);
    await shot('live-call');
    await page.click('#end-call');
    await page.locator('#call-title', { hasText: 'Last call' }).waitFor();
    await page.click('#add-schedule');
    await page.selectOption('#schedule-recurrence', 'monthly');
    await page.fill('#schedule-name', 'Monthly book talk');
    await page.fill('#schedule-time', '19:30');
    await page.click('#schedule-form button[type="submit"]');
    await page.locator('.schedule', { hasText: 'Monthly book talk' }).waitFor();
    await page.mouse.move(0, 0);
    await shot('scheduled');
    await page.click('#room-settings');
    await page.mouse.move(0, 0);
    await shot('settings');
    console.log(`rooms-console *-${size}.png written`);
  } finally {
    await close();
  }
}
