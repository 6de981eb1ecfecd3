import { describe, expect, it } from 'vitest';
import { Slots } from './slots.js';

const live = () => new AbortController().signal;

describe('Slots', () => {
  it('runs at most `limit` at once and hands freed slots out in order', async () => {
    const slots = new Slots(2);
    const a = await slots.acquire(live());
    await slots.acquire(live());
    const order: string[] = [];
    const c = slots.acquire(live()).then((release) => {
      order.push('c');
      return release;
    });
    const d = slots.acquire(live()).then(() => order.push('d'));
    expect([slots.busy, slots.queued]).toEqual([2, 2]);
    a();
    a(); // a second release frees nothing more
    await c;
    expect(order).toEqual(['c']);
    expect([slots.busy, slots.queued]).toEqual([2, 1]);
    (await c)();
    await d;
    expect(order).toEqual(['c', 'd']);
  });

  it('drops an aborted waiter from the queue', async () => {
    const slots = new Slots(1);
    const release = await slots.acquire(live());
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(slots.queued).toBe(0);
    release();
    expect(slots.busy).toBe(0);
    await expect(slots.acquire(AbortSignal.abort(new Error('late')))).rejects.toThrow('late');
    expect(() => new Slots(0)).toThrow(RangeError);
  });
});
