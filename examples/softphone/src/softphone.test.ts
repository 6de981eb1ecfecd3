import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { type AppRequest, type Softphone, startSoftphone } from './softphone.js';

const FAST = { msPerWord: 5, audioMs: 20, beepMs: 5, digitMs: 5, inputDelayMs: 10 };
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function request(phone: Softphone, path: string): Promise<AppRequest> {
  return new Promise((resolve) => {
    const listener = (request: AppRequest) => {
      if (request.path !== path) return;
      phone.requests.off('request', listener);
      resolve(request);
    };
    phone.requests.on('request', listener);
  });
}

async function open(transport: 'auto' | 'long-poll') {
  const data = await mkdtemp(join(tmpdir(), 'patchbay-softphone-'));
  cleanups.push(() => rm(data, { recursive: true, force: true }));
  const phone = await startSoftphone({ data, timing: FAST });
  cleanups.push(() => phone.close());
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  cleanups.push(() => browser.close());
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${phone.pageUrl}/?identity=alice&transport=${transport}`);
  await page.locator('#state', { hasText: 'registered' }).waitFor();
  return { phone, page, errors };
}

for (const transport of ['auto', 'long-poll'] as const) {
  it(`in Chromium (${transport}): registers, rings, accepts, sends digits, hangs up, places a call`, async () => {
    const { phone, page, errors } = await open(transport);
    expect(await page.locator('#state').textContent()).toBe(
      `registered (${transport === 'auto' ? 'websocket' : 'long-poll'})`,
    );

    const screened = request(phone, '/screened');
    const screening = request(phone, '/screen');
    await phone.ring('+15550109999');
    await page.locator('#incoming-from', { hasText: '+15550109999' }).waitFor();
    await page.click('#accept');
    await page.locator('#call-state', { hasText: 'open' }).waitFor();
    await screening;
    // Press 1 once the prompt is heard, as a person would.
    await phone.patchbay.network?.party('client:alice')?.heard((entry) => entry.type === 'heard-speech');
    await page.click('[data-digit="1"]');
    expect((await screened).params.Digits).toBe('1');

    const dialed = request(phone, '/after-dial');
    await page.click('#hangup');
    expect((await dialed).params.DialCallStatus).toBe('completed');
    expect(phone.patchbay.network?.party('+15550109999')?.lines()).toEqual(
      expect.arrayContaining(['bridged client:alice', 'unbridged client:alice']),
    );
    await page.locator('#call-state', { hasText: 'idle' }).waitFor({ state: 'attached' });

    const outgoing = request(phone, '/outgoing');
    await page.fill('#to', '+15550100400');
    await page.click('#dial button');
    expect((await outgoing).params).toMatchObject({ From: 'client:alice', To: '+15550100400' });
    await page.locator('#log li', { hasText: 'connected' }).nth(1).waitFor();
    await page.click('#hangup');
    await page.locator('#log li', { hasText: 'call ended' }).nth(1).waitFor();
    expect(errors).toEqual([]);
  });
}
