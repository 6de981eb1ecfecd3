/**
 * The Chromium harness of the browser tests: a page bundled from a test-support entry (an SDK
 * `Device` driven through `window.patchbay`), Debian's Chromium with a fake microphone playing
 * a tone file (or silence), and a `--media sip` server with an app, an API key, a token and an
 * outgoing application. Each test file gives its own addresses and ports.
 *
 * @example
 * const line = await browserLine(cleanup, routes, { callers: [PHONE], rtpPorts, sipHost: '127.0.43.1' });
 * const page = await browserPage(cleanup, { entry: new URL('./browser-page.test-support.ts', import.meta.url) });
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AccessToken, VoiceGrant } from '@patchbay/sdk';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { SipMediaAdapter } from '../adapter/adapter.js';
import { appLine, type Cleanup, type SipServerOptions } from '../adapter/scenarios.test-support.js';
import { launchChromium } from './chromium.test-support.js';

/** The tone the fake microphone plays (unless a test asks for silence). */
export const BROWSER_HZ = 1000;

/** The page's script and an HTML page that loads it, on a loopback port. */
async function pageServer(cleanup: Cleanup, entry: URL): Promise<string> {
  const bundled = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundled.outputFiles[0]?.text ?? '';
  const http = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><script type="module" src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanup(() => new Promise((resolve) => http.close(resolve)));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
}

/**
 * Chromium on the page of `entry` (ready once it sets `globalThis[api]`), its fake microphone
 * playing `hz` (0: silence), trusting any certificate with `insecureTls` (a server over TLS).
 */
export async function browserPage(
  cleanup: Cleanup,
  options: { entry: URL; api?: string; hz?: number; insecureTls?: boolean },
): Promise<Page> {
  const browser = await launchChromium({ toneHz: options.hz ?? BROWSER_HZ, insecureTls: options.insecureTls === true });
  cleanup(() => browser.close());
  const page = await browser.newPage();
  await page.goto(await pageServer(cleanup, options.entry));
  await page.waitForFunction(
    (api) => typeof (globalThis as Record<string, unknown>)[api] === 'object',
    options.api ?? 'patchbay',
  );
  return page;
}

/** A server with `--media sip` (WebRTC on), an app, a key for tokens and an outgoing application. */
export async function browserLine(
  cleanup: Cleanup,
  routes: Parameters<typeof appLine>[1],
  options: SipServerOptions & { readonly callers: readonly string[]; readonly sipHost: string },
) {
  const { sipHost, ...rest } = options;
  const line = await appLine(cleanup, routes, { listen: [{ host: sipHost, port: 0, transports: ['udp'] }], ...rest });
  const key = (await line.rest.post('Keys.json', { FriendlyName: 'webrtc test' })) as { sid: string; secret: string };
  const app = (await line.rest.post('Applications.json', {
    FriendlyName: 'outgoing',
    VoiceUrl: `${line.app.url}/outgoing`,
  })) as { sid: string };
  const { sid } = line.server.account;
  const token = new AccessToken(sid, key.sid, key.secret, { identity: 'alice', ttl: 600 })
    .addGrant(new VoiceGrant({ incomingAllow: true, outgoingApplicationSid: app.sid }))
    .toJwt();
  const lineUri = line.lineUri.replace('127.0.0.1', sipHost);
  return { ...line, token, lineUri };
}

/** Every WebRTC session, engine leg and port is freed once the call is over. */
export async function nothingLeft(adapter: SipMediaAdapter): Promise<void> {
  await expect.poll(() => adapter.webrtc?.sessions, { timeout: 10_000 }).toBe(0);
  await expect.poll(async () => (await adapter.engine.stats()).legs, { timeout: 10_000 }).toBe(0);
  await expect.poll(async () => (await adapter.engine.stats()).portsInUse, { timeout: 10_000 }).toBe(0);
}

/** Waits for `check` in the page (generous: other real-peer tests share the machine); says what the page saw if not. */
export async function pageWaits(
  page: Page,
  what: string,
  check: (arg: number) => boolean,
  arg = 0,
  seen: () => unknown = () => undefined,
): Promise<void> {
  try {
    await page.waitForFunction(check, arg, { timeout: 30_000 });
  } catch (error) {
    throw new Error(`waiting for ${what}: ${JSON.stringify(await page.evaluate(seen))}`, { cause: error });
  }
}
