import { describe, expect, it } from 'vitest';
import { CallTokens } from './call-tokens.js';

const claims = (expiresAt: number) => ({
  callSid: `CA${'1'.repeat(32)}`,
  node: 'node-a',
  accountSid: `AC${'2'.repeat(32)}`,
  identity: 'alice',
  expiresAt,
});

describe('sealed call tokens', () => {
  it('opens what it sealed, hides the claims, and is spent once', async () => {
    let now = 1_800_000_000_000;
    const tokens = new CallTokens(() => now);
    const token = await tokens.seal(claims(now + 30_000));
    expect(token.split('.')).toHaveLength(5);
    expect(token).not.toContain('alice');
    const opened = await tokens.open(token);
    expect(opened).toMatchObject({ ...claims(now + 30_000), expiresAt: now + 30_000 });
    tokens.spend(opened);
    expect(() => tokens.spend(opened)).toThrow(expect.objectContaining({ errorName: 'CallTokenInvalid' }));
    // Opening again still works (a wrong device showing it does not burn it), spending does not.
    await expect(tokens.open(token)).resolves.toMatchObject({ callSid: opened.callSid });
    now += 31_000;
    await expect(tokens.open(token)).rejects.toMatchObject({
      errorName: 'CallTokenInvalid',
      message: expect.stringMatching(/expired/),
    });
  });

  it('refuses tampered tokens and tokens sealed with another key', async () => {
    const now = () => 1_800_000_000_000;
    const tokens = new CallTokens(now);
    const token = await tokens.seal(claims(now() + 30_000));
    const parts = token.split('.');
    const ciphertext = parts[3] as string;
    const flipped = `${ciphertext.slice(0, 5)}${ciphertext[5] === 'A' ? 'B' : 'A'}${ciphertext.slice(6)}`;
    const tampered = [...parts.slice(0, 3), flipped, parts[4]].join('.');
    await expect(tokens.open(tampered)).rejects.toMatchObject({ errorName: 'CallTokenInvalid', code: 31202 });
    await expect(new CallTokens(now).open(token)).rejects.toMatchObject({ errorName: 'CallTokenInvalid' });
    await expect(tokens.open('garbage')).rejects.toMatchObject({ errorName: 'CallTokenInvalid' });
    // Nodes of one cluster share the key.
    const key = new Uint8Array(32).fill(7);
    const sealed = await new CallTokens(now, key).seal(claims(now() + 30_000));
    await expect(new CallTokens(now, key).open(sealed)).resolves.toMatchObject({ identity: 'alice' });
  });
});
