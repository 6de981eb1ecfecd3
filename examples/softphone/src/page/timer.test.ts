import { afterEach, expect, it, vi } from 'vitest';
import { CallTimer, formatDuration } from './timer.js';

afterEach(() => {
  vi.useRealTimers();
});

it('formats durations as m:ss, then h:mm:ss', () => {
  expect(formatDuration(0)).toBe('0:00');
  expect(formatDuration(999)).toBe('0:00');
  expect(formatDuration(65_000)).toBe('1:05');
  expect(formatDuration(3_725_000)).toBe('1:02:05');
  expect(formatDuration(-5)).toBe('0:00');
});

it('counts from the moment the call connected, not by adding ticks', () => {
  vi.useFakeTimers();
  let now = 1_000;
  const shown: string[] = [];
  const timer = new CallTimer(
    (text) => shown.push(text),
    () => now,
  );
  timer.start();
  // A throttled tab: the clock moved 61 s while only one tick ran.
  now += 61_000;
  vi.advanceTimersByTime(250);
  expect(shown).toEqual(['0:00', '1:01']);
  now += 500;
  expect(timer.stop()).toBe(61_500);
  vi.advanceTimersByTime(10_000);
  expect(shown).toHaveLength(2);
});
