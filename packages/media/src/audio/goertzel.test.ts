import { describe, expect, it } from 'vitest';
import { sine } from './__fixtures__/build-wav.js';
import { goertzel, goertzelDb, rms, rmsDb } from './goertzel.js';

describe('goertzel', () => {
  it('reads the amplitude of the tone present and nothing of another', () => {
    const samples = Float32Array.from(sine(1000, 8000, 0.25, 0.5));
    expect(goertzel(samples, 8000, 1000)).toBeCloseTo(0.5, 2);
    expect(goertzelDb(samples, 8000, 1400)).toBeLessThan(-60);
  });

  it('scales Int16 samples to full scale', () => {
    const samples = Int16Array.from(sine(440, 8000, 0.25, 1), (v) => Math.round(v * 32767));
    expect(goertzelDb(samples, 8000, 440)).toBeCloseTo(0, 1);
  });

  it('reads silence and empty input as nothing', () => {
    expect(goertzel(new Int16Array(160), 8000, 440)).toBe(0);
    expect(goertzel(new Int16Array(0), 8000, 440)).toBe(0);
  });
});

describe('rms', () => {
  it('reads a full-scale sine at −3 dB and silence at −Infinity', () => {
    expect(rmsDb(Float32Array.from(sine(440, 8000, 1, 1)))).toBeCloseTo(-3.01, 1);
    expect(rms(new Int16Array(8))).toBe(0);
    expect(rmsDb(new Int16Array(8))).toBe(Number.NEGATIVE_INFINITY);
  });
});
