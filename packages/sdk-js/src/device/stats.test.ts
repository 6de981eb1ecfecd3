import { describe, expect, it } from 'vitest';
import { totalsOf } from './stats.js';

const report = (stats: Array<Record<string, unknown>>) => ({
  forEach: (fn: (s: Record<string, unknown>) => void) => stats.forEach(fn),
});

describe('reading getStats() for the quality rules', () => {
  it('sums the audio RTP streams, takes jitter and the nominated pair round trip in ms', () => {
    const totals = totalsOf(
      report([
        { type: 'outbound-rtp', kind: 'audio', packetsSent: 500, bytesSent: 80_000 },
        { type: 'outbound-rtp', kind: 'video', packetsSent: 9999, bytesSent: 9999 },
        {
          type: 'inbound-rtp',
          kind: 'audio',
          packetsReceived: 490,
          packetsLost: 10,
          bytesReceived: 78_400,
          jitter: 0.012,
        },
        { type: 'candidate-pair', nominated: false, state: 'succeeded', currentRoundTripTime: 0.9 },
        { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.045 },
        { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.3 },
      ]),
    );
    expect(totals).toEqual({
      packetsSent: 500,
      bytesSent: 80_000,
      packetsReceived: 490,
      packetsLost: 10,
      bytesReceived: 78_400,
      jitterMs: 12,
      rttMs: 45,
    });
  });

  it("falls back to RTCP's round trip; leaves out what the browser did not say", () => {
    const totals = totalsOf(
      report([
        { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.3 },
        { type: 'inbound-rtp', kind: 'audio', jitter: 'x' },
      ]),
    );
    expect(totals.rttMs).toBe(300);
    expect(totals.jitterMs).toBeUndefined();
    expect(totals.packetsReceived).toBe(0);
  });
});
