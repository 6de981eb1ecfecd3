import { describe, expect, it } from 'vitest';
import { inBlock, ipv4, parseCidr } from './addresses.js';

describe('IPv4 addresses and blocks', () => {
  it('reads dotted-decimal addresses and refuses the rest', () => {
    expect(ipv4('192.0.2.1')).toBe(0xc0000201);
    for (const bad of ['192.0.2', '192.0.2.256', '01.2.3.4', '1.2.3.4.5', 'a.b.c.d', '::1', '', '1.2.3.-4'])
      expect(ipv4(bad), bad).toBeUndefined();
  });

  it('matches by prefix, IPv4-mapped sources included', () => {
    expect(inBlock('192.0.2.77', '192.0.2.0', 24)).toBe(true);
    expect(inBlock('192.0.3.1', '192.0.2.0', 24)).toBe(false);
    expect(inBlock('::ffff:10.1.2.3', '10.0.0.0', 8)).toBe(true);
    expect(inBlock('10.0.0.2', '10.0.0.1', 32)).toBe(false);
    expect(inBlock('255.255.255.255', '128.0.0.0', 1)).toBe(true);
    expect(inBlock('not an address', '10.0.0.0', 8)).toBe(false);
  });

  it('parses blocks, with or without a prefix', () => {
    expect(parseCidr('127.0.0.0/8')).toEqual({ address: '127.0.0.0', prefix: 8 });
    expect(parseCidr('127.0.0.2')).toEqual({ address: '127.0.0.2', prefix: 32 });
    for (const bad of ['127.0.0.0/33', '127.0.0.0/', '127.0.0/8', '127.0.0.0/8/1', 'host/8'])
      expect(parseCidr(bad), bad).toBeUndefined();
  });
});
