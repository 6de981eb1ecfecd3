import { describe, expect, it } from 'vitest';
import { FrameClock } from './clock.js';

describe('FrameClock', () => {
  it('runs each due frame once at its timestamp and catches up after a slow wake-up without drifting', () => {
    let now = 1000;
    const ticks: number[] = [];
    const clock = new FrameClock(
      (due) => ticks.push(due),
      () => now,
    );
    clock.reset();
    clock.runDue();
    expect(ticks).toEqual([1000]);
    now = 1085; // woke up 65 ms late: frames due at 1020, 1040, 1060, 1080
    clock.runDue();
    expect(ticks).toEqual([1000, 1020, 1040, 1060, 1080]);
    expect(clock.lateFrames).toBe(3); // 1020, 1040 and 1060 ran more than a frame (20 ms) late
    now = 1100;
    clock.runDue();
    expect(ticks.at(-1)).toBe(1100);
    expect(clock.quantile(1)).toBeGreaterThan(60);
    expect(clock.quantile(0.5)).toBeLessThan(30);
  });

  it('skips ahead after a stall instead of bursting more than ten frames', () => {
    let now = 0;
    let count = 0;
    const skips: number[] = [];
    const clock = new FrameClock(
      () => count++,
      () => now,
      (frames) => skips.push(frames),
    );
    clock.reset();
    now = 1000; // 50 frames due
    clock.runDue();
    expect(count).toBe(10);
    expect(clock.skippedFrames).toBe(41);
    expect(skips).toEqual([41]);
    now = 1020;
    clock.runDue();
    expect(count).toBe(11);
  });
});
