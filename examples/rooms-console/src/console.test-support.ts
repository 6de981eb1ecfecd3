/**
 * For the console's browser tests: a console per test (Patchbay, the console's server, Chromium),
 * closed after it, and the demo people and page actions the tests share.
 */
import type { Page } from 'playwright-core';
import { afterEach } from 'vitest';
import { type OpenConsole, openConsole } from './drive.js';
import { DEMO_PHONES, type DemoPhone } from './phones.js';

const opened: OpenConsole[] = [];
afterEach(async () => {
  for (const open of opened.splice(0)) await open.close();
}, 30_000);

/** A console for this test, closed after it. */
export async function open(options: Parameters<typeof openConsole>[0] = {}): Promise<OpenConsole> {
  const started = await openConsole(options);
  opened.push(started);
  return started;
}

/** A demo person by first name. */
export const phone = (first: string) => DEMO_PHONES.find((p) => p.firstName === first) as DemoPhone;
/** Ticks a member in the list. */
export const select = (page: Page, name: string) => page.check(`[aria-label="Select ${name}"]`);
/** The open room's SID. */
export const roomSid = (page: Page) => page.locator('.room-item[aria-current="page"]').getAttribute('data-sid');
