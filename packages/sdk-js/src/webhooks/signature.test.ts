import fc from 'fast-check';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { getExpectedSignature, signatureBase, signJsonBody, validateRequest } from './signature.js';

describe('webhook signature', () => {
  it('matches the reference example', () => {
    const params = { CallSid: 'CA1', Digits: '1234', From: '+1', To: '+2' };
    expect(signatureBase('https://example.com/voice?x=1', params)).toBe(
      'https://example.com/voice?x=1CallSidCA1Digits1234From+1To+2',
    );
    expect(getExpectedSignature('tok', 'https://example.com/voice?x=1', params)).toBe('20uwJqnh7py4fnjOyXRDctXv2E8=');
  });

  it('is accepted by the helper library, and accepts what the helper signs, for any parameters', () => {
    const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['__proto__', 'constructor'].includes(k));
    const params = fc.dictionary(
      key,
      fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 3 })),
      { maxKeys: 8 },
    );
    const url = fc.webUrl({ withQueryParameters: true });
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 32 }), url, params, (token, address, form) => {
        const ours = getExpectedSignature(token, address, form);
        expect(twilio.validateRequest(token, ours, address, form)).toBe(true);
        expect(ours).toBe(twilio.getExpectedTwilioSignature(token, address, form));
        expect(validateRequest(token, ours, address, form)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a wrong, missing or differently sized signature', () => {
    const good = getExpectedSignature('tok', 'https://a.example/x', { A: '1' });
    expect(validateRequest('tok', good, 'https://a.example/x', { A: '2' })).toBe(false);
    expect(validateRequest('other', good, 'https://a.example/x', { A: '1' })).toBe(false);
    expect(validateRequest('tok', undefined, 'https://a.example/x', { A: '1' })).toBe(false);
    expect(validateRequest('tok', `${good}=`, 'https://a.example/x', { A: '1' })).toBe(false);
  });

  it('signs JSON bodies through bodySHA256 in the query, as the helper validates them', () => {
    const body = '{"event":"x"}';
    const { url, signature } = signJsonBody('tok', 'https://a.example/hook?x=1', body);
    expect(url).toMatch(/^https:\/\/a\.example\/hook\?x=1&bodySHA256=[0-9a-f]{64}$/);
    expect(twilio.validateRequestWithBody('tok', signature, url, body)).toBe(true);
  });
});
