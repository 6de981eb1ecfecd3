/**
 * The hosted service's browser SDK (`@twilio/voice-sdk`, unmodified, two pinned versions) in
 * Chromium against Patchbay with `--media sip`: compat mode's calls carry real WebRTC audio,
 * asserted on what each side heard (the page's AnalyserNode on `call.getRemoteStream()`, a
 * baresip phone's recording).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SipMediaAdapter } from '../adapter/adapter.js';
import { eventually, nextHeard, phone, serveWav, useCleanup } from '../adapter/scenarios.test-support.js';
import { hearsTone } from '../testing/audio-analysis.js';
import { tonePcm } from '../testing/wav.js';
import {
  BROWSER_HZ,
  type HostedGlobal,
  hostedLine,
  hostedPage,
  pageWaits,
  SDK_VERSIONS,
} from './hosted-sdk.test-support.js';

const cleanup = useCleanup();
const PHONE = '127.0.61.20';
const SIP_HOST = '127.0.61.1';
const RTP_PORTS: [number, number] = [41000, 41399];
const CALLS_IN_A_ROW = Number(process.env.HOSTED_CALLS ?? 10);

const hosted = (page: Page) => ({
  run: <T>(fn: (h: HostedGlobal['hosted']) => T) =>
    page.evaluate(`(${fn.toString()})(globalThis.hosted)`) as Promise<Awaited<T>>,
});

const waitHears = (page: Page, hz: number) =>
  pageWaits(
    page,
    `the page to hear ${hz} Hz`,
    (f: number) => (globalThis as unknown as HostedGlobal).hosted.hears(f),
    hz,
  );

/** Every WebRTC session, engine leg and port is freed once the call is over. */
async function nothingLeft(adapter: SipMediaAdapter): Promise<void> {
  await expect.poll(() => adapter.webrtc?.sessions, { timeout: 10_000 }).toBe(0);
  await expect.poll(async () => (await adapter.engine.stats()).legs, { timeout: 10_000 }).toBe(0);
}

async function phoneHears(caller: Awaited<ReturnType<typeof phone>>, hz: number): Promise<void> {
  await eventually(
    `the phone hears ${hz} Hz`,
    async () => (hearsTone(await nextHeard(caller, 1000), hz, { minMs: 400 }) ? true : undefined),
    20_000,
  );
}

/** A phone (600 Hz) calls `<Dial><Client>alice</Client>`; the SDK on a page registers, accepts, and hears it. */
async function receivedCall(version: (typeof SDK_VERSIONS)[number]) {
  const line = await hostedLine(
    cleanup,
    { '/voice': () => '<Response><Dial><Client>alice</Client></Dial></Response>' },
    { callers: [PHONE], sipHost: SIP_HOST, rtpPorts: RTP_PORTS },
  );
  const page = await hostedPage(cleanup, version, line);
  const sdk = hosted(page);
  await sdk.run((h) => h.register());
  await pageWaits(page, 'registered', () =>
    (globalThis as unknown as HostedGlobal).events.some((e) => e[0] === 'registered'),
  );
  const caller = await phone(cleanup, { address: PHONE, tone: 600 });
  await caller.dial(line.lineUri);
  await pageWaits(page, 'the incoming call', () =>
    (globalThis as unknown as HostedGlobal).events.some((e) => e[0] === 'incoming'),
  );
  await page.evaluate(() => void (globalThis as unknown as HostedGlobal).hosted.accept(600));
  await caller.waitFor('established', 30_000);
  await waitHears(page, 600);
  return { line, page, sdk, caller };
}

