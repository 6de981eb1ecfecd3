import { describe, expect, it } from 'vitest';
import { replyDestination, type Source, stampVia } from './addressing.js';
import { buildResponse, parseMessage, type SipRequest } from './message.js';

const source = (transport: Source['transport']): Source => ({
  transport,
  address: '198.51.100.7',
  port: 40_123,
  local: { transport, host: '127.0.0.1', port: 5060 },
});

const request = (via: string) =>
  parseMessage(
    Buffer.from(
      `OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: ${via}\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
    ),
    { maxBytes: 4096 },
  ) as SipRequest;

describe('SIP addressing', () => {
  it('stamps received and rport on a request from behind NAT, and answers there (RFC 3581)', () => {
    const message = request('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa;rport');
    stampVia(message, source('udp'));
    expect(message.headers.get('via')).toMatch(/received=198\.51\.100\.7/);
    expect(message.headers.get('via')).toMatch(/rport=40123/);
    expect(replyDestination(buildResponse(message, 200), source('udp'))).toEqual({
      transport: 'udp',
      host: '198.51.100.7',
      port: 40_123,
    });
  });

  it('answers a request without rport at its sent-by port, and a lost connection at the sent-by port too (18.2.2)', () => {
    const udp = request('SIP/2.0/UDP 198.51.100.7:5070;branch=z9hG4bKb');
    stampVia(udp, source('udp'));
    expect(replyDestination(buildResponse(udp, 200), source('udp'))).toMatchObject({ port: 5070 });
    const tcp = request('SIP/2.0/TCP 10.0.0.5;branch=z9hG4bKc;rport');
    stampVia(tcp, source('tcp'));
    expect(replyDestination(buildResponse(tcp, 200), source('tcp'))).toEqual({
      transport: 'tcp',
      host: '198.51.100.7',
      port: 5060,
    });
  });
});
