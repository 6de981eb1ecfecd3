/**
 * The SDK's audio surface in a real browser: Chromium from Debian runs a `Device` with a fake
 * microphone; Patchbay with `--media sip` carries its WebRTC audio to a baresip phone or an app.
 * What is checked is what a user would notice: `volume` events that follow both sides, the
 * microphone switched in a call and still heard, the ringtone, a quality warning for a silent
 * microphone, and audio through a real TURN server (coturn) when the browser may only relay.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SipMediaAdapter } from '../adapter/adapter.js';
import { eventually, nextHeard, phone, serveWav, useCleanup } from '../adapter/scenarios.test-support.js';
import { hearsTone } from '../testing/audio-analysis.js';
import { tonePcm } from '../testing/wav.js';
import type { AudioPageApi } from './browser-audio-page.test-support.js';
import { BROWSER_HZ, browserLine, browserPage, nothingLeft, pageWaits } from './browser-harness.test-support.js';

const cleanup = useCleanup();
const SIP_HOST = '127.0.62.1';
const PHONE = '127.0.62.20';
const TURN_HOST = '127.0.62.5';
const TURN_PORT = 42890;
const RTP_PORTS = { min: 42000, max: 42799 };

declare global {
  var patchbayAudio: AudioPageApi;
}

const openPage = (hz?: number) =>
  browserPage(cleanup, {
    entry: new URL('./browser-audio-page.test-support.ts', import.meta.url),
    api: 'patchbayAudio',
    ...(hz === undefined ? {} : { hz }),
  });

const waits = (page: Page, what: string, check: (arg: number) => boolean, arg = 0) =>
  pageWaits(page, what, check, arg, () => ({
    status: globalThis.patchbayAudio.status(),
    log: globalThis.patchbayAudio.log(),
    warnings: globalThis.patchbayAudio.warnings(),
    volumes: globalThis.patchbayAudio.volumeCount(),
  }));

const start = (page: Page, line: { token: string; server: { url: string } }, options: object = {}) =>
  page.evaluate(([t, s, o]) => globalThis.patchbayAudio.start(t as string, s as string, o as object), [
    line.token,
    line.server.url,
    options,
  ] as const);

/** An app whose placed calls hear a steady tone. */
async function toneLine(hz: number, devices?: Parameters<typeof browserLine>[2]['devices']) {
  const prompt = await serveWav(cleanup, tonePcm(hz, 30));
  return browserLine(
    cleanup,
    { '/outgoing': () => `<Response><Play loop="0">${prompt}/prompt.wav</Play></Response>` },
    { rtpPorts: RTP_PORTS, sipHost: SIP_HOST, callers: [], ...(devices ? { devices } : {}) },
  );
}

