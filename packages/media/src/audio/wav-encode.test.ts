import { describe, expect, it } from 'vitest';
import { AudioFormatError } from './errors.js';
import { decodeWav } from './wav-decode.js';
import { encodeWav } from './wav-encode.js';

describe('encodeWav', () => {
  it('writes a canonical 16-bit mono file', () => {
    const file = encodeWav([Int16Array.of(1, -2, 32767)], 8000);
    const view = new DataView(file.buffer);
    expect(new TextDecoder().decode(file.subarray(0, 4))).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(file.length - 8);
    expect(view.getUint16(22, true)).toBe(1);
    expect(view.getUint32(24, true)).toBe(8000);
    expect(view.getUint32(40, true)).toBe(6);
    expect([view.getInt16(44, true), view.getInt16(46, true), view.getInt16(48, true)]).toEqual([1, -2, 32767]);
  });

  it('interleaves two channels, the first on the left', () => {
    const file = encodeWav([Int16Array.of(100, 200), Int16Array.of(-100, -200)], 8000);
    const decoded = decodeWav(file);
    expect(decoded.channels).toBe(2);
    expect(Array.from(decoded.pcm[0] ?? [], (v) => v * 32768)).toEqual([100, 200]);
    expect(Array.from(decoded.pcm[1] ?? [], (v) => v * 32768)).toEqual([-100, -200]);
    const view = new DataView(file.buffer);
    expect([view.getInt16(44, true), view.getInt16(46, true)]).toEqual([100, -100]);
  });

  it('refuses channels of different lengths, no channels, three channels and odd rates', () => {
    const one = Int16Array.of(1);
    for (const bad of [
      () => encodeWav([one, Int16Array.of(1, 2)], 8000),
      () => encodeWav([], 8000),
      () => encodeWav([one, one, one], 8000),
      () => encodeWav([one], 0),
      () => encodeWav([one], 8000.5),
    ])
      expect(bad).toThrow(AudioFormatError);
  });
});
