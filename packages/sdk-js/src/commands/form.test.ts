import { describe, expect, it } from 'vitest';
import { readForm, signForm } from './form.js';

// The worked example of docs/commands.md#the-compact-form: the doc's figures are checked here.
const SECRET = 'q3JtX2Vx0mXyQ1d9c7m4S0Zp8w6aT5bY2cN1dE3fG4h';
const EXAMPLE = 'PBC1 2a 88b6fff8e5ac133b ring?seconds=5 ~ lock?message=Call%20me%20at%20555-0100%20%26%20ask @';

describe('the compact form', () => {
  it('writes the documented example, and reads it back', async () => {
    const items = [
      { action: 'ring', params: { seconds: '5' } },
      { skip: true as const },
      { action: 'lock', params: { message: 'Call me at 555-0100 & ask' } },
      { fetch: true as const },
    ];
    expect(await signForm(SECRET, { first: 42, items })).toBe(EXAMPLE);
    expect(await readForm(SECRET, EXAMPLE)).toEqual({ ok: true, first: 42, items });
  });

  it('refuses a text changed anywhere, or signed with another secret', async () => {
    expect(await readForm(SECRET, EXAMPLE.replace('seconds=5', 'seconds=6'))).toEqual({
      ok: false,
      reason: 'authentication-failure',
    });
    expect(await readForm(SECRET, EXAMPLE.replace('PBC1 2a', 'PBC1 2b'))).toEqual({
      ok: false,
      reason: 'authentication-failure',
    });
    expect(await readForm(`${SECRET}x`, EXAMPLE)).toEqual({ ok: false, reason: 'authentication-failure' });
    expect(await readForm(SECRET, 'PBC1 zz 0000 ring')).toEqual({ ok: false, reason: 'malformed' });
    expect(await readForm(SECRET, 'PBWAKE ann-phone incoming-call')).toEqual({
      ok: false,
      reason: 'not-a-command-form',
    });
  });

  it('keeps any parameter value, spaces and separators included, inside one item', async () => {
    const params = { 'a b': 'x y&z=1?~@', empty: '', unicode: 'grüß 👋' };
    const text = await signForm(SECRET, { first: 1, items: [{ action: 'set', params }] });
    expect(text.split(' ')).toHaveLength(4);
    expect(await readForm(SECRET, text)).toEqual({ ok: true, first: 1, items: [{ action: 'set', params }] });
  });
});
