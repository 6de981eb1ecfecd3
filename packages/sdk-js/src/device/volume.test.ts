import { describe, expect, it } from 'vitest';
import { volumeOf } from './volume.js';

const sine = (amplitude: number) =>
  Float32Array.from({ length: 1024 }, (_, i) => amplitude * Math.sin((2 * Math.PI * i) / 32));

describe('volume (0..1 over -100..-30 dBFS, as the hosted SDK reports it)', () => {
  it('silence is 0; full scale is 1; -65 dBFS is half way', () => {
    expect(volumeOf(new Float32Array(1024))).toBe(0);
    expect(volumeOf(new Float32Array(0))).toBe(0);
    expect(volumeOf(sine(1))).toBe(1);
    // a sine's RMS is its amplitude / sqrt 2
    const halfWay = 10 ** (-65 / 20) * Math.SQRT2;
    expect(volumeOf(sine(halfWay))).toBeCloseTo(0.5, 3);
  });

  it('grows with the level and stays within 0..1', () => {
    const levels = [1e-6, 1e-4, 1e-3, 1e-2].map((a) => volumeOf(sine(a)));
    expect([...levels].sort((a, b) => a - b)).toEqual(levels);
    expect(levels[0]).toBe(0);
    expect(Math.max(...levels)).toBeLessThanOrEqual(1);
  });
});
