import { expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import { SweepTimer } from './sweep.js';

/** Resolves once the virtual clock has fired every timer it had (nothing left to wait for). */
async function drained(clock: VirtualClock): Promise<void> {
  while (clock.pending > 0) await new Promise((resolve) => setImmediate(resolve));
}

it('sweeps every period while there is something to sweep, then keeps no timer until started again', async () => {
  const clock = new VirtualClock(0);
  let left = 3;
  const at: number[] = [];
  const timer = new SweepTimer(clock, 5000, () => {
    at.push(clock.now());
    left--;
    return left > 0;
  });
  timer.start();
  timer.start(); // one timer, however often it is started
  await drained(clock);
  expect(at).toEqual([5000, 10_000, 15_000]);
  expect(clock.pending).toBe(0);

  left = 1;
  timer.start();
  await drained(clock);
  expect(at).toEqual([5000, 10_000, 15_000, 20_000]);

  timer.start();
  timer.stop();
  timer.start(); // stopped for good
  expect(clock.pending).toBe(0);
});