/** coturn on loopback with the TURN REST API secret, its log kept; stopped after the test. */
async function coturn(secret: string): Promise<{ log: () => string }> {
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-coturn-'));
  cleanup(() => rm(dir, { recursive: true, force: true }));
  const conf = join(dir, 'turnserver.conf');
  // docs/webrtc.md's minimal configuration, plus what a loopback test needs
  await writeFile(
    conf,
    [
      `listening-ip=${TURN_HOST}`,
      `relay-ip=${TURN_HOST}`,
      `listening-port=${TURN_PORT}`,
      'min-port=42900',
      'max-port=42999',
      'use-auth-secret',
      `static-auth-secret=${secret}`,
      'realm=patchbay.test',
      'no-tls',
      'no-dtls',
      'no-cli',
      // no user database: the shared secret is the only way in
      `userdb=${join(dir, 'turndb')}`,
      'allow-loopback-peers',
      'log-file=stdout',
      'simple-log',
      'verbose',
      `pidfile=${join(dir, 'turnserver.pid')}`,
    ].join('\n'),
  );
  const child = spawn('turnserver', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  cleanup(async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
  await expect.poll(() => log, { timeout: 10_000 }).toMatch(/UDP listener opened on: 127\.0\.62\.5/);
  return { log: () => log };
}

describe('the SDK audio surface in Chromium', () => {
  it('a placed call: volume follows both sides, the microphone switches mid-call (no renegotiation), the speaker is chosen, all stops at the end', async () => {
    const callee = await phone(cleanup, { address: PHONE, tone: 600, autoAnswer: true });
    const line = await browserLine(
      cleanup,
      { '/outgoing': () => `<Response><Dial><Sip>${callee.uri}</Sip></Dial></Response>` },
      { rtpPorts: RTP_PORTS, sipHost: SIP_HOST, callers: [PHONE] },
    );
    const page = await openPage();
    await start(page, line);
    await page.evaluate(() => globalThis.patchbayAudio.dial({ To: 'the phone' }));
    await callee.waitFor('established', 30_000);
    // the fake microphone's tone and the phone's tone: both sides clearly above silence
    await waits(page, 'volume events with both sides loud', () => globalThis.patchbayAudio.loud(0.3));
    await eventually('the phone hears the browser', async () =>
      hearsTone(await nextHeard(callee, 1000), BROWSER_HZ, { minMs: 400 }) ? true : undefined,
    );

    const inputs = await page.evaluate(() => globalThis.patchbayAudio.inputs());
    const sending = await page.evaluate(() => globalThis.patchbayAudio.sending());
    const other = inputs.find((id) => id !== sending && id !== 'default' && id !== 'communications');
    expect(other, `another microphone than ${sending} in ${inputs.join(', ')}`).toBeDefined();
    const descriptions = await page.evaluate(() => globalThis.patchbayAudio.descriptions());
    await page.evaluate((id) => globalThis.patchbayAudio.setInput(id), other as string);
    expect(await page.evaluate(() => globalThis.patchbayAudio.sending())).toBe(other);
    expect(await page.evaluate(() => globalThis.patchbayAudio.descriptions())).toBe(descriptions);
    await eventually('the phone hears the browser on its new microphone', async () =>
      hearsTone(await nextHeard(callee, 1000), BROWSER_HZ, { minMs: 400 }) ? true : undefined,
    );
    await waits(page, 'the volume meter following the new microphone', () => globalThis.patchbayAudio.loud(0.3));

    const outputs = await page.evaluate(() => globalThis.patchbayAudio.outputs());
    const speaker = outputs.find((id) => id !== 'default') ?? outputs[0];
    if (speaker) {
      await page.evaluate((id) => globalThis.patchbayAudio.setSpeaker(id), speaker);
      expect(await page.evaluate(() => globalThis.patchbayAudio.callSink())).toBe(speaker);
    }

    await page.evaluate(() => globalThis.patchbayAudio.hangup());
    await callee.waitFor('closed', 10_000);
    await nothingLeft(line.server.media as SipMediaAdapter);
    // the meter stopped with the call: no volume event after it ended
    expect(await page.evaluate(() => globalThis.patchbayAudio.volumesAfterEnd())).toBe(0);
    expect(await page.evaluate(() => globalThis.patchbayAudio.log())).not.toContainEqual(
      expect.stringMatching(/error/),
    );
  });

  it('an incoming call rings with the ringtone Patchbay serves, loaded before the call; accepting stops it', async () => {
    const line = await browserLine(
      cleanup,
      { '/voice': () => '<Response><Dial><Client>alice</Client></Dial></Response>' },
      { rtpPorts: RTP_PORTS, sipHost: SIP_HOST, callers: [PHONE] },
    );
    const page = await openPage();
    const ringtone = page.waitForResponse((r) => r.url() === `${line.server.url}/sdk/sounds/incoming.wav`);
    await start(page, line, { autoAccept: false });
    expect((await ringtone).status()).toBe(200);
    const caller = await phone(cleanup, { address: PHONE, tone: 600 });
    await caller.dial(line.lineUri);
    await waits(page, 'the ringtone', () => globalThis.patchbayAudio.isRinging());
    await page.evaluate(() => globalThis.patchbayAudio.accept());
    await waits(page, 'the call to open', () => globalThis.patchbayAudio.status() === 'open');
    expect(await page.evaluate(() => globalThis.patchbayAudio.isRinging())).toBe(false);
    await caller.waitFor('established', 30_000);
    await caller.hangup();
    await nothingLeft(line.server.media as SipMediaAdapter);
  });

  it('a silent microphone raises constant-audio-input-level', async () => {
    const line = await toneLine(800);
    const page = await openPage(0);
    await start(page, line);
    await page.evaluate(() => globalThis.patchbayAudio.dial({ To: 'the tone' }));
    await waits(page, 'the call to open', () => globalThis.patchbayAudio.status() === 'open');
    // ten seconds of samples, after the first five of the call
    await waits(page, 'constant-audio-input-level', () =>
      globalThis.patchbayAudio.warnings().includes('constant-audio-input-level audioInputLevel minStandardDeviation'),
    );
    await page.evaluate(() => globalThis.patchbayAudio.hangup());
    await nothingLeft(line.server.media as SipMediaAdapter);
  });

  it.skipIf(!existsSync('/usr/bin/turnserver'))(
    "relays the call's audio through coturn with the credentials Patchbay hands out (relay-only browser)",
    async () => {
      const secret = 'a-shared-secret-for-coturn';
      const turn = await coturn(secret);
      const line = await toneLine(700, {
        ice: { urls: [`turn:${TURN_HOST}:${TURN_PORT}?transport=udp`], turnSecret: secret },
      });
      const page = await openPage();
      await start(page, line, { media: { iceTransportPolicy: 'relay' } });
      await page.evaluate(() => globalThis.patchbayAudio.dial({ To: 'the tone' }));
      await waits(page, 'audio both ways through the relay', () => globalThis.patchbayAudio.loud(0.3));
      await expect.poll(() => page.evaluate(() => globalThis.patchbayAudio.candidateType())).toBe('relay');
      // coturn accepted the time-limited credentials: an allocation for <expiry>:alice
      expect(turn.log()).toMatch(/\d+:alice/);
      await page.evaluate(() => globalThis.patchbayAudio.hangup());
      await nothingLeft(line.server.media as SipMediaAdapter);
    },
  );
});
