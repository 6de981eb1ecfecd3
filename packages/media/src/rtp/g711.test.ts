import { describe, expect, it } from 'vitest';
import {
  alawToLinear,
  decodeAlaw,
  decodeUlaw,
  encodeAlaw,
  encodeUlaw,
  linearToAlaw,
  linearToUlaw,
  ulawToLinear,
} from './g711.js';

describe('G.711', () => {
  it('matches the ITU tables at known points (µ-law)', () => {
    expect(linearToUlaw(0)).toBe(0xff);
    expect(ulawToLinear(0xff)).toBe(0);
    expect(ulawToLinear(0x7f)).toBe(0);
    expect(ulawToLinear(0x00)).toBe(-32124);
    expect(ulawToLinear(0x80)).toBe(32124);
    expect(linearToUlaw(32767)).toBe(0x80);
    expect(linearToUlaw(-32768)).toBe(0x00);
    expect(ulawToLinear(0xf0)).toBe(120); // segment 0, mantissa 15: (15 << 3) + 0x84 - 0x84
  });

  it('matches the ITU tables at known points (A-law)', () => {
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(alawToLinear(0xd5)).toBe(8);
    expect(alawToLinear(0x55)).toBe(-8);
    expect(alawToLinear(0xaa)).toBe(32256);
    expect(alawToLinear(0x2a)).toBe(-32256);
    expect(linearToAlaw(32767)).toBe(0xaa);
    expect(linearToAlaw(-32768)).toBe(0x2a);
  });

  it('every code word survives decode then encode (both laws)', () => {
    for (let b = 0; b < 256; b++) {
      expect(linearToAlaw(alawToLinear(b))).toBe(b);
      const back = linearToUlaw(ulawToLinear(b));
      // µ-law has two codes for zero (0x7f and 0xff); all others are unique.
      expect(b === 0x7f ? 0xff : b).toBe(back);
    }
  });

  it('table encoders agree with the segment rules and round trip within the quantization step', () => {
    const pcm = new Int16Array(65536);
    for (let i = 0; i < 65536; i++) pcm[i] = i - 32768;
    const u = new Uint8Array(65536);
    const a = new Uint8Array(65536);
    encodeUlaw(pcm, u);
    encodeAlaw(pcm, a);
    const du = new Int16Array(65536);
    const da = new Int16Array(65536);
    decodeUlaw(u, du);
    decodeAlaw(a, da);
    for (let i = 0; i < 65536; i += 7) {
      const x = pcm[i] as number;
      expect(u[i]).toBe(linearToUlaw((x >> 2) << 2));
      expect(a[i]).toBe(linearToAlaw(x));
      const tolerance = Math.max(16, Math.abs(x) / 16);
      expect(Math.abs((du[i] as number) - x)).toBeLessThanOrEqual(tolerance + 140);
      expect(Math.abs((da[i] as number) - x)).toBeLessThanOrEqual(tolerance + 520);
    }
  });
});
