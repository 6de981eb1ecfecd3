import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SipParseError } from './errors.js';
import { formatNameAddr, formatUri, parseNameAddr, parseUri } from './uri.js';

describe('parseUri', () => {
  it('reads user params, port, uri params and custom headers as <Dial><Sip> uses them', () => {
    const u = parseUri('sip:+15551234567;npdi;rn=+1555@PBX.example.com:5080;transport=tcp?X-Account=42&X-Note=a%20b');
    expect(u).toMatchObject({
      scheme: 'sip',
      user: '+15551234567',
      userParams: { npdi: null, rn: '+1555' },
      host: 'pbx.example.com',
      port: 5080,
      params: { transport: 'tcp' },
      headers: { 'X-Account': '42', 'X-Note': 'a b' },
    });
    expect(parseUri(formatUri(u))).toEqual(u);
  });

  it('reads IPv6 hosts and sips', () => {
    expect(parseUri('sips:alice@[::1]:5061')).toMatchObject({ scheme: 'sips', host: '[::1]', port: 5061 });
  });

  it.each(['tel:+1555', 'sip:', 'sip:a@b:99999', 'sip:a@b c', 'sip:%zz@b'])('rejects %s', (s) => {
    expect(() => parseUri(s)).toThrow(SipParseError);
  });

  it('round-trips any user and header value', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (user, value) => {
        const u = { scheme: 'sip' as const, user, userParams: {}, host: 'h', params: {}, headers: { 'X-V': value } };
        expect(parseUri(formatUri(u))).toEqual(u);
      }),
    );
  });
});

describe('parseNameAddr', () => {
  it('reads display names, brackets and header params', () => {
    const na = parseNameAddr('"Alice \\"A\\"" <sip:alice@a.example;transport=udp>;tag=xyz');
    expect(na.displayName).toBe('Alice "A"');
    expect(na.uri.params).toEqual({ transport: 'udp' });
    expect(na.params).toEqual({ tag: 'xyz' });
    expect(parseNameAddr(formatNameAddr(na))).toEqual(na);
  });

  it('gives params of a bare URI to the header', () => {
    expect(parseNameAddr('sip:bob@b;tag=1')).toMatchObject({ uri: { host: 'b', params: {} }, params: { tag: '1' } });
    expect(parseNameAddr('Bob <sip:bob@b>').displayName).toBe('Bob');
  });
});
