import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkIceUrl, iceServersFor, turnCredentials } from './ice-servers.js';

const NOW = 1_800_000_000_000;

describe('ICE servers for devices', () => {
  it("makes coturn's TURN REST credentials: <expiry>:<identity>, base64 HMAC-SHA1 with the shared secret", () => {
    const { username, credential } = turnCredentials('north-wind', 'alice', NOW, 3600);
    expect(username).toBe(`${NOW / 1000 + 3600}:alice`);
    // what coturn computes with static-auth-secret=north-wind
    expect(credential).toBe(createHmac('sha1', 'north-wind').update(username).digest('base64'));
    expect(turnCredentials('another', 'alice', NOW, 3600).credential).not.toBe(credential);
  });

  it('STUN servers go as they are, TURN servers with credentials when a secret is set', () => {
    const urls = [
      'stun:stun.example.com:3478',
      'turn:turn.example.com:3478?transport=udp',
      'turns:turn.example.com:5349',
    ];
    expect(iceServersFor({ urls }, 'bob', NOW)).toEqual([
      { urls: ['stun:stun.example.com:3478'] },
      { urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'] },
    ]);
    const [, turn] = iceServersFor({ urls, turnSecret: 's', turnTtlS: 600 }, 'bob', NOW);
    expect(turn).toMatchObject({ username: `${NOW / 1000 + 600}:bob` });
    expect(iceServersFor(undefined, 'bob', NOW)).toEqual([]);
  });

  it('checks URLs: stun/stuns/turn/turns with a host, optional port and transport', () => {
    for (const good of ['stun:127.0.0.1', 'turn:[::1]:3478', 'turns:turn.example.com:5349?transport=tcp'])
      expect(checkIceUrl(good)).toBeUndefined();
    for (const bad of ['http://turn.example.com', 'turn:', 'turn:host:3478?transport=sctp', 'turn://host'])
      expect(checkIceUrl(bad)).toMatch(/is not a STUN or TURN URL/);
  });
});
