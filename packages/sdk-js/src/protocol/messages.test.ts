import { describe, expect, it } from 'vitest';
import { LIMITS, parseClientMessage, parseServerMessage } from './messages.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n';
const SID = `CA${'a'.repeat(32)}`;

describe('WebRTC session descriptions in the device protocol', () => {
  it('carries sdp on register, accept, connect, invite and a result', () => {
    const client = [
      { type: 'register', id: '1', webrtc: true },
      { type: 'accept', id: '2', callToken: 't', sdp: SDP },
      { type: 'connect', id: '3', params: { To: '+15550100' }, sdp: SDP },
    ];
    for (const m of client) expect(parseClientMessage(JSON.stringify(m)).ok).toBe(true);
    const invite = {
      type: 'invite',
      seq: 1,
      callSid: SID,
      callToken: 't',
      parameters: {},
      customParameters: {},
      expiresAt: 1,
      sdp: SDP,
    };
    expect(parseServerMessage(JSON.stringify(invite)).ok).toBe(true);
    expect(
      parseServerMessage(JSON.stringify({ type: 'result', seq: 2, id: '3', ok: true, callSid: SID, sdp: SDP })).ok,
    ).toBe(true);
  });

  it('refuses an SDP that is not one, or too long, with MalformedRequest', () => {
    for (const sdp of ['hello there, not sdp', `${SDP}a=x:${'y'.repeat(LIMITS.maxSdpLength)}\r\n`, 42]) {
      const parsed = parseClientMessage(JSON.stringify({ type: 'connect', id: '1', params: {}, sdp }));
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error.name).toBe('MalformedRequest');
    }
  });
});
