import { describe, expect, it } from 'vitest';
import { inBlock, ipv4, ipv6, minPrefix, parseCidr, unmapped } from './addresses.js';

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

describe('IPv6 addresses and blocks', () => {
  it('reads every text form, embedded IPv4 included, and refuses the rest', () => {
    expect(ipv6('::1')).toBe(1n);
    expect(ipv6('::')).toBe(0n);
    expect(ipv6('2001:db8::1')).toBe((0x20010db8n << 96n) | 1n);
    expect(ipv6('2001:DB8:0:0:0:0:0:1')).toBe(ipv6('2001:db8::1'));
    expect(ipv6('::ffff:192.0.2.1')).toBe((0xffffn << 32n) | 0xc0000201n);
    expect(ipv6('64:ff9b::192.0.2.1')).toBe((0x64ff9bn << 96n) | 0xc0000201n);
    expect(ipv6('fe80::1:2:3:4:5:6')).toBe(ipv6('fe80:0:1:2:3:4:5:6'));
    for (const bad of ['192.0.2.1', '2001:db8::1::2', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', ':::', 'g::1', ''])
      expect(ipv6(bad), bad).toBeUndefined();
  });

  it('matches by prefix; IPv4-mapped sources match IPv4 rules; the families do not mix', () => {
    expect(inBlock('2001:db8::5', '2001:db8::', 64)).toBe(true);
    expect(inBlock('2001:db8:0:1::5', '2001:db8::', 64)).toBe(false);
    expect(inBlock('::1', '::1', 128)).toBe(true);
    expect(inBlock('::2', '::1', 128)).toBe(false);
    expect(inBlock('::ffff:192.0.2.9', '192.0.2.0', 24)).toBe(true);
    expect(inBlock('::FFFF:c000:209', '192.0.2.0', 24)).toBe(true);
    expect(inBlock('192.0.2.9', '::ffff:192.0.2.0', 120)).toBe(true);
    expect(inBlock('::1', '0.0.0.0', 0)).toBe(false);
    expect(inBlock('127.0.0.1', '::', 0)).toBe(true);
    expect(inBlock('2001:db8::5', '2001:db8::', 129)).toBe(false);
    expect(unmapped('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(unmapped('::1')).toBe('::1');
  });

  it('parses blocks with prefixes up to 128, and knows the shortest prefix a list may allow', () => {
    expect(parseCidr('2001:db8::/32')).toEqual({ address: '2001:db8::', prefix: 32 });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128 });
    for (const bad of ['::1/129', '2001:db8::/', '2001:db8::/1/2', 'fe80::1%lo/64'])
      expect(parseCidr(bad), bad).toBeUndefined();
    expect(minPrefix('10.0.0.0')).toBe(8);
    expect(minPrefix('2001:db8::')).toBe(32);
  });
});
