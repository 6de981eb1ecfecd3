/**
 * The softphone with real audio: Patchbay runs with `--media sip`, the page in Debian's Chromium
 * talks through a fake microphone playing a 1000 Hz tone, and a baresip phone on loopback sends
 * its own tone and records what it hears. Each test asserts on what each side heard: the page's
 * ears are an AnalyserNode on the SDK's audio element playing the far end, the phone's are its
 * recording.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, hearsTone, type Phone, startPhone, toneWav } from '@patchbay/media/testing';
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { appRequest, type OpenPhone, openPhone } from './drive.js';
import { PAGE_NUMBER } from './softphone.js';

const HOST = '127.0.64.1';
const PAGE_HZ = 1000;
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

let microphone = '';
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-softphone-mic-'));
  microphone = join(dir, 'tone.wav');
  await writeFile(microphone, toneWav(PAGE_HZ, 60, 48000));
  return () => rm(dir, { recursive: true, force: true });
});

declare global {
  var ears: { loudest(): { hz: number; db: number } };
}

/**
 * The page's ears: the loudest frequency (200-3800 Hz) on the far end's audio, and its level. The
 * SDK plays the far end on an audio element of its own (not in the document), which drive.ts
 * keeps in `audioElements`.
 */
async function installEars(page: Page): Promise<void> {
  await page.addInitScript(() => {
    let analyser: { node: AnalyserNode; stream: MediaStream } | undefined;
    globalThis.ears = {
      loudest() {
        const stream = globalThis.audioElements.find((audio) => audio.srcObject instanceof MediaStream)?.srcObject;
        if (!(stream instanceof MediaStream)) return { hz: 0, db: -Infinity };
        if (analyser?.stream !== stream) {
          const context = new AudioContext();
          const node = context.createAnalyser();
          node.fftSize = 2048;
          context.createMediaStreamSource(stream).connect(node);
          analyser = { node, stream };
        }
        const bins = new Float32Array(analyser.node.frequencyBinCount);
        analyser.node.getFloatFrequencyData(bins);
        const hzPerBin = analyser.node.context.sampleRate / analyser.node.fftSize;
        let best = { hz: 0, db: -Infinity };
        for (let bin = Math.ceil(200 / hzPerBin); bin < 3800 / hzPerBin; bin++) {
          const db = bins[bin] ?? -Infinity;
          if (db > best.db) best = { hz: bin * hzPerBin, db };
        }
        return best;
      },
    };
  });
}

/** Waits until the page hears `hz` (within a bin or two) clearly above silence. */
async function pageHears(page: Page, hz: number): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const { hz: heard, db } = globalThis.ears.loudest();
      return db > -60 && Math.abs(heard - want) < 30;
    },
    hz,
    { timeout: 30_000, polling: 100 },
  );
}

/** What the phone hears in the next `ms`, once that much has arrived (not a fixed sleep). */
async function phoneHeard(phone: Phone, ms: number): Promise<Int16Array> {
  const before = (await phone.heard()).length;
  return (await phone.listen(before / 8 + ms)).subarray(before);
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
}

async function realPhone(sipPort: number): Promise<OpenPhone> {
  const opened = await openPhone({
    media: { host: HOST, sipPort, rtpPorts: { min: 44000, max: 44999 } },
    microphone,
    prepare: installEars,
  });
  cleanup.push(() => opened.close());
  return opened;
}

async function phone(address: string, tone: number, autoAnswer = false): Promise<Phone> {
  const started = await startPhone({ address, tone, autoAnswer });
  cleanup.push(() => started.close());
  return started;
}

it('a SIP phone calls the page: screening by keypad, then each hears the other; mute silences the page', async () => {
  const sipPort = await freePort(HOST);
  const { page, phone: softphone, errors } = await realPhone(sipPort);
  const caller = await phone('127.0.64.20', 600);
  const screening = appRequest(softphone, '/screen');
  await caller.dial(`sip:${PAGE_NUMBER}@${HOST}:${sipPort}`);
  await page.locator('#incoming').waitFor({ timeout: 30_000 });
  await page.click('#accept');
  await page.locator('#call-state', { hasText: 'In call' }).waitFor();
  await screening;

  // The screening prompt is speech (espeak-ng); the page presses 1 on its keypad (RFC 4733 over WebRTC).
  await page.waitForFunction(() => globalThis.ears.loudest().db > -60, undefined, { timeout: 30_000 });
  const screened = appRequest(softphone, '/screened');
  await page.click('[data-digit="1"]');
  expect((await screened).params.Digits).toBe('1');

  await pageHears(page, 600);
  await eventually('the phone hears the page', async () =>
    hearsTone(await phoneHeard(caller, 1000), PAGE_HZ, { minMs: 400 }),
  );
  // the level meter follows the microphone (the SDK's volume events)
  await page.waitForFunction(() => {
    const meter = document.getElementById('level') as HTMLMeterElement;
    return !meter.hidden && meter.value > 0.3;
  });

  await page.click('#mute');
  await page.locator('#mute[aria-pressed="true"]').waitFor();
  await eventually('the phone stops hearing the muted page', async () => {
    const heard = await phoneHeard(caller, 1000);
    return !hearsTone(heard, PAGE_HZ, { minMs: 100 });
  });

  await page.click('#hangup');
  await caller.waitFor('closed', 15_000);
  await page.locator('#call-state', { hasText: 'Call ended' }).waitFor();
  expect(errors).toEqual([]);
});

it('the page calls a SIP phone by its address: each hears the other', async () => {
  const sipPort = await freePort(HOST);
  const { page, errors } = await realPhone(sipPort);
  const callee = await phone('127.0.64.21', 900, true);
  await page.fill('#to', callee.uri);
  await page.click('#call');
  await callee.waitFor('established', 30_000);
  await pageHears(page, 900);
  await eventually('the phone hears the page', async () =>
    hearsTone(await phoneHeard(callee, 1000), PAGE_HZ, { minMs: 400 }),
  );
  await callee.hangup();
  await page.locator('#call-state', { hasText: 'Call ended' }).waitFor({ timeout: 15_000 });
  expect(errors).toEqual([]);
});
