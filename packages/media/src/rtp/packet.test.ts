import { describe, expect, it } from 'vitest';
import { DtmfReceiver, digitToEvent, parseTelephoneEvent, writeTelephoneEvent } from './dtmf4733.js';
import { RtpParseError } from './errors.js';
import { MAX_RTP_PACKET, newRtpHeader, parseRtp, seqDelta, writeRtp } from './packet.js';
import { parseRtcp, writeReport } from './rtcp.js';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('RTP packets', () => {
  it('writes and reads back a header and payload', () => {
    const buf = new Uint8Array(200);
    const payload = new Uint8Array(160).map((_, i) => i);
    const n = writeRtp(
      buf,
      { payloadType: 8, marker: true, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef },
      payload,
    );
    expect(n).toBe(172);
    const h = parseRtp(buf.subarray(0, n), newRtpHeader());
    expect(h).toMatchObject({
      payloadType: 8,
      marker: true,
      sequence: 65535,
      timestamp: 0xfffffff0,
      ssrc: 0xdeadbeef,
      payloadOffset: 12,
      payloadLength: 160,
    });
  });

  it('skips CSRCs, extensions and padding', () => {
    const buf = new Uint8Array([
      0xb1, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 9, 9, 9, 9, 0xbe, 0xde, 0, 1, 7, 7, 7, 7, 0x55, 0x55, 0, 2,
    ]);
    const h = parseRtp(buf, newRtpHeader());
    expect(h.payloadOffset).toBe(24);
    expect(h.payloadLength).toBe(2);
  });

  it('rejects short, wrong-version and oversize packets with typed errors', () => {
    const h = newRtpHeader();
    expect(() => parseRtp(new Uint8Array(5), h)).toThrow(RtpParseError);
    expect(() => parseRtp(new Uint8Array(20), h)).toThrow(expect.objectContaining({ code: 'rtp-malformed' }));
    const big = new Uint8Array(MAX_RTP_PACKET + 1);
    big[0] = 0x80;
    expect(() => parseRtp(big, h)).toThrow(expect.objectContaining({ code: 'rtp-oversize' }));
  });

  it('fuzz: random bytes never throw anything but RtpParseError', () => {
    const rnd = random(42);
    const h = newRtpHeader();
    for (let i = 0; i < 20000; i++) {
      const buf = new Uint8Array(Math.floor(rnd() * 64)).map(() => Math.floor(rnd() * 256));
      if (buf.length > 0 && rnd() < 0.7) buf[0] = 0x80 | (buf[0] as number & 0x3f);
      for (const parse of [() => parseRtp(buf, h), () => parseRtcp(buf), () => parseTelephoneEvent(buf)]) {
        try {
          const r = parse();
          if ('payloadLength' in r) expect(r.payloadOffset + r.payloadLength).toBeLessThanOrEqual(buf.length);
        } catch (e) {
          expect(e).toBeInstanceOf(RtpParseError);
        }
      }
    }
  });

  it('compares sequence numbers across the wrap', () => {
    expect(seqDelta(65535, 0)).toBe(1);
    expect(seqDelta(0, 65535)).toBe(-1);
    expect(seqDelta(100, 90)).toBe(-10);
  });
});

describe('RTCP', () => {
  it('round-trips a sender report with a block', () => {
    const buf = new Uint8Array(100);
    const block = {
      ssrc: 7,
      fractionLost: 64,
      cumulativeLost: 12,
      highestSequence: 70000,
      jitter: 33,
      lastSr: 1,
      delaySinceLastSr: 2,
    };
    const n = writeReport(buf, {
      ssrc: 5,
      sender: { ntpMs: 1_700_000_000_123, rtpTimestamp: 160, packets: 10, octets: 1600 },
      block,
    });
    expect(n).toBe(52);
    const [r] = parseRtcp(buf.subarray(0, n));
    expect(r).toEqual({
      type: 'sr',
      ssrc: 5,
      sender: { ntpMs: 1_700_000_000_123, rtpTimestamp: 160, packets: 10, octets: 1600 },
      blocks: [block],
    });
  });

  it('round-trips a receiver report with negative loss', () => {
    const buf = new Uint8Array(100);
    const block = {
      ssrc: 7,
      fractionLost: 0,
      cumulativeLost: -3,
      highestSequence: 5,
      jitter: 0,
      lastSr: 0,
      delaySinceLastSr: 0,
    };
    const n = writeReport(buf, { ssrc: 9, block });
    expect(parseRtcp(buf.subarray(0, n))).toEqual([{ type: 'rr', ssrc: 9, blocks: [block] }]);
  });

  it('rejects a length that runs past the datagram', () => {
    const buf = new Uint8Array([0x81, 201, 0, 40, 0, 0, 0, 1]);
    expect(() => parseRtcp(buf)).toThrow(expect.objectContaining({ code: 'rtcp-malformed' }));
  });
});

describe('RFC 4733', () => {
  it('round-trips an end packet', () => {
    const b = new Uint8Array(4);
    writeTelephoneEvent(b, { event: 11, end: true, volume: 10, duration: 800 });
    expect(parseTelephoneEvent(b)).toEqual({ event: 11, end: true, volume: 10, duration: 800 });
  });

  it('reports one digit per key press across retransmissions and end packets', () => {
    const rx = new DtmfReceiver();
    const ev = (event: number, end: boolean, duration: number) => ({ event, end, volume: 10, duration });
    const seen = [
      rx.accept(1000, ev(5, false, 160)),
      rx.accept(1000, ev(5, false, 320)),
      rx.accept(1000, ev(5, true, 800)),
      rx.accept(1000, ev(5, true, 800)),
      rx.accept(1000, ev(5, true, 800)),
      rx.accept(3000, ev(5, false, 160)),
      rx.accept(5000, ev(11, true, 800)),
    ].filter((d) => d !== undefined);
    expect(seen).toEqual(['5', '5', '#']);
    expect(digitToEvent('a')).toBe(12);
    expect(digitToEvent('x')).toBeUndefined();
  });
});
