import { describe, expect, it } from 'vitest';
import { sine } from './__fixtures__/build-wav.js';
import { goertzelDb, rms } from './goertzel.js';
import { Resampler, resample } from './resample.js';

const tone = (frequency: number, rate: number, seconds = 1) => Float32Array.from(sine(frequency, rate, seconds));
/** The middle of a signal, away from the edges where the filter sees silence. */
const middle = (pcm: Float32Array) => pcm.subarray(Math.floor(pcm.length / 4), Math.floor((3 * pcm.length) / 4));

describe('resample', () => {
  it('keeps a 3.5 kHz tone going from 44.1 kHz to 8 kHz', () => {
    const out = resample(tone(3500, 44100), 44100, 8000);
    expect(out.length).toBe(8000);
    expect(goertzelDb(middle(out), 8000, 3500)).toBeGreaterThan(-6 - 1); // a 0.5 sine reads −6 dB
  });

  it('attenuates a 6 kHz tone by more than 40 dB instead of folding it to 2 kHz', () => {
    const input = tone(6000, 44100);
    const out = middle(resample(input, 44100, 8000));
    expect(20 * Math.log10(rms(out) / rms(input))).toBeLessThan(-40);
    expect(goertzelDb(out, 8000, 2000)).toBeLessThan(-6 - 40);
  });

  it('converts the other common rates up and down, keeping a 1 kHz tone', () => {
    for (const [from, to] of [
      [48000, 8000],
      [22050, 8000],
      [11025, 8000],
      [16000, 8000],
      [6000, 8000],
      [8000, 44100],
      [44099, 8000],
    ] as const) {
      const out = resample(tone(1000, from), from, to);
      expect(Math.abs(out.length - to)).toBeLessThanOrEqual(1);
      expect(goertzelDb(middle(out), to, 1000)).toBeGreaterThan(-7);
      expect(goertzelDb(middle(out), to, 1300)).toBeLessThan(-50);
    }
  });

  it('returns a copy when the rates are equal', () => {
    const input = tone(440, 8000, 0.1);
    const out = resample(input, 8000, 8000);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
  });

  it('gives the same samples whether the input comes whole or in pieces', () => {
    const input = tone(700, 44100, 0.5);
    const whole = resample(input, 44100, 8000);
    const streaming = new Resampler(44100, 8000);
    const parts: number[] = [];
    for (let at = 0; at < input.length; at += 1234) parts.push(...streaming.push(input.subarray(at, at + 1234)));
    parts.push(...streaming.flush());
    expect(parts.length).toBe(whole.length);
    for (const [i, value] of parts.entries()) expect(Math.abs(value - (whole[i] as number))).toBeLessThan(1e-5);
  });

  it('refuses rates that are not positive integers', () => {
    expect(() => resample(new Float32Array(4), 0, 8000)).toThrow(RangeError);
    expect(() => resample(new Float32Array(4), 44100.5, 8000)).toThrow(RangeError);
  });
});
