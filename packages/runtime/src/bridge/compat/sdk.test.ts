/**
 * The official Voice JS SDK, unmodified, at two pinned versions, in Chromium against Patchbay
 * over TLS (`chunderw`, `publishEvents: false`, `sounds` on Patchbay). The calls run on the
 * simulated network: the SDK's SDP is answered by simulatedCompatMedia, so its calls open but
 * carry no audio.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CompatRig, NUMBER, openBrowser, SDK_VERSIONS, type SdkPage, sdkPage, startRig } from './compat.test-support.js';

const DIAL = (params = '') =>
  `<Response><Dial action="/dialed" timeout="10"><Client><Identity>alice</Identity>${params}</Client></Dial></Response>`;

let browser: Browser;
let closeBrowser: () => Promise<void>;
beforeAll(async () => {
  ({ browser, close: closeBrowser } = await openBrowser());
});
afterAll(async () => closeBrowser());

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(version: (typeof SDK_VERSIONS)[number], incoming = DIAL()) {
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-compat-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const rig: CompatRig = await startRig(dir, {
    '/incoming': () => incoming,
    '/dialed': () => '<Response><Hangup/></Response>',
    '/gathered': () => '<Response><Say>Thanks</Say></Response>',
    '/outgoing': () => '<Response><Say>Hello from the application</Say><Pause length="30"/></Response>',
  });
  cleanups.push(() => rig.close());
  const sdk: SdkPage & { close(): Promise<void> } = await sdkPage(browser, version, rig, rig.token('alice'));
  cleanups.push(() => sdk.close());
  return { rig, sdk };
}

for (const version of SDK_VERSIONS) {
  describe(`@twilio/voice-sdk (${version})`, () => {
    it('registers, and an incoming call from <Dial><Client> brings its custom parameters', async () => {
      const { rig, sdk } = await setup(
        version,
        DIAL('<Parameter name="ticket" value="T-42"/><Parameter name="note" value="a b&amp;c=d"/>'),
      );
      await sdk.page.evaluate(() => (globalThis as unknown as { device: { register(): Promise<void> } }).device.register());
      await sdk.event('registered');
      rig.server.network?.call({ from: '+15550100001', to: NUMBER });
      const [, parameters, custom] = await sdk.event('incoming');
      expect(parameters).toMatchObject({ From: '+15550100001', To: 'client:alice', AccountSid: rig.server.account.sid });
      expect((parameters as { CallSid: string }).CallSid).toMatch(/^CA[0-9a-f]{32}$/);
      expect(custom).toEqual({ ticket: 'T-42', note: 'a b&c=d' });
      expect(sdk.errors).toEqual([]);
    });
  });
}
