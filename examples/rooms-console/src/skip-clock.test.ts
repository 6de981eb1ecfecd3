import { expect, it } from 'vitest';
import { SkipClock } from './skip-clock.js';

it('fires the timers a skip passes, earliest first, and leaves the later ones for later', async () => {
  const clock = new SkipClock();
  const fired: string[] = [];
  clock.setTimer(() => fired.push('30 s'), 30_000);
  clock.setTimer(() => fired.push('later'), 31_000);
  clock.setTimer(() => fired.push('10 s'), 10_000);
  const cancel = clock.setTimer(() => fired.push('cancelled'), 5_000);
  clock.setTimer(() => fired.push('soon'), 40);
  cancel();
  const before = clock.now();
  clock.skip(30_000);
  expect(fired).toEqual(['soon', '10 s', '30 s']);
  expect(clock.now() - before).toBeGreaterThanOrEqual(30_000);
  expect(clock.ahead).toBe(30_000);
  // Each fired once: the real timers the skip passed do not fire them again.
  await new Promise((resolve) => setTimeout(resolve, 60));
  expect(fired).toEqual(['soon', '10 s', '30 s']);
  clock.skip(1_000);
  expect(fired).toEqual(['soon', '10 s', '30 s', 'later']);
});

it('runs a timer in real time when no skip comes', async () => {
  const clock = new SkipClock();
  const fired = new Promise<number>((resolve) => clock.setTimer(() => resolve(clock.now()), 30));
  const set = clock.now();
  expect((await fired) - set).toBeGreaterThanOrEqual(25);
});

it('re-arms the timers a skip brings closer', async () => {
  const clock = new SkipClock();
  const fired = new Promise<void>((resolve) => clock.setTimer(resolve, 60_000));
  clock.skip(59_980);
  await fired;
});
