/**
 * RTCP sender and receiver reports (RFC 3550 §6.4): enough to send an SR (or an RR when nothing
 * was sent) every few seconds and to read what the far end reports about our stream (fraction
 * lost, cumulative loss, jitter). Compound packets are walked report by report; other RTCP
 * types (SDES, BYE, APP) are skipped. Malformed input is an `RtpParseError`.
 *
 * @example
 * const n = writeReport(buf, { ssrc, sender: { ntpMs: Date.now(), rtpTimestamp, packets, octets }, block });
 * const reports = parseRtcp(datagram); // [{ type: 'sr', ssrc, blocks: [...] }]
 */
import { RtpParseError } from './errors.js';
import { MAX_RTP_PACKET } from './packet.js';

export interface ReportBlock {
  ssrc: number;
  fractionLost: number; // 0..255 (fraction * 256)
  cumulativeLost: number;
  highestSequence: number;
  jitter: number; // timestamp units
  lastSr: number;
  delaySinceLastSr: number;
}

export interface SenderInfo {
  ntpMs: number;
  rtpTimestamp: number;
  packets: number;
  octets: number;
}

export interface RtcpReport {
  type: 'sr' | 'rr';
  ssrc: number;
  sender?: SenderInfo;
  blocks: ReportBlock[];
}

/** Reports in one compound packet are bounded: more than 31 blocks cannot be expressed anyway. */
const MAX_REPORTS = 16;
const NTP_EPOCH_OFFSET_S = 2208988800;

function u32(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number)) >>> 0
  );
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

export function parseRtcp(buf: Uint8Array): RtcpReport[] {
  if (buf.length > MAX_RTP_PACKET) throw new RtpParseError('rtp-oversize', `RTCP of ${buf.length} bytes`, 'rtcp');
  if (buf.length < 8) throw new RtpParseError('rtcp-malformed', `RTCP of ${buf.length} bytes`, 'rtcp');
  const reports: RtcpReport[] = [];
  let o = 0;
  while (o + 4 <= buf.length && reports.length < MAX_REPORTS) {
    const b0 = buf[o] as number;
    if (b0 >> 6 !== 2) throw new RtpParseError('rtcp-malformed', `version ${b0 >> 6}`, 'rtcp');
    const count = b0 & 0x1f;
    const pt = buf[o + 1] as number;
    const bytes = ((((buf[o + 2] as number) << 8) | (buf[o + 3] as number)) + 1) * 4;
    if (o + bytes > buf.length) throw new RtpParseError('rtcp-malformed', 'length beyond packet', 'rtcp');
    if (pt === 200 || pt === 201) {
      const isSr = pt === 200;
      let p = o + 8 + (isSr ? 20 : 0);
      if (p + count * 24 > o + bytes) throw new RtpParseError('rtcp-malformed', 'report blocks beyond length', 'rtcp');
      const report: RtcpReport = { type: isSr ? 'sr' : 'rr', ssrc: u32(buf, o + 4), blocks: [] };
      if (isSr) {
        const seconds = u32(buf, o + 8);
        const fraction = u32(buf, o + 12);
        report.sender = {
          ntpMs: (seconds - NTP_EPOCH_OFFSET_S) * 1000 + Math.round((fraction / 2 ** 32) * 1000),
          rtpTimestamp: u32(buf, o + 16),
          packets: u32(buf, o + 20),
          octets: u32(buf, o + 24),
        };
      }
      for (let i = 0; i < count; i++, p += 24) {
        const lostRaw = (((buf[p + 5] as number) << 16) | ((buf[p + 6] as number) << 8) | (buf[p + 7] as number)) >>> 0;
        report.blocks.push({
          ssrc: u32(buf, p),
          fractionLost: buf[p + 4] as number,
          cumulativeLost: lostRaw & 0x800000 ? lostRaw - 0x1000000 : lostRaw,
          highestSequence: u32(buf, p + 8),
          jitter: u32(buf, p + 12),
          lastSr: u32(buf, p + 16),
          delaySinceLastSr: u32(buf, p + 20),
        });
      }
      reports.push(report);
    }
    o += bytes;
  }
  return reports;
}

/** Writes one SR (when `sender` is given) or RR with at most one report block; returns the length. */
export function writeReport(
  out: Uint8Array,
  r: { ssrc: number; sender?: SenderInfo | undefined; block?: ReportBlock | undefined },
): number {
  const isSr = r.sender !== undefined;
  const blocks = r.block ? 1 : 0;
  const length = 8 + (isSr ? 20 : 0) + blocks * 24;
  out[0] = 0x80 | blocks;
  out[1] = isSr ? 200 : 201;
  out[2] = ((length / 4 - 1) >> 8) & 0xff;
  out[3] = (length / 4 - 1) & 0xff;
  put32(out, 4, r.ssrc);
  let p = 8;
  if (r.sender) {
    const ms = r.sender.ntpMs;
    put32(out, 8, Math.floor(ms / 1000) + NTP_EPOCH_OFFSET_S);
    put32(out, 12, Math.floor(((ms % 1000) / 1000) * 2 ** 32));
    put32(out, 16, r.sender.rtpTimestamp);
    put32(out, 20, r.sender.packets);
    put32(out, 24, r.sender.octets);
    p = 28;
  }
  if (r.block) {
    const b = r.block;
    put32(out, p, b.ssrc);
    const lost = Math.max(-0x800000, Math.min(0x7fffff, b.cumulativeLost)) & 0xffffff;
    put32(out, p + 4, ((b.fractionLost & 0xff) << 24) | lost);
    put32(out, p + 8, b.highestSequence);
    put32(out, p + 12, b.jitter);
    put32(out, p + 16, b.lastSr);
    put32(out, p + 20, b.delaySinceLastSr);
  }
  return length;
}
