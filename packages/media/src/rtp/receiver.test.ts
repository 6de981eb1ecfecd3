import { describe, expect, it } from 'vitest';
import { writeTelephoneEvent } from './dtmf4733.js';
import { encodeUlaw } from './g711.js';
import { writeRtp } from './packet.js';
import { RtpReceiver } from './receiver.js';

const remote = { address: '10.0.0.1', port: 4000 };

function packet(seq: number, opts: { pt?: number; ssrc?: number; value?: number } = {}): Uint8Array {
  const pcm = new Int16Array(160).fill(opts.value ?? 1000);
  const payload = new Uint8Array(160);
  encodeUlaw(pcm, payload);
  const buf = new Uint8Array(172);
  writeRtp(
    buf,
    { payloadType: opts.pt ?? 0, marker: false, sequence: seq, timestamp: seq * 160, ssrc: opts.ssrc ?? 1 },
    payload,
  );
  return buf;
}

function configured(): RtpReceiver {
  const rx = new RtpReceiver();
  rx.configure({ payloadType: 0, telephoneEvent: 101, remote });
  return rx;
}

describe('RtpReceiver', () => {
  it('drops everything until configured', () => {
    const rx = new RtpReceiver();
    expect(rx.handle(packet(1), '10.0.0.1', 4000, 0)).toBe('dropped');
  });

  it('latches on the first source and ignores others, until the SDP address changes', () => {
    const rx = configured();
    expect(rx.handle(packet(1), '192.0.2.7', 5555, 0)).toBe('audio'); // NAT: not the SDP address
    expect(rx.latched).toEqual({ address: '192.0.2.7', port: 5555 });
    expect(rx.handle(packet(2), '10.0.0.1', 4000, 20)).toBe('dropped');
    expect(rx.handle(packet(3), '192.0.2.7', 5556, 40)).toBe('dropped');
    rx.configure({ payloadType: 0, remote: { address: '10.0.0.2', port: 4000 } });
    expect(rx.latched).toBeUndefined();
  });

  it('drops payload types that were not negotiated', () => {
    const rx = configured();
    expect(rx.handle(packet(1, { pt: 8 }), '10.0.0.1', 4000, 0)).toBe('dropped');
    expect(rx.handle(packet(1, { pt: 13 }), '10.0.0.1', 4000, 0)).toBe('dropped');
    expect(rx.dropped).toBe(2);
  });

  it('decodes in order, conceals a loss, and counts it', () => {
    const rx = configured();
    for (const s of [1, 2, 3, 5, 6]) rx.handle(packet(s, { value: s * 100 }), '10.0.0.1', 4000, s * 20);
    const out = new Int16Array(160);
    const kinds = [];
    const values = [];
    for (let i = 0; i < 5; i++) {
      kinds.push(rx.pull(out));
      values.push(out[0]);
    }
    expect(kinds).toEqual(['frame', 'frame', 'frame', 'lost', 'frame']);
    expect(Math.abs((values[3] as number) - (values[2] as number) / 2)).toBeLessThan(20);
    expect(rx.lost).toBe(1);
  });

  it('turns RFC 4733 packets into one digit', () => {
    const rx = configured();
    const results = [];
    for (let i = 0; i < 6; i++) {
      const buf = new Uint8Array(16);
      const payload = new Uint8Array(4);
      writeTelephoneEvent(payload, { event: 3, end: i >= 3, volume: 10, duration: 160 * (i + 1) });
      writeRtp(buf, { payloadType: 101, marker: i === 0, sequence: 10 + i, timestamp: 8000, ssrc: 1 }, payload);
      results.push(rx.handle(buf, '10.0.0.1', 4000, i * 20));
    }
    expect(results.filter((r) => r === 'digit')).toHaveLength(1);
    expect(rx.digit).toBe('3');
  });

  it('restarts its sequence tracking when the SSRC changes', () => {
    const rx = configured();
    rx.handle(packet(100, { ssrc: 1 }), '10.0.0.1', 4000, 0);
    rx.handle(packet(7, { ssrc: 2 }), '10.0.0.1', 4000, 20);
    rx.handle(packet(8, { ssrc: 2 }), '10.0.0.1', 4000, 40);
    expect(rx.lost).toBe(0);
  });
});
