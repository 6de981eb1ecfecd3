import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { detectDtmf, goertzelPower, hearsTone, SILENCE_DB, speechEnergy, toneLevels } from './audio-analysis.js';
import { concatPcm, dtmfPcm, parseWav, tonePcm } from './wav.js';

/** Deterministic white noise (xorshift) at the given RMS level in dBFS, added to pcm or alone. */
function noise(length: number, rmsDb: number, seed = 1): Int16Array {
  const out = new Int16Array(length);
  const amplitude = 10 ** (rmsDb / 20) * 32768 * Math.sqrt(3); // uniform noise: rms = peak / sqrt(3)
  let s = seed;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = Math.round(((s >>> 0) / 0xffffffff - 0.5) * 2 * amplitude);
  }
  return out;
}

function mix(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(Math.max(...parts.map((p) => p.length)));
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) out[i] = Math.max(-32768, Math.min(32767, (out[i] ?? 0) + (p[i] ?? 0)));
  }
  return out;
}

const silence = (seconds: number) => new Int16Array(Math.round(seconds * 8000));

describe('goertzelPower', () => {
  it('measures a tone at its frequency as its mean square, and nothing an octave away', () => {
    const pcm = tonePcm(1000, 0.5); // peak 0.5: mean square 0.125
    expect(goertzelPower(pcm, 1000)).toBeCloseTo(0.125, 2);
    expect(goertzelPower(pcm, 2000)).toBeLessThan(1e-4);
  });

  it('honours the sample rate', () => {
    const pcm = tonePcm(1000, 0.5, 16000);
    expect(goertzelPower(pcm, 1000, 16000)).toBeCloseTo(0.125, 2);
    expect(goertzelPower(pcm, 1000, 8000)).toBeLessThan(1e-3);
  });
});

describe('toneLevels', () => {
  it('gives a tone in noise most of the power and other frequencies none', () => {
    const pcm = mix(tonePcm(600, 1), noise(8000, -20));
    const levels = toneLevels(pcm, [600, 900]);
    expect(levels[600]).toBeGreaterThan(0.7);
    expect(levels[900]).toBeLessThan(0.05);
  });

  it('splits two equal tones about evenly', () => {
    const levels = toneLevels(tonePcm([600, 900], 1), [600, 900, 1200]);
    expect(levels[600]).toBeGreaterThan(0.4);
    expect(levels[900]).toBeGreaterThan(0.4);
    expect(levels[1200]).toBeLessThan(0.02);
  });

  it('is zero everywhere for silence', () => {
    expect(toneLevels(silence(0.5), [600])).toEqual({ 600: 0 });
  });
});

describe('hearsTone', () => {
  it('hears a tone held long enough, in noise', () => {
    const pcm = mix(tonePcm(900, 1), noise(8000, -25));
    expect(hearsTone(pcm, 900)).toBe(true);
    expect(hearsTone(pcm, 600)).toBe(false);
  });

  it('does not hear a tone shorter than minMs', () => {
    const pcm = concatPcm([silence(0.5), tonePcm(900, 0.1), silence(0.5)]);
    expect(hearsTone(pcm, 900)).toBe(false);
    expect(hearsTone(pcm, 900, { minMs: 40 })).toBe(true);
  });

  it('hears each of two mixed tones but not a third that is absent', () => {
    const pcm = tonePcm([900, 1200], 1);
    expect(hearsTone(pcm, 900)).toBe(true);
    expect(hearsTone(pcm, 1200)).toBe(true);
    expect(hearsTone(pcm, 600)).toBe(false);
  });

  it('does not hear a tone drowned in louder noise, nor noise or silence alone', () => {
    expect(hearsTone(mix(tonePcm(600, 1), noise(8000, -3)), 600)).toBe(false);
    expect(hearsTone(noise(8000, -20), 600)).toBe(false);
    expect(hearsTone(silence(1), 600)).toBe(false);
  });

  it('ignores a tone below -50 dBFS (line noise, not a party)', () => {
    const quiet = tonePcm(600, 1).map((v) => Math.round(v / 400));
    expect(hearsTone(quiet, 600)).toBe(false);
  });
});

describe('detectDtmf', () => {
  it('hears every key in order', () => {
    expect(detectDtmf(dtmfPcm('1234567890*#ABCD'))).toBe('1234567890*#ABCD');
  });

  it('reports a repeated key once per press', () => {
    expect(detectDtmf(dtmfPcm('5115'))).toBe('5115');
    expect(detectDtmf(tonePcm([770, 1336], 1))).toBe('5');
  });

  it('catches 40 ms tones with 40 ms gaps, in noise, after a long pause', () => {
    const digits = dtmfPcm('908', { toneMs: 40, gapMs: 40 });
    const pcm = concatPcm([silence(1), digits]);
    expect(detectDtmf(mix(pcm, noise(pcm.length, -30)))).toBe('908');
  });

  it('hears nothing in one tone alone, a plain tone pair that is not DTMF, noise or silence', () => {
    expect(detectDtmf(tonePcm(697, 1))).toBe('');
    expect(detectDtmf(tonePcm([600, 900], 1))).toBe('');
    expect(detectDtmf(noise(8000, -10))).toBe('');
    expect(detectDtmf(silence(1))).toBe('');
  });

  it('hears digits over a quieter steady tone (a party speaking while another presses keys)', () => {
    const digits = dtmfPcm('47');
    const background = tonePcm(600, digits.length / 8000).map((v) => Math.round(v / 6));
    expect(detectDtmf(mix(digits, background))).toBe('47');
  });
});

describe('speechEnergy', () => {
  it('finds no activity in silence or in a DC offset', () => {
    expect(speechEnergy(silence(1))).toEqual({ activeMs: 0, rmsDb: SILENCE_DB });
    expect(speechEnergy(new Int16Array(8000).fill(3000)).activeMs).toBeLessThanOrEqual(20);
  });

  it('counts voice-band noise above -45 dBFS as active, with its level, and ignores faint noise', () => {
    const loud = speechEnergy(concatPcm([silence(0.5), noise(8000, -20), silence(0.5)]));
    expect(loud.activeMs).toBeGreaterThanOrEqual(980);
    expect(loud.activeMs).toBeLessThanOrEqual(1040);
    expect(loud.rmsDb).toBeGreaterThan(-23);
    expect(loud.rmsDb).toBeLessThan(-19);
    expect(speechEnergy(noise(8000, -60)).activeMs).toBe(0);
  });

  it('finds speech in what espeak-ng says, at its own sample rate', () => {
    const wav = execFileSync('espeak-ng', ['--stdout', 'Thank you for calling. Please hold.']);
    const { sampleRate, pcm } = parseWav(new Uint8Array(wav.buffer, wav.byteOffset, wav.byteLength));
    const heard = speechEnergy(pcm, sampleRate);
    expect(heard.activeMs).toBeGreaterThan(800);
    expect(heard.rmsDb).toBeGreaterThan(-35);
  });
});
