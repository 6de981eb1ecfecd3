import { describe, expect, it } from 'vitest';
import { orderTargets } from './targets-order.js';

const t = (name: string, priority: number, weight: number) => ({ name, priority, weight });

describe('the order targets are tried in', () => {
  it('is by priority, lowest first, whatever the weights', () => {
    const order = orderTargets([t('b', 2, 100), t('a', 1, 1), t('c', 3, 50)], () => 0.99);
    expect(order.map((x) => x.name)).toEqual(['a', 'b', 'c']);
  });

  it('within a priority, draws by weight', () => {
    const targets = [t('light', 0, 10), t('heavy', 0, 30)];
    // Draws below 10/40 pick the light one first, the rest the heavy one.
    expect(orderTargets(targets, () => 0.2).map((x) => x.name)).toEqual(['light', 'heavy']);
    expect(orderTargets(targets, () => 0.3).map((x) => x.name)).toEqual(['heavy', 'light']);
    let seed = 1;
    const random = () => {
      seed = (seed * 16_807) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    let heavyFirst = 0;
    for (let n = 0; n < 4000; n++) if (orderTargets(targets, random)[0]?.name === 'heavy') heavyFirst++;
    expect(heavyFirst / 4000).toBeGreaterThan(0.7);
    expect(heavyFirst / 4000).toBeLessThan(0.8);
  });
});
