/**
 * A browser device on one node of a cluster answers a phone call that arrives on another, with
 * real audio (docs/cluster.md, "WebRTC devices"): two `patchbay serve --media sip --store
 * postgres://... --bus redis://...` nodes in this process (`startServer`, as the CLI runs it) on
 * one PostgreSQL database and one redis-server; Chromium runs the SDK's `Device` registered on
 * node A; a baresip phone calls node B, whose app dials the device. The device's audio goes to
 * node B, where the call and its leg are: each side hears the other's tone, node A's media makes
 * no WebRTC session at all, an ICE restart is answered from node B, a hang-up on either side
 * ends the call for the other, and a ring that ends unanswered frees node B's offer. The hosted
 * service's browser SDK (`@twilio/voice-sdk`, unmodified) on node A, which answers without
 * waiting for candidates, is invited with an offer node B made with its candidates in it.
 */
import { startAppServer } from '@patchbay/runtime/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SipMediaAdapter } from '../adapter/adapter.js';
import { type Cleanup, eventually, nextHeard, SUPPORT_LINE } from '../adapter/scenarios.test-support.js';
import { hearsTone } from '../testing/audio-analysis.js';
import { type Phone, startPhone } from '../testing/baresip.js';
import { BROWSER_HZ, browserPage, nothingLeft, pageWaits } from './browser-harness.test-support.js';
import type { PageApi } from './browser-page.test-support.js';
import { clusterToken, lineOf, listedOn, type RunningNode, sipCluster } from './cluster.test-support.js';
import { type HostedApi, type HostedGlobal, hostedPage, pageWaits as hostedWaits } from './hosted-sdk.test-support.js';

declare global {
  var patchbay: PageApi;
  var hosted: HostedApi;
  var events: HostedGlobal['events'];
}

const PHONE = { address: '127.0.71.20', tone: 600 };

/** Everything started for the file, stopped after its tests, newest first. */
const steps: Array<() => Promise<unknown>> = [];
const cleanup: Cleanup = (step) => void steps.push(step);
afterAll(async () => {
  for (const step of steps.splice(0).reverse()) await step().catch(() => undefined);
}, 60_000);

let a: RunningNode;
let b: RunningNode;
let page: Page;
let caller: Phone;
let lineUri: string;
/** Whom the app dials. */
let callee = 'alice';

beforeAll(async () => {
  [a, b] = (await sipCluster(
    cleanup,
    [
      // Over TLS: the hosted browser SDK's signaling is wss:// only.
      { id: 'node-a', host: '127.0.71.1', rtpPorts: { min: 55000, max: 55199 }, tls: true },
      { id: 'node-b', host: '127.0.71.2', rtpPorts: { min: 55200, max: 55399 } },
    ],
    [PHONE.address],
  )) as [RunningNode, RunningNode];
  const app = await startAppServer({
    '/voice': () => `<Response><Dial timeout="20"><Client>${callee}</Client></Dial></Response>`,
  });
  cleanup(() => app.close());
  // Any node answers REST for the account: the number is made on A, the key on B.
  await a.rest.post('IncomingPhoneNumbers.json', { PhoneNumber: SUPPORT_LINE, VoiceUrl: `${app.url}/voice` });
  const token = await clusterToken(b, 'alice');

  // Alice's browser registers with node A (its page accepts every call).
  page = await browserPage(cleanup, {
    entry: new URL('./browser-page.test-support.ts', import.meta.url),
    insecureTls: true,
  });
  await page.evaluate(([t, s]) => globalThis.patchbay.start(t as string, s as string), [token, a.url]);
  await listedOn(b, 'alice', 'node-a');
  caller = await startPhone({ address: PHONE.address, tone: PHONE.tone });
  cleanup(() => caller.close());
  lineUri = lineOf(b, SUPPORT_LINE);
}, 120_000);

/** Waits for `check` in the page; says what the page saw if not. */
const waits = (what: string, check: (arg: number) => boolean, arg = 0) =>
  pageWaits(page, what, check, arg, () => ({
    status: globalThis.patchbay.status(),
    log: globalThis.patchbay.log(),
    loudest: globalThis.patchbay.loudest(),
  }));

/** The phone calls node B; the browser on node A answers; each hears the other's tone. */
async function callAndHear(): Promise<string> {
  await caller.dial(lineUri);
  await caller.waitFor('established', 30_000);
  await waits('the call to open', () => globalThis.patchbay.status() === 'open');
  await hearEachOther();
  // The call, and the device's leg with its WebRTC session, are on node B; node A only signals.
  const [call] = b.runtime.calls.list().filter((c) => c.status === 'in-progress' && c.direction === 'inbound');
  expect(call, 'the inbound call on node B').toBeDefined();
  expect((b.media as SipMediaAdapter).webrtc?.sessions).toBe(1);
  expect((a.media as SipMediaAdapter).webrtc?.sessions).toBe(0);
  return call?.sid as string;
}

