/**
 * Malformed SIP and SDP fuzzed at a real `patchbay serve --media sip` over UDP and TCP: answers
 * where one is possible (400, 488, 513), never a crash or an unhandled rejection, no engine leg
 * left behind, and a real phone can still call in afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Phone, startPhone } from '../testing/baresip.js';
import type { SipMediaAdapter } from './adapter.js';
import {
  type HostileServer,
  hostileServer,
  offer,
  overTcp,
  type RawPeer,
  RawPeers,
  sipRequest,
} from './hostile.test-support.js';

let s: HostileServer;
const peers = new RawPeers();
let phone: Phone | undefined;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  // The fuzz comes from a few allowed sources as fast as it can be written: the per-source rate
  // limit (tested in hostile-signaling) is off here so that every message reaches the parser.
  s = await hostileServer(
    {
      rtpPorts: { min: 46500, max: 46998 },
      allow: [{ address: '127.0.0.80', prefix: 28 }],
      requestsPerSecondPerSource: 0,
    },
    { '/voice': () => '<Response><Say>Welcome.</Say><Pause length="20"/></Response>' },
  );
  await s.post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550001234', VoiceUrl: `${s.app.url}/voice` });
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await phone?.close();
  await peers.close();
  await s?.close();
});

const peer = (address: string) => peers.at(address);

/** An INVITE from an allowed source to a number nobody has (so the survivors end in 404, not calls). */
function invite(
  from: string,
  n: number,
  body = offer(from, 40000, '0 8 101', ['a=rtpmap:101 telephone-event/8000']),
): string {
  return sipRequest({
    method: 'INVITE',
    uri: 'sip:+15550000000@127.0.0.1',
    from: `sip:pbx@${from}`,
    callId: `fuzz-${n}@${from}`,
    via: `SIP/2.0/UDP ${from}:5060;branch=z9hG4bKfuzz${n};rport`,
    body,
  });
}