for (const version of SDK_VERSIONS) {
  describe(`@twilio/voice-sdk (${version}) with real media`, { timeout: 120_000 }, () => {
    it('accepts <Dial><Client> from a phone: each hears the other; mute stops the phone hearing it', async () => {
      const { line, page, sdk, caller } = await receivedCall(version);
      await phoneHears(caller, BROWSER_HZ);
      await sdk.run((h) => h.mute(true));
      await eventually(
        'the phone stops hearing the muted browser',
        async () => (hearsTone(await nextHeard(caller, 1000), BROWSER_HZ, { minMs: 100 }) ? undefined : true),
        20_000,
      );
      await sdk.run((h) => h.mute(false));
      await phoneHears(caller, BROWSER_HZ);
      await sdk.run((h) => h.hangup());
      await caller.waitFor('closed', 10_000);
      const errors = await page.evaluate(() =>
        (globalThis as unknown as HostedGlobal).events.filter((e) => String(e[0]).includes('error')),
      );
      expect(errors).toEqual([]);
      await nothingLeft(line.server.media as SipMediaAdapter);
    });

    it('takes 10 calls in a row, each heard after accept (prints accept → audio p50/p99)', async () => {
      const prompt = await serveWav(cleanup, tonePcm(1400, 20));
      const line = await hostedLine(
        cleanup,
        { '/voice': () => `<Response><Play loop="0">${prompt}/prompt.wav</Play></Response>` },
        { callers: [], sipHost: SIP_HOST, rtpPorts: RTP_PORTS },
      );
      const page = await hostedPage(cleanup, version, line);
      await page.evaluate(() => (globalThis as unknown as HostedGlobal).hosted.register());
      await pageWaits(page, 'registered', () =>
        (globalThis as unknown as HostedGlobal).events.some((e) => e[0] === 'registered'),
      );
      const latencies: number[] = [];
      for (let i = 0; i < CALLS_IN_A_ROW; i++) {
        await line.rest.post('Calls.json', { To: 'client:alice', From: '+15550100200', Url: `${line.app.url}/voice` });
        await pageWaits(
          page,
          `incoming call ${i + 1}`,
          (n: number) => (globalThis as unknown as HostedGlobal).events.filter((e) => e[0] === 'incoming').length > n,
          i,
        );
        const heardAfter = await page.evaluate(() => (globalThis as unknown as HostedGlobal).hosted.accept(1400));
        if (heardAfter < 0) {
          const seen = await page.evaluate(() => (globalThis as unknown as HostedGlobal).events.slice(-8));
          throw new Error(`call ${i + 1} was not heard within 20 s of accept: ${JSON.stringify(seen)}`);
        }
        latencies.push(heardAfter);
        await page.evaluate(() => (globalThis as unknown as HostedGlobal).hosted.hangup());
        await pageWaits(
          page,
          `call ${i + 1} to end`,
          (n: number) =>
            (globalThis as unknown as HostedGlobal).events.filter((e) => e[0] === 'call:disconnect').length > n,
          i,
        );
      }
      const sorted = latencies.toSorted((a, b) => a - b);
      const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0);
      console.log(
        `${version}: accept → audio over ${sorted.length} calls in Chromium: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms (min ${Math.round(sorted[0] ?? 0)}, max ${Math.round(sorted.at(-1) ?? 0)})`,
      );
      expect(latencies).toHaveLength(CALLS_IN_A_ROW);
      await nothingLeft(line.server.media as SipMediaAdapter);
    });

    it("restarts ICE (the SDK's reinvite) on the same call: a new description, the audio goes on", async () => {
      const prompt = await serveWav(cleanup, tonePcm(1400, 20));
      const line = await hostedLine(
        cleanup,
        { '/outgoing': () => `<Response><Play loop="0">${prompt}/prompt.wav</Play></Response>` },
        { callers: [], sipHost: SIP_HOST, rtpPorts: RTP_PORTS },
      );
      const page = await hostedPage(cleanup, version, line);
      const sdk = hosted(page);
      await sdk.run((h) => h.dial({ To: '+15550100999' }));
      await waitHears(page, 1400);
      const before = await sdk.run((h) => h.remoteUfrag());
      expect(before).not.toBe('');
      await sdk.run((h) => h.restartIce());
      await expect.poll(() => sdk.run((h) => h.remoteUfrag()), { timeout: 20_000 }).not.toBe(before);
      // The old session goes once the new one carries the call (one session, the same engine leg).
      const adapter = line.server.media as SipMediaAdapter;
      await expect.poll(() => adapter.webrtc?.sessions, { timeout: 20_000 }).toBe(1);
      // Heard again half a second after that: what arrives now came over the new session.
      const switched = await page.evaluate(() => performance.now());
      await pageWaits(
        page,
        'the app heard over the new session',
        (since: number) =>
          performance.now() > since + 500 && (globalThis as unknown as HostedGlobal).hosted.hears(1400),
        switched,
      );
      expect(await sdk.run((h) => h.status())).toBe('open');
      const errors = await page.evaluate(() =>
        (globalThis as unknown as HostedGlobal).events.filter((e) => String(e[0]).includes('error')),
      );
      expect(errors).toEqual([]);
      await sdk.run((h) => h.hangup());
      await nothingLeft(line.server.media as SipMediaAdapter);
    });

    it("restarts ICE (the SDK's reinvite) on a call it received: each hears the other again over the new session", async () => {
      const { line, page, sdk, caller } = await receivedCall(version);
      const before = await sdk.run((h) => h.remoteUfrag());
      // Patchbay offered this call: the browser answered as the ICE-controlled side and DTLS server.
      // Its restart makes it the offerer, so Patchbay's answer takes both roles the other way.
      await sdk.run((h) => h.restartIce());
      await expect.poll(() => sdk.run((h) => h.remoteUfrag()), { timeout: 20_000 }).not.toBe(before);
      const adapter = line.server.media as SipMediaAdapter;
      await expect.poll(() => adapter.webrtc?.sessions, { timeout: 20_000 }).toBe(1);
      const switched = await page.evaluate(() => performance.now());
      await pageWaits(
        page,
        'the app heard the phone over the new session',
        (since: number) => performance.now() > since + 500 && (globalThis as unknown as HostedGlobal).hosted.hears(600),
        switched,
      );
      await phoneHears(caller, BROWSER_HZ);
      expect(await sdk.run((h) => h.status())).toBe('open');
      const errors = await page.evaluate(() =>
        (globalThis as unknown as HostedGlobal).events.filter((e) => String(e[0]).includes('error')),
      );
      expect(errors).toEqual([]);
      await sdk.run((h) => h.hangup());
      await caller.waitFor('closed', 10_000);
      await nothingLeft(adapter);
    });

    it('connect() hears <Play>, and sendDigits reaches Gather exactly once', async () => {
      const prompt = await serveWav(cleanup, tonePcm(1400, 20));
      const gathered: string[] = [];
      const line = await hostedLine(
        cleanup,
        {
          '/outgoing': () =>
            `<Response><Gather numDigits="2" timeout="20" action="/gathered"><Play>${prompt}/prompt.wav</Play></Gather></Response>`,
          '/gathered': (request) => {
            gathered.push(String(request.params.Digits));
            return '<Response><Pause length="2"/><Hangup/></Response>';
          },
        },
        { callers: [], sipHost: SIP_HOST, rtpPorts: RTP_PORTS },
      );
      const page = await hostedPage(cleanup, version, line);
      await page.evaluate(() => (globalThis as unknown as HostedGlobal).hosted.dial({ To: '+15550100999' }));
      await waitHears(page, 1400);
      await page.evaluate(() => (globalThis as unknown as HostedGlobal).hosted.digits('42'));
      await pageWaits(page, 'the call to end', () =>
        (globalThis as unknown as HostedGlobal).events.some((e) => e[0] === 'call:disconnect'),
      );
      expect(gathered).toEqual(['42']);
      await nothingLeft(line.server.media as SipMediaAdapter);
    });
  });
}
