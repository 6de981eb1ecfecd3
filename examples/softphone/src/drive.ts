/**
 * Driving the softphone in Debian's Chromium (playwright-core, never a downloaded browser): for
 * the tests and the screenshot script. Each `openPhone` starts Patchbay and the app servers in a
 * temporary directory and opens the page registered as alice; `close()` undoes all of it.
 *
 * @example
 * const { phone, page, close } = await openPhone({ viewport: { width: 390, height: 844 } });
 * await phone.ring('+15550109999');
 * await page.locator('#incoming').waitFor();
 * await close();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type AppRequest, type RealMedia, type Softphone, startSoftphone } from './softphone.js';

declare global {
  /** Every audio element the page made (the SDK's are not in the document): see `watchAudio`. */
  var audioElements: HTMLAudioElement[];
}

/** Runs in the page before its scripts: keeps every `new Audio()` in `audioElements`. */
function watchAudio(): void {
  const Native = window.Audio;
  const made: HTMLAudioElement[] = [];
  window.Audio = class extends Native {
    constructor(src?: string) {
      super(src);
      made.push(this);
    }
  };
  globalThis.audioElements = made;
}

/** Prompts and beeps short enough for tests and screenshots. */
export const FAST = { msPerWord: 5, audioMs: 20, beepMs: 5, digitMs: 5, inputDelayMs: 10 };

export interface OpenPhone {
  readonly phone: Softphone;
  readonly browser: Browser;
  readonly page: Page;
  /** Uncaught errors on the page. */
  readonly errors: string[];
  close(): Promise<void>;
}

export async function openPhone(
  options: {
    transport?: 'auto' | 'long-poll';
    viewport?: { width: number; height: number };
    /** Wait for registration before returning. @default true */
    registered?: boolean;
    /** Real audio (`--media sip`) instead of the simulated network. */
    media?: RealMedia;
    /** A WAV file the browser's fake microphone plays (Chromium's default is a beep). */
    microphone?: string;
    /** Called before the page loads (routes, init scripts). */
    prepare?: (page: Page, phone: Softphone) => Promise<void>;
  } = {},
): Promise<OpenPhone> {
  const data = await mkdtemp(join(tmpdir(), 'patchbay-softphone-'));
  const phone = await startSoftphone({ data, timing: FAST, ...(options.media ? { media: options.media } : {}) });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // The ringtone plays without a click first, as it does once a person has used the page; a
    // fake microphone and speaker, allowed without asking, give the audio settings something to list.
    args: [
      '--no-sandbox',
      '--autoplay-policy=no-user-gesture-required',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      ...(options.microphone ? [`--use-file-for-fake-audio-capture=${options.microphone}`] : []),
      // WebRTC between the page and Patchbay on this machine's loopback.
      '--allow-loopback-in-peer-connection',
    ],
  });
  const close = async () => {
    await browser.close();
    await phone.close();
    await rm(data, { recursive: true, force: true });
  };
  try {
    const page = await browser.newPage(options.viewport ? { viewport: options.viewport } : {});
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(watchAudio);
    await options.prepare?.(page, phone);
    await page.goto(`${phone.pageUrl}/?identity=alice&transport=${options.transport ?? 'auto'}`);
    if (options.registered ?? true) await page.locator('#state', { hasText: 'Ready for calls' }).waitFor();
    return { phone, browser, page, errors, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The next request the voice app answers on `path`. */
export function appRequest(phone: Softphone, path: string): Promise<AppRequest> {
  return new Promise((resolve) => {
    const listener = (request: AppRequest) => {
      if (request.path !== path) return;
      phone.requests.off('request', listener);
      resolve(request);
    };
    phone.requests.on('request', listener);
  });
}

/** Resolves once the caller side has heard the screening prompt, so a key press answers it. */
export async function promptHeard(phone: Softphone): Promise<void> {
  await phone.patchbay.network?.heard('client:alice', (entry) => entry.type === 'heard-speech');
}