/** Mutations a broken or hostile peer sends: lines dropped or replaced, bytes flipped, cut short, pure noise. */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('lines' as const),
    drop: fc.array(fc.nat(18), { maxLength: 3 }),
    replace: fc.array(fc.tuple(fc.nat(18), fc.string({ maxLength: 60 })), { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.array(fc.tuple(fc.nat(700), fc.nat(255)), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(700) }),
  fc.record({ kind: fc.constant('noise' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 1200 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, m: Mutation): Buffer {
  if (m.kind === 'noise') return Buffer.from(m.bytes);
  if (m.kind === 'cut') return Buffer.from(text.slice(0, m.at % text.length), 'latin1');
  if (m.kind === 'flip') {
    const bytes = Buffer.from(text, 'latin1');
    for (const [at, value] of m.at) bytes[at % bytes.length] = value;
    return bytes;
  }
  const lines = text.split('\r\n');
  for (const [i, line] of m.replace) lines[i % lines.length] = line;
  return Buffer.from(lines.filter((_, i) => !m.drop.includes(i)).join('\r\n'), 'latin1');
}

describe('malformed SIP and SDP at a running SIP server', () => {
  it('answers 400 for bad framing and 488 for SDP nothing matches', async () => {
    const pbx = await peer('127.0.0.81');
    const from = pbx.address;
    const answer = (n: number, edit: (text: string) => string) => pbx.ask(s.sipPort, edit(invite(from, n)));
    // Content-Length larger than the datagram, and not a number.
    expect(await answer(1, (t) => t.replace(/Content-Length: \d+/, 'Content-Length: 5000'))).toMatch(/^SIP\/2\.0 400/);
    expect(await answer(2, (t) => t.replace(/Content-Length: \d+/, 'Content-Length: lots'))).toMatch(/^SIP\/2\.0 400/);
    // SDP that is not SDP, no audio stream, only codecs we do not have, a nonsense connection line.
    const sdp = (n: number, body: string) => pbx.ask(s.sipPort, invite(from, n, body));
    expect(await sdp(3, 'hello, I am not SDP\r\n')).toMatch(/^SIP\/2\.0 488/);
    expect(await sdp(4, offer(from, 40000, '0').replace('m=audio', 'm=video'))).toMatch(/^SIP\/2\.0 488/);
    expect(await sdp(5, offer(from, 40000, '96 97', ['a=rtpmap:96 opus/48000/2', 'a=rtpmap:97 AMR/8000']))).toMatch(
      /^SIP\/2\.0 488/,
    );
    expect(await sdp(6, offer(from, 40000, '0').replace('c=IN IP4 127.0.0.81', 'c=IN IP4'))).toMatch(/^SIP\/2\.0 488/);
    expect(await sdp(7, offer(from, 99999, '0'))).toMatch(/^SIP\/2\.0 488/);
    // Over TCP too: SDP nothing matches, and a message larger than the maximum is 513 or dropped with its connection.
    const tcpOffer = invite('127.0.0.82', 8, offer('127.0.0.82', 40000, '96', ['a=rtpmap:96 opus/48000/2'])).replace(
      '/UDP',
      '/TCP',
    );
    expect(await overTcp('127.0.0.82', s.sipPort, tcpOffer)).toMatch(/^SIP\/2\.0 488/m);
    const huge = invite('127.0.0.82', 9).replace(
      'Max-Forwards: 70',
      `Max-Forwards: 70\r\nX-Pad: ${'a'.repeat(70_000)}`,
    );
    expect(await overTcp('127.0.0.82', s.sipPort, huge.replace('/UDP', '/TCP'))).not.toMatch(/^SIP\/2\.0 [1-4]\d\d/m);
    // Counted for the operator.
    const counters = (s.server.media as SipMediaAdapter).agent.counters;
    expect(counters.malformed).toBeGreaterThanOrEqual(2);
    expect(counters.tooLarge).toBeGreaterThanOrEqual(1);
    expect(unhandled).toEqual([]);
  });

  it('survives 400 mutated messages over UDP and 60 connections of them over TCP: no crash, no unhandled rejection, no leg left, OPTIONS answered, and a real phone then calls in', async () => {
    const malformedBefore = (s.server.media as SipMediaAdapter).agent.counters.malformed;
    const sources = await Promise.all(['127.0.0.83', '127.0.0.84', '127.0.0.85', '127.0.0.86'].map(peer));
    const samples = fc.sample(mutation, { numRuns: 460, seed: 10 });
    samples.slice(0, 400).forEach((m, n) => {
      const from = sources[n % sources.length] as RawPeer;
      from.send(s.sipPort, mutate(invite(from.address, 100 + n), m));
    });
    // A huge but legal-sized datagram: 60 KB of headers.
    const wide = sources[0] as RawPeer;
    wide.send(
      s.sipPort,
      invite(wide.address, 99).replace('Max-Forwards: 70', `Max-Forwards: 70\r\nX-Pad: ${'b'.repeat(60_000)}`),
    );
    await Promise.all(
      samples.slice(400).map((m, n) => {
        const text = invite('127.0.0.87', 600 + n).replace('/UDP', '/TCP');
        return overTcp('127.0.0.87', s.sipPort, mutate(text, m), 1500);
      }),
    );
    // Still serving: OPTIONS over both transports.
    const probe = await peer('127.0.0.88');
    expect(await probe.ask(s.sipPort, sipRequest({ method: 'OPTIONS', uri: 'sip:probe@127.0.0.1' }))).toMatch(
      /^SIP\/2\.0 200/,
    );
    const tcpProbe = sipRequest({
      method: 'OPTIONS',
      uri: 'sip:probe@127.0.0.1',
      via: 'SIP/2.0/TCP 127.0.0.88:5060;branch=z9hG4bKtcpprobe',
    });
    expect(await overTcp('127.0.0.88', s.sipPort, tcpProbe)).toMatch(/^SIP\/2\.0 200/m);
    // Every INVITE that opened an engine leg got its answer and closed it.
    const engine = (s.server.media as SipMediaAdapter).engine;
    for (let i = 0; i < 100 && (await engine.stats()).legs > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await engine.stats()).legs).toBe(0);
    expect(s.app.requests).toEqual([]);
    expect((s.server.media as SipMediaAdapter).agent.counters.malformed - malformedBefore).toBeGreaterThan(100);

    phone = await startPhone({ address: '127.0.0.95', tone: 700 });
    await phone.dial(`sip:+15550001234@127.0.0.1:${s.sipPort}`);
    await phone.waitFor('established', 15_000);
    expect(s.app.requestsTo('/voice')[0]?.params).toMatchObject({ To: '+15550001234', Direction: 'inbound' });
    await phone.hangup();
    expect(unhandled).toEqual([]);
  });
});
