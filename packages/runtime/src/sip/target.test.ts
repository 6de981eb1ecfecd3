import { describe, expect, it } from 'vitest';
import { parseSipTarget, resolveHost } from './target.js';

describe('SIP targets', () => {
  it('reads a host, a port, a user and parameters', () => {
    expect(parseSipTarget('sip:pbx.Example.com:5080;transport=tcp')).toEqual({
      uri: 'sip:pbx.Example.com:5080;transport=tcp',
      secure: false,
      host: 'pbx.example.com',
      port: 5080,
    });
    expect(parseSipTarget('sips:trunk@127.0.0.2')).toEqual({
      uri: 'sips:trunk@127.0.0.2',
      secure: true,
      user: 'trunk',
      host: '127.0.0.2',
    });
  });

  it('refuses what is not a sip URI with a host', () => {
    for (const bad of [
      'http://example.com',
      'sip:',
      'sip:host:0',
      'sip:host:70000',
      'sip:-bad.com',
      'sip:a b',
      'example.com',
    ])
      expect(parseSipTarget(bad), bad).toBeUndefined();
  });

  it('resolves a host to its IPv4 address, an address to itself, and nothing for what does not resolve', async () => {
    expect(await resolveHost('127.0.0.5')).toBe('127.0.0.5');
    expect(await resolveHost('localhost')).toBe('127.0.0.1');
    expect(await resolveHost('no-such-host.invalid')).toBeUndefined();
  });
});
