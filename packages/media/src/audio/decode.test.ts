import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildWav, sine } from './__fixtures__/build-wav.js';
import { decodeToPhone } from './decode.js';
import { AudioFormatError } from './errors.js';
import { goertzelDb, rmsDb } from './goertzel.js';
import { sniffAudio } from './sniff.js';

const MP3 = new Uint8Array(readFileSync(new URL('./__fixtures__/tone440.mp3', import.meta.url)));

async function codeOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AudioFormatError) return error.code;
    throw error;
  }
  return undefined;
}

describe('decodeToPhone', () => {
  it('decodes the MP3 fixture (2 s of 440 Hz at 44.1 kHz) to 8 kHz with the tone', async () => {
    const phone = await decodeToPhone(MP3);
    expect(phone.length / 8000).toBeGreaterThan(1.95);
    expect(phone.length / 8000).toBeLessThan(2.15); // the encoder's padding frames
    const middle = phone.subarray(4000, 12000);
    expect(goertzelDb(middle, 8000, 440)).toBeGreaterThan(-8);
    expect(goertzelDb(middle, 8000, 1000)).toBeLessThan(-50);
    expect(rmsDb(middle)).toBeGreaterThan(-10);
  });

  it('decodes a stereo 48 kHz µ-law WAV to mono 8 kHz', async () => {
    const left = sine(600, 48000, 0.5);
    const phone = await decodeToPhone(buildWav({ encoding: 'mulaw', rate: 48000, channels: [left, left] }));
    expect(phone.length).toBe(4000);
    expect(goertzelDb(phone.subarray(1000, 3000), 8000, 600)).toBeGreaterThan(-7);
  });

  it('refuses an MP3 with no frames, unknown bytes and audio longer than allowed', async () => {
    const fake = new Uint8Array(4096).fill(0x20); // an ID3 tag with no MPEG frame after it
    fake.set([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
    expect(await codeOf(() => decodeToPhone(fake))).toBe('audio-malformed');
    expect(await codeOf(() => decodeToPhone(new TextEncoder().encode('just text')))).toBe('audio-unsupported');
    expect(await codeOf(() => decodeToPhone(MP3, { maxSamples: 8000 }))).toBe('audio-too-long');
    const wav = buildWav({ encoding: 'pcm16', rate: 8000, channels: [sine(440, 8000, 2)] });
    expect(await codeOf(() => decodeToPhone(wav, { maxSamples: 8000 }))).toBe('audio-too-long');
  });
});

describe('sniffAudio', () => {
  it('tells WAV and MP3 (with or without ID3) from other bytes', () => {
    expect(sniffAudio(buildWav({ encoding: 'pcm8', rate: 8000, channels: [[0]] }))).toBe('wav');
    expect(sniffAudio(MP3)).toBe('mp3');
    expect(sniffAudio(new TextEncoder().encode('ID3\x04\x00'))).toBe('mp3');
    expect(sniffAudio(new TextEncoder().encode('<!doctype html>'))).toBeUndefined();
    expect(sniffAudio(new Uint8Array([0xff, 0xff, 0xff]))).toBeUndefined();
    expect(sniffAudio(new Uint8Array(0))).toBeUndefined();
  });
});
