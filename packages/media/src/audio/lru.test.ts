import { describe, expect, it } from 'vitest';
import { ByteLru } from './lru.js';

describe('ByteLru', () => {
  it('evicts the least recently used entries past its byte budget', () => {
    const cache = new ByteLru<string, string>(10);
    cache.set('a', 'A', 4);
    cache.set('b', 'B', 4);
    expect(cache.get('a')).toBe('A'); // a is now the most recent
    cache.set('c', 'C', 4);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c')]).toEqual(['A', 'C']);
    expect(cache.bytes).toBe(8);
  });

  it('does not keep an entry larger than the budget, and replacing one frees its bytes', () => {
    const cache = new ByteLru<string, string>(10);
    cache.set('big', 'X', 11);
    expect(cache.size).toBe(0);
    cache.set('a', 'A', 6);
    cache.set('a', 'A2', 3);
    expect(cache.bytes).toBe(3);
    cache.delete('a');
    expect(cache.bytes).toBe(0);
  });
});
