/**
 * A real browser as a device: Chromium from Debian (never downloaded) runs the SDK's `Device`
 * with a fake microphone playing a 1000 Hz tone; Patchbay with `--media sip` carries its WebRTC
 * audio; baresip phones and the page's AnalyserNode say what each side heard.
 */

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SipMediaAdapter } from '../adapter/adapter.js';
import { eventually, nextHeard, phone, serveWav, useCleanup } from '../adapter/scenarios.test-support.js';
import { hearsTone } from '../testing/audio-analysis.js';
import { tonePcm } from '../testing/wav.js';
import {
  BROWSER_HZ,
  browserLine,
  nothingLeft,
  browserPage as openPage,
  pageWaits as waitInPage,
} from './browser-harness.test-support.js';
import type { PageApi } from './browser-page.test-support.js';

const cleanup = useCleanup();
const PHONE = '127.0.43.20';
const SECOND_PHONE = '127.0.43.21';

declare global {
  var patchbay: PageApi;
}

const browserPage = () => openPage(cleanup, { entry: new URL('./browser-page.test-support.ts', import.meta.url) });

const setup = (routes: Parameters<typeof browserLine>[1]) =>
  browserLine(cleanup, routes, {
    rtpPorts: { min: 43600, max: 43799 },
    sipHost: '127.0.43.1',
    callers: [PHONE, SECOND_PHONE],
  });

/** Waits for `check` in the page; says what the page saw if not. */
const pageWaits = (page: Page, what: string, check: (arg: number) => boolean, arg = 0) =>
  waitInPage(page, what, check, arg, () => ({
    status: globalThis.patchbay.status(),
    log: globalThis.patchbay.log(),
    loudest: globalThis.patchbay.loudest(),
  }));

const waitHears = (page: Page, hz: number) =>
  pageWaits(page, `the page to hear ${hz} Hz`, (f: number) => globalThis.patchbay.hears(f), hz);

/** A phone (600 Hz) calls the app, which dials the browser; the page answers. */
async function phoneCallsBrowser() {
  const line = await setup({ '/voice': () => '<Response><Dial><Client>alice</Client></Dial></Response>' });
  const page = await browserPage();
  await page.evaluate(([t, s]) => globalThis.patchbay.start(t as string, s as string), [line.token, line.server.url]);
  const caller = await phone(cleanup, { address: PHONE, tone: 600 });
  await caller.dial(line.lineUri);
  await caller.waitFor('established', 30_000);
  return { line, page, caller };
}

