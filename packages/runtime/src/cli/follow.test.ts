import { describe, expect, it } from 'vitest';
import { backoffMs } from './follow.js';

describe('backoffMs', () => {
  it('grows as a doubling bound from the base, capped, with full jitter below it', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffMs(attempt, 500, 30_000, () => 1))).toEqual([
      500, 1000, 2000, 4000, 30_000,
    ]);
    expect(backoffMs(3, 500, 30_000, () => 0)).toBe(0);
    expect(backoffMs(3, 500, 30_000, () => 0.5)).toBe(2000);
  });
});
