/**
 * Driving the console in Debian's Chromium (playwright-core, never a downloaded browser): for the
 * tests and the screenshot script. `openConsole` starts Patchbay and the console's server in a
 * temporary directory, on a clock the test can move forward (`clock.skip`), with the demo phones
 * on the simulated network, and opens the page; `close()` undoes all of it.
 *
 * @example
 * const { page, clock, close } = await openConsole();
 * await createRoom(page, 'Book club');
 * clock.skip(30_000); // the phones that never answer are 'no-answer' now
 * await close();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type Console, startConsole } from './console.js';
import { addDemoPhones, type DemoPhone } from './phones.js';
import { SkipClock } from './skip-clock.js';

/** Prompts and beeps short enough for tests and screenshots. */
export const FAST = { msPerWord: 5, audioMs: 20, beepMs: 5, digitMs: 5, inputDelayMs: 10 };

export interface OpenConsole {
  readonly server: Console;
  readonly clock: SkipClock;
  readonly browser: Browser;
  readonly page: Page;
  /** Uncaught errors on the page. */
  readonly errors: string[];
  close(): Promise<void>;
}

export async function openConsole(
  options: { viewport?: { width: number; height: number }; timezone?: string } = {},
): Promise<OpenConsole> {
  const data = await mkdtemp(join(tmpdir(), 'patchbay-rooms-console-'));
  const clock = new SkipClock();
  // Heartbeats far apart: a skip of minutes must not look like a silent connection.
  const server = await startConsole({ data, timing: FAST, clock, devices: { heartbeatMs: 3_600_000 } });
  addDemoPhones(server.patchbay.network);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const close = async () => {
    await browser.close();
    await server.close();
    await rm(data, { recursive: true, force: true });
  };
  try {
    const page = await browser.newPage({
      ...(options.viewport ? { viewport: options.viewport } : { viewport: { width: 1360, height: 900 } }),
      timezoneId: options.timezone ?? 'UTC',
      locale: 'en-US',
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.pageUrl);
    // Signed in: the organizer's name is there (phones do not show it).
    await page.waitForFunction(() => document.getElementById('organizer')?.textContent === 'Olga Novak');
    return { server, clock, browser, page, errors, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Creates a room from the page and waits until it is open. */
export async function createRoom(page: Page, name: string, avatarUrl?: string): Promise<void> {
  await page.click('#new-room');
  await page.fill('#room-name', name);
  if (avatarUrl) await page.fill('#room-avatar', avatarUrl);
  await page.click('#room-form button[type="submit"]');
  await roomOpen(page, name);
}

/** Waits until the room is open: its members, schedules and call read, its events followed. */
export async function roomOpen(page: Page, name: string): Promise<void> {
  await page.locator('#room-name-title', { hasText: name }).waitFor();
  await page.locator('#room[aria-busy="false"]').waitFor();
}

/** Adds a person from the page's form and waits for them in the list. */
export async function addMember(
  page: Page,
  phone: Pick<DemoPhone, 'firstName' | 'lastName' | 'phoneNumber'>,
): Promise<void> {
  if (await page.locator('#member-form').isHidden()) await page.click('#add-member');
  await page.fill('#member-first', phone.firstName);
  await page.fill('#member-last', phone.lastName);
  await page.fill('#member-phone', phone.phoneNumber);
  await page.click('#member-form button[type="submit"]');
  await page.locator(`.member[data-name="${phone.firstName} ${phone.lastName}"]`).waitFor();
}

/** A person's state as the live roster shows it, by name. */
export function rosterState(page: Page, name: string) {
  return page.locator(`.person[data-name="${name}"] .state`);
}
