/**
 * Debian's Chromium (never a downloaded browser) as the WebRTC tests launch it: headless, its
 * microphone a fake device playing a tone file (`toneHz`; 0 is silence), loopback candidates allowed, audio
 * playing without a gesture, and optionally trusting any certificate (`insecureTls`, for
 * Patchbay's self-signed test certificate).
 *
 * @example
 * const browser = await launchChromium({ toneHz: 1000 });
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { toneWav } from '../testing/wav.js';

export async function launchChromium(options: { toneHz?: number; insecureTls?: boolean } = {}): Promise<Browser> {
  const args = [
    '--no-sandbox',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
  ];
  if (options.toneHz !== undefined) {
    const wav = join(tmpdir(), `patchbay-webrtc-tone-${options.toneHz}-${process.pid}.wav`);
    // 0 Hz: a silent microphone (for constant-audio-input-level).
    await writeFile(wav, toneWav(options.toneHz > 0 ? options.toneHz : [], 30, 48000));
    args.push(`--use-file-for-fake-audio-capture=${wav}`);
  }
  if (options.insecureTls) args.push('--ignore-certificate-errors');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args });
}
