/**
 * Hostile SIP at a real `patchbay serve --media sip`: scanners, guessed passwords, floods,
 * numbers nobody has. What is refused is refused before any app hears of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestAuthorization } from '../sip/index.js';
import type { SipMediaAdapter } from './adapter.js';
import { calls, type HostileServer, hostileServer, overTcp, RawPeers, sipRequest } from './hostile.test-support.js';

let s: HostileServer;
const peers = new RawPeers();
const peer = (address: string) => peers.at(address);

beforeAll(async () => {
  // 127.0.0.80 is a --sip-allow source (a PBX of ours); everything else in 127.0.0.70-99 is a stranger.
  s = await hostileServer({ rtpPorts: { min: 46000, max: 46498 }, allow: [{ address: '127.0.0.80', prefix: 32 }] });
  const list = await s.post('SIP/CredentialLists.json', { FriendlyName: 'staff' });
  await s.post(`SIP/CredentialLists/${list.sid}/Credentials.json`, { Username: 'alice', Password: 'Secret-Pass-2026' });
  const domain = await s.post('SIP/Domains.json', {
    DomainName: 'acme.sip.patchbay.local',
    VoiceUrl: `${s.app.url}/voice`,
  });
  await s.post(`SIP/Domains/${domain.sid}/Auth/Calls/CredentialListMappings.json`, {
    CredentialListSid: list.sid ?? '',
  });
});

afterAll(async () => {
  await peers.close();
  await s?.close();
});

const uri = (user: string) => `sip:${user}@127.0.0.1`;

describe('hostile signaling at a running SIP server', () => {
  it('a scanner from an unknown source is refused (403) for numbers, extensions and registrations; the app hears nothing', async () => {
    const scanner = await peer('127.0.0.71');
    const from = 'sip:100@127.0.0.71';
    const ask = (method: string, target: string) =>
      scanner.ask(
        s.sipPort,
        sipRequest({
          method,
          uri: target,
          from,
          via: `SIP/2.0/UDP 127.0.0.71:5060;branch=z9hG4bK${method}${target.length};rport`,
        }),
      );
    expect(await ask('INVITE', uri('+15550001234'))).toMatch(/^SIP\/2\.0 403/);
    expect(await ask('INVITE', uri('100'))).toMatch(/^SIP\/2\.0 403/);
    expect(await ask('INVITE', 'sip:00972599999999@127.0.0.1')).toMatch(/^SIP\/2\.0 403/);
    expect(await ask('REGISTER', 'sip:127.0.0.1')).toMatch(/^SIP\/2\.0 403/);
    // A domain that exists but has registration off, and a call to it without credentials.
    expect(await ask('REGISTER', 'sip:acme.sip.patchbay.local')).toMatch(/^SIP\/2\.0 403/);
    expect(await ask('INVITE', 'sip:admin@acme.sip.patchbay.local')).toMatch(/^SIP\/2\.0 407/);
    // The same over TCP.
    const tcp = await overTcp(
      '127.0.0.72',
      s.sipPort,
      sipRequest({ method: 'INVITE', uri: uri('+15550001234'), via: 'SIP/2.0/TCP 127.0.0.72:5060;branch=z9hG4bKtcp1' }),
    );
    expect(tcp).toMatch(/^SIP\/2\.0 403/m);
    expect(s.app.requests).toEqual([]);
    expect(await calls(s)).toEqual([]);
  });

  it('an allowed source calling a number nobody has gets 404, not 403, and nothing is routed', async () => {
    const pbx = await peer('127.0.0.80');
    const status = await pbx.ask(
      s.sipPort,
      sipRequest({
        method: 'INVITE',
        uri: uri('+15550009876'),
        from: 'sip:pbx@127.0.0.80',
        via: 'SIP/2.0/UDP 127.0.0.80:5060;branch=z9hG4bKnobody;rport',
        body: 'v=0\r\no=- 1 1 IN IP4 127.0.0.80\r\ns=-\r\nc=IN IP4 127.0.0.80\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n',
      }),
    );
    expect(status).toMatch(/^SIP\/2\.0 404/);
    expect(s.app.requests).toEqual([]);
    expect(await calls(s)).toEqual([]);
  });

  it('a wrong digest password is challenged again once, then refused with 403; the app never hears of it', async () => {
    const guesser = await peer('127.0.0.73');
    const target = 'sip:support@acme.sip.patchbay.local';
    const callId = 'guess-1@127.0.0.73';
    const attempt = (cseq: number, authorization?: string) =>
      sipRequest({
        method: 'INVITE',
        uri: target,
        from: 'sip:alice@acme.sip.patchbay.local',
        callId,
        cseq,
        via: `SIP/2.0/UDP 127.0.0.73:5060;branch=z9hG4bKguess${cseq};rport`,
        ...(authorization ? { headers: { 'Proxy-Authorization': authorization } } : {}),
      });
    const challengeOf = () => {
      const last = guesser.received.filter((text) => text.startsWith('SIP/2.0 407')).at(-1) ?? '';
      return [...last.matchAll(/^Proxy-Authenticate:\s*(.*)$/gim)].map((m) => (m[1] ?? '').trim());
    };
    const answer = () =>
      digestAuthorization(challengeOf(), { username: 'alice', password: 'wrong-password' }, 'INVITE', target);
    expect(await guesser.ask(s.sipPort, attempt(1))).toMatch(/^SIP\/2\.0 407/);
    expect(await guesser.ask(s.sipPort, attempt(2, answer()))).toMatch(/^SIP\/2\.0 407/);
    expect(await guesser.ask(s.sipPort, attempt(3, answer()))).toMatch(/^SIP\/2\.0 403/);
    expect(s.app.requests).toEqual([]);
  });

  it('past the default per-source rate, requests are answered 503 with Retry-After, then dropped; the source is served again once it slows', async () => {
    const flood = await peer('127.0.0.74');
    const burst = 150;
    for (let i = 0; i < burst; i++) {
      flood.send(
        s.sipPort,
        sipRequest({
          method: 'OPTIONS',
          uri: uri('x'),
          callId: `flood-${i}`,
          via: `SIP/2.0/UDP 127.0.0.74:5060;branch=z9hG4bKflood${i};rport`,
        }),
      );
    }
    // A source that slows down (one request per 250 ms) is served again within seconds: not banned for good.
    let after: string | undefined;
    for (let i = 0; i < 20 && !after?.startsWith('SIP/2.0 200'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await flood.ask(s.sipPort, sipRequest({ method: 'OPTIONS', uri: uri('x'), callId: `after-${i}` }), 1000);
    }
    expect(after).toMatch(/^SIP\/2\.0 200/);
    const answers = flood.received.filter((text) => /^Call-ID: flood-/m.test(text));
    const ok = answers.filter((text) => text.startsWith('SIP/2.0 200'));
    const busy = answers.filter((text) => text.startsWith('SIP/2.0 503'));
    expect(ok.length).toBeGreaterThanOrEqual(40);
    expect(ok.length).toBeLessThanOrEqual(60);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((text) => /^Retry-After: \d+/im.test(text))).toBe(true);
    expect(answers.length).toBeLessThan(burst);
    const counters = (s.server.media as SipMediaAdapter).agent.counters;
    expect(counters.throttled).toBeGreaterThanOrEqual(busy.length);
    expect(counters.rateDropped).toBeGreaterThanOrEqual(burst - answers.length);
    // Another source is not affected by that one's flood.
    const other = await peer('127.0.0.75');
    expect(await other.ask(s.sipPort, sipRequest({ method: 'OPTIONS', uri: uri('x') }))).toMatch(/^SIP\/2\.0 200/);
  });
});
