/**
 * A re-INVITE we cannot accept, at a real `patchbay serve --media sip`, from a raw SIP peer: an
 * offer with no common codec or SDP that does not parse is answered 488 with a Warning saying
 * why (RFC 3261 §14.2, §20.43), and the call keeps its session: the next offer is answered from
 * it (its o= version one up from the call's answer), and the call goes on to its BYE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSdp } from '../sdp/index.js';
import { type HostileServer, hostileServer, offer, RawPeers, sipRequest } from './hostile.test-support.js';

const PEER = '127.0.41.10';
const RTP_PORT = 41010;
let s: HostileServer;
const peers = new RawPeers();

beforeAll(async () => {
  s = await hostileServer(
    { rtpPorts: { min: 41100, max: 41198 }, allow: [{ address: PEER, prefix: 32 }] },
    { '/voice': () => '<Response><Say>Hello.</Say><Pause length="20"/></Response>' },
  );
  await s.post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550004100', VoiceUrl: `${s.app.url}/voice` });
});
afterAll(async () => {
  await peers.close();
  await s?.close();
}, 30_000);

/** The whole final response to the request with CSeq `seq`, as the peer received it. */
function responseTo(received: string[], seq: number): string {
  return received.find((text) => /^SIP\/2\.0 [2-6]/.test(text) && new RegExp(`^CSeq: ${seq} `, 'im').test(text)) ?? '';
}

describe('a re-INVITE the server cannot accept', () => {
  it('is answered 488 with a Warning, and the call keeps its session', async () => {
    const sip = await peers.at(PEER);
    const target = 'sip:+15550004100@127.0.0.1';
    const callId = 'refusal@127.0.41.10';
    const from = `<sip:pbx@${PEER}>;tag=caller1`;
    const request = (method: string, cseq: number, body = '', to = `<${target}>`, branch = `z9hG4bKr${cseq}`) =>
      sipRequest({
        method,
        uri: target,
        callId,
        cseq,
        via: `SIP/2.0/UDP ${PEER}:5060;branch=${branch};rport`,
        body,
        headers: { From: from, To: to, Contact: `<sip:pbx@${PEER}>` },
      });

    expect(await sip.ask(s.sipPort, request('INVITE', 1, offer(PEER, RTP_PORT, '0 101')), 15_000)).toMatch(
      /^SIP\/2\.0 200/,
    );
    const ok = responseTo(sip.received, 1);
    const to = /^To: (.*)$/im.exec(ok)?.[1]?.trim() ?? '';
    const agreed = parseSdp(ok.slice(ok.indexOf('\r\n\r\n') + 4));
    sip.send(s.sipPort, request('ACK', 1, '', to, 'z9hG4bKack1'));

    // No common codec: G.722 only.
    expect(await sip.ask(s.sipPort, request('INVITE', 2, offer(PEER, RTP_PORT, '9'), to))).toMatch(/^SIP\/2\.0 488/);
    expect(responseTo(sip.received, 2)).toMatch(/^Warning: 305 patchbay "no common audio codec/im);
    sip.send(s.sipPort, request('ACK', 2, '', to));

    // SDP that does not parse.
    expect(await sip.ask(s.sipPort, request('INVITE', 3, 'v=0\r\nthis is not sdp\r\n', to))).toMatch(/^SIP\/2\.0 488/);
    expect(responseTo(sip.received, 3)).toMatch(/^Warning: 399 patchbay "malformed SDP/im);
    sip.send(s.sipPort, request('ACK', 3, '', to));

    // A hold the server can take is answered from the session as it was: same port, version one up.
    expect(await sip.ask(s.sipPort, request('INVITE', 4, offer(PEER, RTP_PORT, '0 101', ['a=sendonly']), to))).toMatch(
      /^SIP\/2\.0 200/,
    );
    const held = responseTo(sip.received, 4);
    const answer = parseSdp(held.slice(held.indexOf('\r\n\r\n') + 4));
    expect(answer.origin.sessionVersion).toBe(String(Number(agreed.origin.sessionVersion) + 1));
    expect(answer.media[0]).toMatchObject({ port: agreed.media[0]?.port, direction: 'recvonly' });
    sip.send(s.sipPort, request('ACK', 4, '', to, 'z9hG4bKack4'));

    expect(await sip.ask(s.sipPort, request('BYE', 5, '', to))).toMatch(/^SIP\/2\.0 200/);
  });
});
