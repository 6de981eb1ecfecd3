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
  it('opens what it sealed, hides the claims, and is spent once', () => {
    let now = 1_800_000_000_000;
    const tokens = new CallTokens(() => now);
    const token = tokens.seal(claims(now + 30_000));
    expect(token.startsWith('v1.')).toBe(true);
    expect(Buffer.from(token.slice(3), 'base64url').toString('latin1')).not.toContain('alice');
    const opened = tokens.open(token);
    expect(opened).toMatchObject({ ...claims(now + 30_000), expiresAt: now + 30_000 });
    tokens.spend(opened);
    expect(() => tokens.spend(opened)).toThrow(expect.objectContaining({ errorName: 'CallTokenInvalid' }));
    // Opening again still works (a wrong device showing it does not burn it), spending does not.
    expect(tokens.open(token)).toMatchObject({ callSid: opened.callSid });
    now += 31_000;
    expect(() => tokens.open(token)).toThrow(
      expect.objectContaining({ errorName: 'CallTokenInvalid', message: expect.stringMatching(/expired/) }),
    );
  });

  it('refuses tampered tokens and tokens sealed with another key', () => {
    const now = () => 1_800_000_000_000;
    const tokens = new CallTokens(now);
    const token = tokens.seal(claims(now() + 30_000));
    const bytes = Buffer.from(token.slice(3), 'base64url');
    for (const at of [0, 20, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[at] = (tampered[at] as number) ^ 1;
      expect(() => tokens.open(`v1.${tampered.toString('base64url')}`)).toThrow(
        expect.objectContaining({ errorName: 'CallTokenInvalid', code: 31202 }),
      );
    }
    expect(() => new CallTokens(now).open(token)).toThrow(expect.objectContaining({ errorName: 'CallTokenInvalid' }));
    for (const garbage of ['garbage', 'v1.', 'v1.AAAA', `v2.${token.slice(3)}`])
      expect(() => tokens.open(garbage)).toThrow(expect.objectContaining({ errorName: 'CallTokenInvalid' }));
    // Nodes of one cluster share the key.
    const key = new Uint8Array(32).fill(7);
    const sealed = new CallTokens(now, key).seal(claims(now() + 30_000));
    expect(new CallTokens(now, key).open(sealed)).toMatchObject({ identity: 'alice' });
  });
});
