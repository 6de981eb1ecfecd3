import { describe, expect, it } from 'vitest';
import { authorize, DigestServer, digestResponse } from './digest.js';
import { SipHeaders } from './headers.js';
import type { SipRequest } from './message.js';
import { VirtualTimers } from './timers.js';

const request = (auth?: string): SipRequest => {
  const headers = new SipHeaders();
  if (auth) headers.set('proxy-authorization', auth);
  return { kind: 'request', method: 'INVITE', uri: 'sip:bob@example.com', headers, body: '' };
};

describe('digest', () => {
  it('computes the RFC 2617 §3.5 example response (MD5, qop=auth)', () => {
    expect(
      digestResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        password: 'Circle Of Life',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        qop: { nc: '00000001', cnonce: '0a4f113b' },
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('verifies a client answer for SHA-256 and MD5, and refuses a wrong password', async () => {
    const server = new DigestServer({ timers: new VirtualTimers() });
    const lookup = (u: string) => (u === 'alice' ? 's3cret' : undefined);
    for (const index of [0, 1]) {
      const challenge = server.challenge('example.com')[index] ?? '';
      expect(challenge).toContain(index === 0 ? 'algorithm=SHA-256' : 'algorithm=MD5');
      const good = authorize([challenge], { username: 'alice', password: 's3cret' }, 'INVITE', 'sip:bob@example.com');
      expect(await server.verify(request(good), 'proxy-authorization', 'example.com', lookup)).toEqual({
        ok: true,
        user: 'alice',
      });
      const bad = authorize([challenge], { username: 'alice', password: 'wrong' }, 'INVITE', 'sip:bob@example.com');
      expect(await server.verify(request(bad), 'proxy-authorization', 'example.com', lookup)).toEqual({
        ok: false,
        stale: false,
      });
    }
  });

  it('prefers SHA-256 when offered both', () => {
    const server = new DigestServer();
    const value = authorize(server.challenge('r'), { username: 'a', password: 'b' }, 'INVITE', 'sip:x@y');
    expect(value).toContain('algorithm=SHA-256');
  });

  it('refuses a replayed answer and an expired nonce (stale)', async () => {
    const timers = new VirtualTimers();
    const server = new DigestServer({ timers, nonceTtlMs: 1000 });
    const [challenge = ''] = server.challenge('r');
    const value = authorize([challenge], { username: 'a', password: 'b' }, 'INVITE', 'sip:bob@example.com');
    expect((await server.verify(request(value), 'proxy-authorization', 'r', () => 'b')).ok).toBe(true);
    expect(await server.verify(request(value), 'proxy-authorization', 'r', () => 'b')).toEqual({
      ok: false,
      stale: true,
    });
    const [fresh = ''] = server.challenge('r');
    timers.advance(1001);
    const late = authorize([fresh], { username: 'a', password: 'b' }, 'INVITE', 'sip:bob@example.com');
    expect(await server.verify(request(late), 'proxy-authorization', 'r', () => 'b')).toEqual({
      ok: false,
      stale: true,
    });
  });

  it('refuses a nonce it did not issue', async () => {
    const other = new DigestServer();
    const server = new DigestServer();
    const value = authorize(other.challenge('r'), { username: 'a', password: 'b' }, 'INVITE', 'sip:bob@example.com');
    expect((await server.verify(request(value), 'proxy-authorization', 'r', () => 'b')).ok).toBe(false);
  });
});
