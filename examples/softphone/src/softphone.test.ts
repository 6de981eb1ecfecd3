import { createRequire } from 'node:module';
import { AccessToken, VoiceGrant } from '@patchbay/sdk';
import type { Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { appRequest, type OpenPhone, openPhone, promptHeard } from './drive.js';

const opened: OpenPhone[] = [];
afterEach(async () => {
  for (const phone of opened.splice(0)) await phone.close();
});

async function open(options: Parameters<typeof openPhone>[0] = {}): Promise<OpenPhone> {
  const phone = await openPhone(options);
  opened.push(phone);
  return phone;
}

/** Rings alice from +15550109999 and waits for the banner. */
async function ring({ phone, page }: OpenPhone): Promise<void> {
  await phone.ring('+15550109999');
  await page.locator('#incoming').waitFor();
}

/** Whether the SDK plays the page's ringtone (loaded: the file was found and decoded). */
const ringtonePlaying = (page: Page) =>
  page.evaluate(() =>
    globalThis.audioElements.some(
      (audio) => audio.src.endsWith('/ringtone.wav') && !audio.paused && audio.readyState > 0,
    ),
  );

for (const transport of ['auto', 'long-poll'] as const) {
  it(`in Chromium (${transport}): rings with the caller and the screening instruction, accepts, times, mutes, sends digits, hangs up`, async () => {
    const opened = await open({ transport });
    const { phone, page, errors } = opened;
    expect(await page.locator('#transport').textContent()).toBe(transport === 'auto' ? 'WebSocket' : 'HTTP long-poll');

    const screening = appRequest(phone, '/screen');
    await ring(opened);
    expect(await page.locator('#incoming-from').textContent()).toBe('+15550109999');
    expect(await page.locator('#incoming-screening').textContent()).toBe('Screening: Press 1 to take this call.');
    await expect.poll(() => ringtonePlaying(page)).toBe(true);
    expect(await page.title()).toBe('Incoming call from +15550109999 – Patchbay Phone');

    await page.click('#accept');
    await page.locator('#call-state', { hasText: 'In call' }).waitFor();
    expect(await page.locator('#incoming').isHidden()).toBe(true);
    expect(await ringtonePlaying(page)).toBe(false);
    expect(await page.title()).toBe('Patchbay Phone');
    await page.locator('#timer', { hasText: '0:01' }).waitFor();

    await page.click('#mute');
    await page.locator('#mute[aria-pressed="true"]').waitFor();
    await page.click('#mute');
    await page.locator('#mute[aria-pressed="false"]').waitFor();

    await screening;
    await promptHeard(phone);
    const screened = appRequest(phone, '/screened');
    await page.click('[data-digit="1"]');
    expect((await screened).params.Digits).toBe('1');
    expect(await page.locator('#to').inputValue()).toBe('1');

    const dialed = appRequest(phone, '/after-dial');
    await page.click('#hangup');
    expect((await dialed).params.DialCallStatus).toBe('completed');
    expect(phone.patchbay.network?.party('+15550109999')?.lines()).toEqual(
      expect.arrayContaining(['bridged client:alice', 'unbridged client:alice']),
    );
    await page.locator('#call-state', { hasText: 'Call ended' }).waitFor();
    expect(await page.locator('#recent li').first().textContent()).toMatch(
      /^\+15550109999Incoming · Call ended · 0:0\d$/,
    );
    expect(errors).toEqual([]);
  });
}

it('declining makes the caller hear busy: the Dial ends busy', async () => {
  const opened = await open();
  const { phone, page } = opened;
  await ring(opened);
  const dialed = appRequest(phone, '/after-dial');
  await page.click('#reject');
  expect((await dialed).params.DialCallStatus).toBe('busy');
  expect(await page.locator('#incoming').isHidden()).toBe(true);
  expect(await page.locator('#recent li').first().textContent()).toContain('Declined');
});

it('a number typed on the keypad is called: the application runs with it', async () => {
  const { phone, page, errors } = await open();
  for (const digit of '5550100400') await page.click(`[data-digit="${digit}"]`);
  await page.click('[aria-label="Delete last digit"]');
  await page.click('[data-digit="0"]');
  const outgoing = appRequest(phone, '/outgoing');
  await page.click('#call');
  expect((await outgoing).params).toMatchObject({ From: 'client:alice', To: '5550100400' });
  await page.locator('#hangup').waitFor();
  await page.locator('#peer', { hasText: '5550100400' }).waitFor();
  await page.click('#hangup');
  await page.locator('#call').waitFor();
  expect(await page.locator('#recent li').first().textContent()).toContain('5550100400Outgoing');
  expect(errors).toEqual([]);
});

it('an expired token is explained in words, and signing in again registers', async () => {
  let expired = true;
  const { page } = await open({
    registered: false,
    prepare: async (page, phone) => {
      const key = await phone.client.keys.create({ friendlyName: 'expired tokens' });
      const { sid } = phone.patchbay.account;
      const hourAgo = Math.floor(Date.now() / 1000) - 3600;
      const token = new AccessToken(sid, key.sid, key.secret, { identity: 'alice', ttl: 600, iat: hourAgo })
        .addGrant(new VoiceGrant({ incomingAllow: true }))
        .toJwt();
      await page.route('**/token?*', (route) =>
        expired ? route.fulfill({ json: { token, identity: 'alice', server: phone.patchbay.url } }) : route.continue(),
      );
    },
  });
  await page.locator('#alert').waitFor();
  const text = (await page.locator('#alert').textContent()) ?? '';
  expect(text).toContain('Your sign-in has expired. Sign in again to make and take calls.');
  expect(text).toContain('(error 20104)');
  expect(text).not.toMatch(/DeviceError|AccessTokenExpired|\bat \S+:\d+/);
  expect(await page.locator('#state').textContent()).toBe('Not receiving calls');

  expired = false;
  await page.click('#alert-action');
  await page.locator('#state', { hasText: 'Ready for calls' }).waitFor();
  expect(await page.locator('#alert').isHidden()).toBe(true);
});

it('says in words when the network is lost: the browser offline, or the service gone', async () => {
  const { phone, page } = await open();
  await page.context().setOffline(true);
  await page.locator('#alert', { hasText: 'This computer is offline.' }).waitFor();
  expect(await page.locator('#state').textContent()).toBe('Offline');
  await page.context().setOffline(false);
  await page.locator('#state', { hasText: 'Ready for calls' }).waitFor();
  expect(await page.locator('#alert').isHidden()).toBe(true);

  await phone.patchbay.close();
  await page.locator('#alert', { hasText: 'The connection to the phone service was lost. Reconnecting…' }).waitFor();
  expect(await page.locator('#state').textContent()).toBe('Reconnecting…');
});

it('a call the service refuses is explained by its code: a token without an outgoing application', async () => {
  const { page } = await open({
    prepare: async (page, phone) => {
      const key = await phone.client.keys.create({ friendlyName: 'incoming only' });
      const token = new AccessToken(phone.patchbay.account.sid, key.sid, key.secret, { identity: 'alice' })
        .addGrant(new VoiceGrant({ incomingAllow: true }))
        .toJwt();
      await page.route('**/token?*', (route) =>
        route.fulfill({ json: { token, identity: 'alice', server: phone.patchbay.url } }),
      );
    },
  });
  await page.fill('#to', '+15550100400');
  await page.keyboard.press('Enter');
  await page.locator('#alert').waitFor();
  expect(await page.locator('#alert-text').textContent()).toBe(
    'This phone is not allowed to do that (its sign-in does not grant incoming or outgoing calls).',
  );
  expect(await page.locator('#alert-code').textContent()).toBe('(error 20106)');
  expect(await page.locator('#call-state').textContent()).toBe('Call failed');
  expect(await page.locator('#recent li').first().textContent()).toContain('+15550100400Outgoing · Call failed');
});

it('works from the keyboard alone: accept, keypad, hang up', async () => {
  const opened = await open();
  const { phone, page } = opened;
  const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
  await ring(opened);
  for (let tabs = 0; (await focused()) !== 'accept'; tabs++) {
    expect(tabs).toBeLessThan(20);
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await page.locator('#call-state', { hasText: 'In call' }).waitFor();
  // Accept is gone: the keyboard's focus moved to Hang up, not to the page's top.
  expect(await focused()).toBe('hangup');
  await promptHeard(phone);
  const screened = appRequest(phone, '/screened');
  await page.keyboard.press('1');
  expect((await screened).params.Digits).toBe('1');
  const dialed = appRequest(phone, '/after-dial');
  await page.keyboard.press('Enter');
  expect((await dialed).params.DialCallStatus).toBe('completed');
});

it('has no serious or critical accessibility violations (axe-core), idle, ringing and in a call', async () => {
  const opened = await open({ viewport: { width: 390, height: 844 } });
  const { page } = opened;
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
  await ring(opened);
  await page.waitForFunction(() => document.getAnimations().length === 0);
  expect(await violations()).toEqual([]);
  await page.click('#accept');
  await page.locator('#call-state', { hasText: 'In call' }).waitFor();
  expect(await violations()).toEqual([]);
  await page.setViewportSize({ width: 1180, height: 820 });
  expect(await violations()).toEqual([]);
});

it('serves its ringtone as a WAV file', async () => {
  const { phone } = await open({ registered: false });
  const response = await fetch(`${phone.pageUrl}/ringtone.wav`);
  expect(response.headers.get('content-type')).toBe('audio/wav');
  const body = Buffer.from(await response.arrayBuffer());
  expect(body.toString('ascii', 0, 4)).toBe('RIFF');
  expect(body.toString('ascii', 8, 12)).toBe('WAVE');
});
