/**
 * Reads what the quality rules need from an `RTCStatsReport`: the audio RTP streams' packet and
 * byte counts, the jitter the browser measured, and the round trip of the ICE pair in use (or,
 * failing that, the one RTCP reports). Seconds become milliseconds.
 *
 * @example
 * const totals = totalsOf(await pc.getStats());
 */
import type { StatsReport } from './dom.js';
import type { StatsTotals } from './quality.js';

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const ms = (seconds: unknown): number | undefined => {
  const s = num(seconds);
  return s === undefined ? undefined : s * 1000;
};

export function totalsOf(report: StatsReport): StatsTotals {
  let packetsSent = 0;
  let packetsReceived = 0;
  let packetsLost = 0;
  let bytesSent = 0;
  let bytesReceived = 0;
  let jitterMs: number | undefined;
  let pairRtt: number | undefined;
  let rtcpRtt: number | undefined;
  report.forEach((stat) => {
    const audio = stat.kind === 'audio' || stat.mediaType === 'audio';
    switch (stat.type) {
      case 'outbound-rtp':
        if (!audio) return;
        packetsSent += num(stat.packetsSent) ?? 0;
        bytesSent += num(stat.bytesSent) ?? 0;
        return;
      case 'inbound-rtp':
        if (!audio) return;
        packetsReceived += num(stat.packetsReceived) ?? 0;
        packetsLost += num(stat.packetsLost) ?? 0;
        bytesReceived += num(stat.bytesReceived) ?? 0;
        jitterMs = ms(stat.jitter) ?? jitterMs;
        return;
      case 'candidate-pair':
        if (stat.nominated === true && stat.state === 'succeeded') pairRtt = ms(stat.currentRoundTripTime) ?? pairRtt;
        return;
      case 'remote-inbound-rtp':
        if (audio) rtcpRtt = ms(stat.roundTripTime) ?? rtcpRtt;
        return;
    }
  });
  return { packetsSent, packetsReceived, packetsLost, bytesSent, bytesReceived, jitterMs, rttMs: pairRtt ?? rtcpRtt };
}
