/**
 * RTP packets (RFC 3550 §5.1) read into and written from preallocated structures, so the receive
 * and send paths allocate nothing per packet. Anything that is not a well-formed RTP version 2
 * packet within `MAX_RTP_PACKET` bytes is an `RtpParseError`.
 *
 * @example
 * const header = newRtpHeader();
 * parseRtp(datagram, header); // header.payloadOffset .. + header.payloadLength is the audio
 * const n = writeRtp(sendBuf, { payloadType: 0, marker: false, sequence, timestamp, ssrc }, payload, 160);
 */
import { RtpParseError } from './errors.js';

/** Larger datagrams are dropped: G.711 at 20 ms is 172 bytes; 1500 is a full Ethernet frame. */
export const MAX_RTP_PACKET = 1500;
export const RTP_HEADER_BYTES = 12;

export interface RtpHeader {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payloadOffset: number;
  payloadLength: number;
}

export function newRtpHeader(): RtpHeader {
  return { payloadType: 0, marker: false, sequence: 0, timestamp: 0, ssrc: 0, payloadOffset: 0, payloadLength: 0 };
}

/** True when the first byte looks like RTCP (payload types 200-204 in the second byte, RFC 5761). */
export function looksLikeRtcp(buf: Uint8Array): boolean {
  const pt = buf.length > 1 ? (buf[1] as number) : 0;
  return pt >= 192 && pt <= 223;
}

/** Parses `buf` into `out` (reused) or throws `RtpParseError`. */
export function parseRtp(buf: Uint8Array, out: RtpHeader): RtpHeader {
  const len = buf.length;
  if (len > MAX_RTP_PACKET) throw new RtpParseError('rtp-oversize', `packet of ${len} bytes`, 'rtp');
  if (len < RTP_HEADER_BYTES)
    throw new RtpParseError('rtp-malformed', `packet of ${len} bytes is shorter than a header`, 'rtp');
  const b0 = buf[0] as number;
  if (b0 >> 6 !== 2) throw new RtpParseError('rtp-malformed', `version ${b0 >> 6}`, 'rtp');
  const csrcCount = b0 & 0x0f;
  let offset = RTP_HEADER_BYTES + csrcCount * 4;
  if (b0 & 0x10) {
    if (offset + 4 > len) throw new RtpParseError('rtp-malformed', 'truncated header extension', 'rtp');
    const words = ((buf[offset + 2] as number) << 8) | (buf[offset + 3] as number);
    offset += 4 + words * 4;
  }
  let end = len;
  if (b0 & 0x20) {
    const pad = buf[len - 1] as number;
    if (pad === 0) throw new RtpParseError('rtp-malformed', 'zero padding length', 'rtp');
    end -= pad;
  }
  if (offset > end) throw new RtpParseError('rtp-malformed', 'header longer than packet', 'rtp');
  const b1 = buf[1] as number;
  out.marker = (b1 & 0x80) !== 0;
  out.payloadType = b1 & 0x7f;
  out.sequence = ((buf[2] as number) << 8) | (buf[3] as number);
  out.timestamp =
    (((buf[4] as number) << 24) | ((buf[5] as number) << 16) | ((buf[6] as number) << 8) | (buf[7] as number)) >>> 0;
  out.ssrc =
    (((buf[8] as number) << 24) | ((buf[9] as number) << 16) | ((buf[10] as number) << 8) | (buf[11] as number)) >>> 0;
  out.payloadOffset = offset;
  out.payloadLength = end - offset;
  return out;
}

export interface RtpSendHeader {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
}

/** Writes a 12-byte header and `payloadLength` bytes of `payload` into `out`; returns the length. */
export function writeRtp(
  out: Uint8Array,
  h: RtpSendHeader,
  payload: Uint8Array,
  payloadLength = payload.length,
): number {
  out[0] = 0x80;
  out[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  out[2] = (h.sequence >> 8) & 0xff;
  out[3] = h.sequence & 0xff;
  out[4] = (h.timestamp >>> 24) & 0xff;
  out[5] = (h.timestamp >>> 16) & 0xff;
  out[6] = (h.timestamp >>> 8) & 0xff;
  out[7] = h.timestamp & 0xff;
  out[8] = (h.ssrc >>> 24) & 0xff;
  out[9] = (h.ssrc >>> 16) & 0xff;
  out[10] = (h.ssrc >>> 8) & 0xff;
  out[11] = h.ssrc & 0xff;
  if (payload !== out) out.set(payload.subarray(0, payloadLength), RTP_HEADER_BYTES);
  return RTP_HEADER_BYTES + payloadLength;
}

/** Signed distance from sequence `a` to `b` modulo 2^16 (positive when `b` is after `a`). */
export function seqDelta(a: number, b: number): number {
  return ((((b - a) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
}
