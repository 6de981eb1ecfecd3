import { describe, expect, it } from 'vitest';
import { toFloat, toInt16, toMono } from './pcm.js';

describe('toMono', () => {
  it('averages the channels sample by sample, to the shortest', () => {
    const mono = toMono([Float32Array.of(1, 0.5, 0), Float32Array.of(0, -0.5, 1, 1)]);
    expect(Array.from(mono)).toEqual([0.5, 0, 0.5]);
  });

  it('returns a single channel as it is and nothing as empty', () => {
    const only = Float32Array.of(0.25);
    expect(toMono([only])).toBe(only);
    expect(toMono([]).length).toBe(0);
  });
});

describe('toInt16', () => {
  it('scales to 16 bits and clips what overshoots instead of wrapping', () => {
    expect(Array.from(toInt16(Float32Array.of(0, 0.5, -0.5, 1, -1, 1.7, -3, Number.NaN)))).toEqual([
      0, 16384, -16384, 32767, -32768, 32767, -32768, 0,
    ]);
  });

  it('round-trips with toFloat', () => {
    const samples = Int16Array.of(-32768, -1, 0, 1, 32767);
    expect(Array.from(toInt16(toFloat(samples)))).toEqual(Array.from(samples));
  });
});
