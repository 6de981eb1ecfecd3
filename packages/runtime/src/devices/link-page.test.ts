/**
 * The email link as a person meets it, in a real Chromium: a page that looks like the product
 * under its own Content-Security-Policy (nothing refused, its style applied), confirmed with its
 * button from the keyboard, the outcome and a reused link in words with their code, and no
 * serious or critical accessibility violation (axe-core) on any of the three pages.
 */
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

/** What the functions run in the page use of the browser (the runtime's own types have no DOM; they run there, so no helpers). */
interface BrowserGlobals {
  getComputedStyle(element: unknown): { backgroundColor: string };
  document: { activeElement: { textContent: string | null } | null };
}

import { type DevicesHarness, devicesHarnessPerTest } from './harness.test-support.js';
import { smtpMailer } from './mailer.js';
import { SmtpReceiver } from './smtp.test-support.js';

const start = devicesHarnessPerTest();
const receivers: SmtpReceiver[] = [];
let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
});
afterAll(() => browser.close());
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});

/** A registration by email under way, and the link in its mail. */
async function mailedLink(): Promise<{ harness: DevicesHarness; link: string; sid: string }> {
  const smtp = await SmtpReceiver.start();
  receivers.push(smtp);
  const harness = await start({
    api: { devices: { mailer: smtpMailer({ url: smtp.url, from: 'pb@patchbay.test' }) } },
  });
  const mailed = smtp.next('ann@example.com');
  const pending = await harness.registration('ann', 'ann-tablet').byEmail('ann@example.com');
  const raw = (await mailed).raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const link = /(http:\/\/\S+\/Verify\?Token=[A-Za-z0-9_-]+)/.exec(raw)?.[1] as string;
  return { harness, link, sid: pending.sid };
}

const heading = (page: Page) => page.locator('h1').textContent();

it('shows the page under its CSP, confirms from the keyboard, and tells a reused link in words', {
  timeout: 30_000,
}, async () => {
  const { harness, link, sid } = await mailedLink();
  const context = await browser.newContext();
  const page = await context.newPage();
  const refused: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) refused.push(message.text());
  });
  const opened = await page.goto(link);
  expect(opened?.status()).toBe(200);
  expect(await heading(page)).toBe('Confirm your email address');
  expect(await page.title()).toBe('Confirm your email address · Patchbay');
  expect(await page.locator('main').textContent()).toContain('The device ann-tablet asks to use ann@example.com');
  // The inline style is the one the policy allows: it applies (a blue button, not the browser's grey).
  const button = page.getByRole('button', { name: 'Confirm' });
  expect(
    await button.evaluate(
      (element) => (globalThis as unknown as BrowserGlobals).getComputedStyle(element).backgroundColor,
    ),
  ).toBe('rgb(47, 79, 196)');
  expect((await harness.device('GET', `DeviceRegistrations/${sid}`, 'ann')).json.status).toBe('pending');

  // From the keyboard: Tab reaches the button, Enter confirms.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.textContent)).toBe(
    'Confirm',
  );
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Your address is verified' }).waitFor();
  expect(await page.locator('main').textContent()).toContain('You can close this page');
  expect((await harness.device('GET', `DeviceRegistrations/${sid}`, 'ann')).json.status).toBe('verified');

  const again = await page.goto(link);
  expect(again?.status()).toBe(409);
  expect(await heading(page)).toBe('This link was used already');
  expect(await page.locator('.code').textContent()).toBe('Error 91204');
  expect(refused).toEqual([]);
  await context.close();
});

it('has no serious or critical accessibility violations (axe-core) on the confirm, confirmed and refused pages', {
  timeout: 30_000,
}, async () => {
  const { link } = await mailedLink();
  // axe is a script the page's own policy refuses: this context alone lets it in.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const axe = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  const violations = async () => {
    await page.addScriptTag({ path: axe });
    return page.evaluate(async () => {
      const { violations } = await (
        globalThis as unknown as {
          axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> };
        }
      ).axe.run();
      return violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map((violation) => `${violation.id} (${violation.nodes.length})`);
    });
  };
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(link);
    expect(await violations()).toEqual([]);
  }
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Your address is verified' }).waitFor();
  expect(await violations()).toEqual([]);
  await page.goto(link);
  expect(await heading(page)).toBe('This link was used already');
  expect(await violations()).toEqual([]);
  await context.close();
});
