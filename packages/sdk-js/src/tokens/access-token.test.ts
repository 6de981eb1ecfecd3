import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { AccessToken, VoiceGrant } from './access-token.js';
import { readTokenClaims } from './jwt.js';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const KEY = `SK${'b'.repeat(32)}`;
const SECRET = 'key-secret-of-at-least-some-length';
const APP = `AP${'c'.repeat(32)}`;

describe('AccessToken', () => {
  it('makes the same token as the helper library, verifiable by an independent JWT implementation', async () => {
    const grant = { incomingAllow: true, outgoingApplicationSid: APP, outgoingApplicationParams: { team: 'blue' } };
    const ours = new AccessToken(ACCOUNT, KEY, SECRET, { identity: 'alice', ttl: 600 })
      .addGrant(new VoiceGrant(grant))
      .toJwt();
    const theirs = new twilio.jwt.AccessToken(ACCOUNT, KEY, SECRET, { identity: 'alice', ttl: 600 });
    theirs.addGrant(new twilio.jwt.AccessToken.VoiceGrant(grant));
    const helper = theirs.toJwt();

    expect(decodeProtectedHeader(ours)).toEqual(decodeProtectedHeader(helper));
    const mine = decodeJwt(ours);
    const reference = decodeJwt(helper);
    const { iat, exp, jti, ...rest } = mine;
    const { iat: refIat, exp: _refExp, jti: _refJti, ...refRest } = reference;
    expect(rest).toEqual(refRest);
    expect(Math.abs((iat as number) - (refIat as number))).toBeLessThanOrEqual(1);
    expect(exp).toBe((iat as number) + 600);
    expect(jti).toBe(`${KEY}-${iat}`);

    const { payload } = await jwtVerify(ours, new TextEncoder().encode(SECRET), { algorithms: ['HS256'] });
    expect(payload.grants).toEqual({
      identity: 'alice',
      voice: { incoming: { allow: true }, outgoing: { application_sid: APP, params: { team: 'blue' } } },
    });
    await expect(jwtVerify(ours, new TextEncoder().encode('another secret'))).rejects.toThrow();
  });

  it('signs with HS384 and HS512 too, and carries nbf', async () => {
    for (const algorithm of ['HS384', 'HS512'] as const) {
      const token = new AccessToken(ACCOUNT, KEY, SECRET, {
        identity: 'bob',
        nbf: 1_900_000_000,
        iat: 1_899_999_000,
      }).toJwt(algorithm);
      const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SECRET), {
        currentDate: new Date(1_900_000_001_000),
      });
      expect(protectedHeader.alg).toBe(algorithm);
      expect(payload.nbf).toBe(1_900_000_000);
    }
  });

  it('refuses what the server would refuse: no identity, bad SIDs, lifetimes beyond 24 hours', () => {
    expect(() => new AccessToken(ACCOUNT, KEY, SECRET, { identity: '' })).toThrow(/identity/);
    expect(() => new AccessToken('XX1', KEY, SECRET, { identity: 'a' })).toThrow(/AC SID/);
    expect(() => new AccessToken(ACCOUNT, 'AP1', SECRET, { identity: 'a' })).toThrow(/SK SID/);
    expect(() => new AccessToken(ACCOUNT, KEY, '', { identity: 'a' })).toThrow(/secret/);
    expect(() => new AccessToken(ACCOUNT, KEY, SECRET, { identity: 'a', ttl: 86_401 })).toThrow(RangeError);
  });

  it('lets a device read its identity and expiry without the secret', () => {
    const token = new AccessToken(ACCOUNT, KEY, SECRET, { identity: 'zoë ✓', ttl: 60, iat: 1_800_000_000 }).toJwt();
    expect(readTokenClaims(token)).toEqual({ identity: 'zoë ✓', accountSid: ACCOUNT, expiresAt: 1_800_000_060_000 });
    expect(readTokenClaims('not-a-token')).toBeUndefined();
    expect(readTokenClaims('a.%%%.c')).toBeUndefined();
  });
});
