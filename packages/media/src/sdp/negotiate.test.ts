import { describe, expect, it } from 'vitest';
import { answerOffer, createOffer, parseSdp, readAnswer, SdpParseError } from './index.js';

const BARESIP_OFFER = [
  'v=0',
  'o=- 1969466718 3402567823 IN IP4 127.0.0.2',
  's=-',
  'c=IN IP4 127.0.0.2',
  't=0 0',
  'm=audio 10000 RTP/AVP 9 0 8 101',
  'b=AS:64',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=sendrecv',
  'a=label:1',
  'm=video 10002 RTP/AVP 96',
  'a=rtpmap:96 H264/90000',
  '',
].join('\r\n');

const local = { address: '203.0.113.5', port: 40000, sessionId: '42' };

describe('SDP offer/answer', () => {
  it('answers a softphone offer with its first codec we support and telephone-event', () => {
    const result = answerOffer(BARESIP_OFFER, local);
    if ('reject' in result) throw new Error(result.reason);
    expect(result.media).toEqual({
      remote: { address: '127.0.0.2', port: 10000 },
      payloadType: 0,
      telephoneEvent: 101,
      ptime: 20,
      direction: 'sendrecv',
    });
    const answer = parseSdp(result.sdp);
    expect(answer.address).toBe('203.0.113.5');
    expect(answer.origin.sessionId).toBe('42');
    expect(answer.media).toHaveLength(2);
    expect(answer.media[0]).toMatchObject({ port: 40000, formats: ['0', '101'], direction: 'sendrecv' });
    expect(answer.media[1]).toMatchObject({ type: 'video', port: 0 });
  });

  it('prefers the offerer order: PCMA first gives PCMA', () => {
    const offer = BARESIP_OFFER.replace('RTP/AVP 9 0 8 101', 'RTP/AVP 8 0');
    const result = answerOffer(offer, local);
    expect('media' in result && result.media).toMatchObject({ payloadType: 8 });
    expect('media' in result && result.media.telephoneEvent).toBeUndefined();
  });

  it('rejects with 488 when no codec matches or no audio is offered', () => {
    expect(answerOffer(BARESIP_OFFER.replace('RTP/AVP 9 0 8 101', 'RTP/AVP 9'), local)).toMatchObject({ reject: 488 });
    expect(answerOffer(BARESIP_OFFER.replace('m=audio 10000', 'm=audio 0'), local)).toMatchObject({ reject: 488 });
    expect(answerOffer(BARESIP_OFFER.replace(/RTP\/AVP 9 0 8 101/, 'RTP/SAVP 0'), local)).toMatchObject({
      reject: 488,
    });
  });

  it('mirrors hold: sendonly offered gives recvonly, and c=0.0.0.0 stops us sending', () => {
    const held = answerOffer(BARESIP_OFFER.replace('a=sendrecv', 'a=sendonly'), local);
    expect('media' in held && held.media.direction).toBe('recvonly');
    expect('sdp' in held && held.sdp).toContain('a=recvonly');
    const inactive = answerOffer(BARESIP_OFFER.replace('a=sendrecv', 'a=inactive'), local);
    expect('media' in inactive && inactive.media.direction).toBe('inactive');
    const old = answerOffer(BARESIP_OFFER.replace('c=IN IP4 127.0.0.2', 'c=IN IP4 0.0.0.0'), local);
    expect('media' in old && old.media.direction).toBe('recvonly');
    const weHold = answerOffer(BARESIP_OFFER, { ...local, direction: 'sendonly' });
    expect('media' in weHold && weHold.media.direction).toBe('sendonly');
  });

  it('creates an offer and reads the answer to it', () => {
    const offer = createOffer({ ...local, sessionVersion: 2 });
    const parsed = parseSdp(offer);
    expect(parsed.origin.sessionVersion).toBe('2');
    expect(parsed.media[0]?.codecs.map((c) => c.name)).toEqual(['PCMU', 'PCMA', 'telephone-event']);
    const remote = answerOffer(offer, { address: '127.0.0.9', port: 5000 });
    if ('reject' in remote) throw new Error(remote.reason);
    expect(readAnswer(remote.sdp, offer)).toEqual({
      remote: { address: '127.0.0.9', port: 5000 },
      payloadType: 0,
      telephoneEvent: 101,
      ptime: 20,
      direction: 'sendrecv',
    });
    const held = readAnswer(remote.sdp.replace('a=sendrecv', 'a=recvonly'), offer);
    expect('direction' in held && held.direction).toBe('sendonly');
    expect(readAnswer(remote.sdp.replace('RTP/AVP 0 101', 'RTP/AVP 9'), offer)).toMatchObject({ reject: 488 });
  });

  it('throws SdpParseError on garbage and on oversize input, and nothing else (fuzz)', () => {
    expect(() => parseSdp('hello')).toThrow(SdpParseError);
    expect(() => parseSdp('v=0\r\nm=audio x RTP/AVP 0\r\n')).toThrow(
      expect.objectContaining({ code: 'sdp-malformed' }),
    );
    expect(() => parseSdp(`v=0\r\n${'a=x\r\n'.repeat(5000)}`)).toThrow(
      expect.objectContaining({ code: 'sdp-too-large' }),
    );
    let s = 7;
    const rnd = () => {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      return s / 0x7fffffff;
    };
    for (let i = 0; i < 3000; i++) {
      const chars = BARESIP_OFFER.split('');
      for (let k = 0; k < 5; k++)
        chars[Math.floor(rnd() * chars.length)] = String.fromCharCode(Math.floor(rnd() * 128));
      const text = chars.join('').slice(0, Math.floor(rnd() * chars.length) + 10);
      try {
        answerOffer(text, local);
      } catch (e) {
        expect(e).toBeInstanceOf(SdpParseError);
      }
    }
  });
});
