import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest.js';

describe('closest', () => {
  it('suggests the nearest name for a typo, a transposition or a prefix, and nothing for a stray letter', () => {
    expect(editDistance('stauts', 'status')).toBe(2);
    expect(closest('stauts', ['status', 'to', 'from'])).toBe('status');
    expect(closest('lst', ['list', 'create', 'get'])).toBe('list');
    expect(closest('hang', ['hangup', 'get'])).toBe('hangup');
    expect(closest('x', ['to', 'from', 'status'])).toBeUndefined();
    expect(closest('frobnicate', ['calls', 'numbers'])).toBeUndefined();
  });
});