/** The browser hears the phone's tone and the phone the browser's. */
async function hearEachOther(): Promise<void> {
  await waits(`the browser to hear the phone's ${PHONE.tone} Hz`, (hz) => globalThis.patchbay.hears(hz), PHONE.tone);
  await phoneHearsBrowser();
}

const phoneHearsBrowser = () =>
  eventually(
    `the phone to hear the browser's ${BROWSER_HZ} Hz`,
    async () => (hearsTone(await nextHeard(caller, 1000), BROWSER_HZ, { minMs: 400 }) ? true : undefined),
    30_000,
  );

describe('a browser device on node A answers a phone calling node B, with real audio', () => {
  it('each hears the other; the browser hangs up and the phone hears the call end', async () => {
    const sid = await callAndHear();
    await page.evaluate(() => globalThis.patchbay.hangup());
    await caller.waitFor('closed', 10_000);
    await expect.poll(async () => (await a.rest.get(`Calls/${sid}.json`)).status).toBe('completed');
    await nothingLeft(b.media as SipMediaAdapter);
  });

  it("the browser's ICE restart is answered by node B's leg, the audio goes on; the phone hangs up and the browser sees the end", async () => {
    const sid = await callAndHear();
    const before = await page.evaluate(() => globalThis.patchbay.remoteUfrag());
    await page.evaluate(() => globalThis.patchbay.restartIce());
    await waits('the restart to finish', () => globalThis.patchbay.log().includes('reconnected'));
    expect(await page.evaluate(() => globalThis.patchbay.remoteUfrag())).not.toBe(before);
    await eventually('the old session on node B to go', () =>
      (b.media as SipMediaAdapter).webrtc?.sessions === 1 ? true : undefined,
    );
    expect((a.media as SipMediaAdapter).webrtc?.sessions).toBe(0);
    await hearEachOther();
    await caller.hangup();
    await waits('the call to close', () => globalThis.patchbay.status() === 'closed');
    expect(await page.evaluate(() => globalThis.patchbay.log())).not.toContainEqual(expect.stringMatching(/error/));
    await expect.poll(async () => (await b.rest.get(`Calls/${sid}.json`)).status).toBe('completed');
    await nothingLeft(b.media as SipMediaAdapter);
  });

  it("a ring that ends unanswered frees node B's offer: the phone gives up, then the browser rejects", async () => {
    await page.evaluate(() => globalThis.patchbay.setAutoAccept(false));
    for (const end of ['phone gives up', 'browser rejects'] as const) {
      const cancels = await page.evaluate(() => globalThis.patchbay.log().filter((e) => e === 'cancel').length);
      await caller.dial(lineUri);
      await waits('the browser to ring', () => globalThis.patchbay.status() === 'pending');
      // The offer the browser rings with is node B's WebRTC session, waiting for an answer.
      expect((b.media as SipMediaAdapter).webrtc?.sessions).toBe(1);
      if (end === 'phone gives up') {
        await caller.hangup();
        await waits(
          'the invitation to be cancelled',
          (before) => globalThis.patchbay.log().filter((e) => e === 'cancel').length > before,
          cancels,
        );
      } else {
        await page.evaluate(() => globalThis.patchbay.reject());
        await caller.waitFor('closed', 10_000);
      }
      await nothingLeft(b.media as SipMediaAdapter);
      expect((a.media as SipMediaAdapter).webrtc?.sessions).toBe(0);
    }
  });

  it("the hosted browser SDK on node A answers with node B's offer, candidates in it: each hears the other; its hang-up ends the call", async () => {
    callee = 'bob';
    const token = await clusterToken(a, 'bob');
    const sdk = await hostedPage(cleanup, 'voice-sdk-2-18', { token, chunderw: a.url.replace('https://', '') });
    await sdk.evaluate(() => globalThis.hosted.register());
    await listedOn(b, 'bob', 'node-a');
    await caller.dial(lineUri);
    await hostedWaits(sdk, 'the incoming call', () => globalThis.events.some((e) => e[0] === 'incoming'));
    await sdk.evaluate(() => void globalThis.hosted.accept(600));
    await caller.waitFor('established', 30_000);
    await hostedWaits(
      sdk,
      `the SDK to hear the phone's ${PHONE.tone} Hz`,
      (hz) => globalThis.hosted.hears(hz),
      PHONE.tone,
    );
    await phoneHearsBrowser();
    expect((b.media as SipMediaAdapter).webrtc?.sessions).toBe(1);
    expect((a.media as SipMediaAdapter).webrtc?.sessions).toBe(0);
    await sdk.evaluate(() => globalThis.hosted.hangup());
    await caller.waitFor('closed', 10_000);
    expect(await sdk.evaluate(() => globalThis.events.filter((e) => String(e[0]).includes('error')))).toEqual([]);
    await nothingLeft(b.media as SipMediaAdapter);
  });
});