describe('a browser device with WebRTC audio', () => {
  it('answers <Dial><Client> from a phone: each hears the other; mute stops the phone hearing it', async () => {
    const { line, page, caller } = await phoneCallsBrowser();
    await pageWaits(page, 'the call to open', () => globalThis.patchbay.status() === 'open');
    expect(await page.evaluate(() => globalThis.patchbay.localTracks())).toBe(1);
    await waitHears(page, 600);
    await eventually('the phone hears the browser', async () =>
      hearsTone(await nextHeard(caller, 1000), BROWSER_HZ, { minMs: 400 }) ? true : undefined,
    );
    await page.evaluate(() => globalThis.patchbay.mute(true));
    await eventually('the phone stops hearing the muted browser', async () => {
      const heard = await nextHeard(caller, 1000);
      return hearsTone(heard, BROWSER_HZ, { minMs: 100 }) ? undefined : true;
    });
    await page.evaluate(() => globalThis.patchbay.mute(false));
    await eventually('the phone hears the browser again', async () =>
      hearsTone(await nextHeard(caller, 1000), BROWSER_HZ, { minMs: 400 }) ? true : undefined,
    );
    await page.evaluate(() => globalThis.patchbay.hangup());
    await caller.waitFor('closed', 10_000);
    expect(await page.evaluate(() => globalThis.patchbay.log())).not.toContainEqual(expect.stringMatching(/error/));
    await nothingLeft(line.server.media as SipMediaAdapter);
  });

  it('restarts ICE mid-call (pc.restartIce()): the call goes on, each side still hears the other', async () => {
    const { line, page, caller } = await phoneCallsBrowser();
    await waitHears(page, 600);
    const before = await page.evaluate(() => globalThis.patchbay.remoteUfrag());
    await page.evaluate(() => globalThis.patchbay.restartIce());
    await pageWaits(page, 'the restart to finish', () => globalThis.patchbay.log().includes('reconnected'));
    expect(await page.evaluate(() => globalThis.patchbay.remoteUfrag())).not.toBe(before);
    expect(await page.evaluate(() => globalThis.patchbay.log())).toContain('reconnecting MediaConnectionFailed');
    const adapter = line.server.media as SipMediaAdapter;
    await expect.poll(() => adapter.webrtc?.sessions, { timeout: 10_000 }).toBe(1);
    await waitHears(page, 600);
    await eventually('the phone hears the browser after the restart', async () =>
      hearsTone(await nextHeard(caller, 1000), BROWSER_HZ, { minMs: 400 }) ? true : undefined,
    );
    expect(await page.evaluate(() => globalThis.patchbay.status())).toBe('open');
    await caller.hangup();
    await pageWaits(page, 'the call to close', () => globalThis.patchbay.status() === 'closed');
    expect(await page.evaluate(() => globalThis.patchbay.log())).not.toContainEqual(expect.stringMatching(/error/));
    await nothingLeft(adapter);
  });

  it('places a call: hears what the app plays, and Gather gets its digits once', async () => {
    const prompt = await serveWav(cleanup, tonePcm(1400, 20));
    let gathered: (digits: string) => void = () => undefined;
    const digits = new Promise<string>((resolve) => {
      gathered = resolve;
    });
    const line = await setup({
      '/outgoing': () =>
        `<Response><Gather numDigits="2" timeout="20" action="/gathered"><Play>${prompt}/prompt.wav</Play></Gather></Response>`,
      '/gathered': (request) => {
        gathered(String(request.params.Digits));
        return '<Response><Hangup/></Response>';
      },
    });
    const page = await browserPage();
    await page.evaluate(([t, s]) => globalThis.patchbay.start(t as string, s as string), [line.token, line.server.url]);
    await page.evaluate(() => globalThis.patchbay.dial({ To: '+15550100999' }));
    await waitHears(page, 1400);
    await page.evaluate(() => globalThis.patchbay.digits('42'));
    expect(await digits).toBe('42');
    await nothingLeft(line.server.media as SipMediaAdapter);
  });

  it('joins a conference with two phones: each of the three hears the other two', async () => {
    const room = '<Response><Dial><Conference beep="false">webrtc-room</Conference></Dial></Response>';
    const line = await setup({ '/voice': () => room, '/outgoing': () => room });
    const page = await browserPage();
    await page.evaluate(([t, s]) => globalThis.patchbay.start(t as string, s as string), [line.token, line.server.url]);
    const a = await phone(cleanup, { address: PHONE, tone: 600 });
    const b = await phone(cleanup, { address: SECOND_PHONE, tone: 800 });
    await a.dial(line.lineUri);
    await b.dial(line.lineUri);
    await a.waitFor('established', 30_000);
    await b.waitFor('established', 30_000);
    await page.evaluate(() => globalThis.patchbay.dial({ To: 'room' }));
    await pageWaits(page, 'the page to hear both phones', (_: number) => globalThis.patchbay.hearsAll([600, 800]));
    for (const [who, other] of [
      [a, 800],
      [b, 600],
    ] as const) {
      await eventually(`a phone hears the browser and the other phone (${other} Hz)`, async () => {
        const heard = await nextHeard(who, 1500);
        return hearsTone(heard, BROWSER_HZ, { minMs: 400 }) && hearsTone(heard, other, { minMs: 400 })
          ? true
          : undefined;
      });
    }
    await page.evaluate(() => globalThis.patchbay.hangup());
    await a.hangup();
    await b.hangup();
    await nothingLeft(line.server.media as SipMediaAdapter);
  });

  it('places a call that <Dial><Sip> sends to a phone: each hears the other', async () => {
    const callee = await phone(cleanup, { address: PHONE, tone: 600, autoAnswer: true });
    const line = await setup({ '/outgoing': () => `<Response><Dial><Sip>${callee.uri}</Sip></Dial></Response>` });
    const page = await browserPage();
    await page.evaluate(([t, s]) => globalThis.patchbay.start(t as string, s as string), [line.token, line.server.url]);
    await page.evaluate(() => globalThis.patchbay.dial({ To: 'the phone' }));
    await callee.waitFor('established', 30_000);
    await waitHears(page, 600);
    await eventually('the phone hears the browser', async () =>
      hearsTone(await nextHeard(callee, 1000), BROWSER_HZ, { minMs: 400 }) ? true : undefined,
    );
    await callee.hangup();
    await pageWaits(page, 'the call to close', () => globalThis.patchbay.status() === 'closed');
    await nothingLeft(line.server.media as SipMediaAdapter);
  });
});
