import { describe, expect, it } from 'vitest';
import { conceal } from './plc.js';

describe('conceal', () => {
  it('conceals loss by repeating the last frame with fading, then silence', () => {
    const last = new Int16Array(4).fill(1000);
    const out = new Int16Array(4);
    conceal(last, 1, out);
    expect(out[0]).toBe(500);
    conceal(last, 4, out);
    expect(out[0]).toBe(0);
  });
});
