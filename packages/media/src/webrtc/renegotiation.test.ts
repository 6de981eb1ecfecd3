import { describe, expect, it } from 'vitest';
import { RenegotiationLimit } from './renegotiation.js';

describe('RenegotiationLimit', () => {
  it('allows max in a window, refuses the next with a typed error, and allows again once the window slides', () => {
    let now = 0;
    const limit = new RenegotiationLimit({ max: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      limit.take('leg');
      now += 1000;
    }
    expect(() => limit.take('leg')).toThrow(expect.objectContaining({ code: 'renegotiation-limit', where: 'leg' }));
    now = 60_000; // the first one (at 0) has left the window
    limit.take('leg');
    expect(() => limit.take('leg')).toThrow(expect.objectContaining({ code: 'renegotiation-limit' }));
  });

  it('refuses nonsense options', () => {
    expect(() => new RenegotiationLimit({ max: 0 })).toThrow(expect.objectContaining({ code: 'invalid-options' }));
    expect(() => new RenegotiationLimit({ windowMs: 10 })).toThrow(
      expect.objectContaining({ code: 'invalid-options' }),
    );
  });
});
