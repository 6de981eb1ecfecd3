/**
 * The send side of one RTP stream: sequence, timestamp (advanced every 20 ms whether or not a
 * packet goes out, so the far end's playout stays aligned) and SSRC, G.711 encoding through the
 * tables into one preallocated datagram, RFC 4733 event packets, and RTCP sender reports.
 *
 * @example
 * const n = tx.audio(frame); socket.send(tx.buffer, 0, n, port, address);
 * tx.advance();
 */
import { writeTelephoneEvent } from './dtmf4733.js';
import { encodeAlaw, encodeUlaw } from './g711.js';
import { RTP_HEADER_BYTES, writeRtp } from './packet.js';
import { type ReportBlock, writeReport } from './rtcp.js';

const FRAME = 160;

function random32(): number {
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

/**
 * Datagrams rotate through a small pool: node:dgram may still hold a buffer after send() returns
 * (a send that could not go out at once is queued with a reference to it), and a frame clock
 * catching up sends several frames of one leg back to back. Eight frames in flight is plenty.
 */
const POOL = 8;

export class RtpSender {
  readonly #pool = Array.from({ length: POOL }, () => new Uint8Array(RTP_HEADER_BYTES + FRAME));
  #next = 0;
  /** The datagram last written by `audio()` or `event()`. */
  buffer: Uint8Array = this.#pool[0] as Uint8Array;
  readonly rtcpBuffer = new Uint8Array(64);
  readonly #payload = new Uint8Array(FRAME);
  readonly #event = { event: 0, end: false, volume: 10, duration: 0 };
  readonly #header = {
    payloadType: 0,
    marker: true,
    sequence: Math.floor(Math.random() * 0x10000),
    timestamp: random32(),
    ssrc: random32(),
  };
  #eventTimestamp = 0;
  payloadType: 0 | 8 = 0;
  telephoneEvent: number | undefined;
  packetsOut = 0;
  octetsOut = 0;

  #take(): Uint8Array {
    this.buffer = this.#pool[this.#next] as Uint8Array;
    this.#next = (this.#next + 1) % POOL;
    return this.buffer;
  }

  get ssrc(): number {
    return this.#header.ssrc;
  }

  get timestamp(): number {
    return this.#header.timestamp;
  }

  /** Encodes one frame into `buffer`; returns the datagram length. */
  audio(pcm: Int16Array): number {
    if (this.payloadType === 8) encodeAlaw(pcm, this.#payload, FRAME);
    else encodeUlaw(pcm, this.#payload, FRAME);
    const h = this.#header;
    h.payloadType = this.payloadType;
    writeRtp(this.#take(), h, this.#payload, FRAME);
    h.marker = false;
    h.sequence = (h.sequence + 1) & 0xffff;
    this.packetsOut++;
    this.octetsOut += FRAME;
    return RTP_HEADER_BYTES + FRAME;
  }

  /** One RFC 4733 packet; the event's timestamp is the frame it started on. */
  event(e: { event: number; duration: number; end: boolean; start: boolean }): number {
    const h = this.#header;
    if (e.start) this.#eventTimestamp = h.timestamp;
    const ev = this.#event;
    ev.event = e.event;
    ev.end = e.end;
    ev.duration = e.duration;
    writeTelephoneEvent(this.#payload, ev);
    writeRtp(
      this.buffer,
      {
        payloadType: this.telephoneEvent ?? 101,
        marker: e.start,
        sequence: h.sequence,
        timestamp: this.#eventTimestamp,
        ssrc: h.ssrc,
      },
      this.#payload,
      4,
    );
    h.sequence = (h.sequence + 1) & 0xffff;
    this.packetsOut++;
    this.octetsOut += 4;
    return RTP_HEADER_BYTES + 4;
  }

  /** Moves the media clock on over frames that were skipped (a stall): the far end sees the gap. */
  skip(frames: number): void {
    this.#header.timestamp = (this.#header.timestamp + FRAME * frames) >>> 0;
    this.#header.marker = true;
  }

  /** Moves the media clock on by one frame. */
  advance(): void {
    this.#header.timestamp = (this.#header.timestamp + FRAME) >>> 0;
  }

  /** An SR (we have sent) or RR into `rtcpBuffer`; returns its length. */
  report(nowMs: number, block: ReportBlock | undefined): number {
    const sender =
      this.packetsOut > 0
        ? { ntpMs: nowMs, rtpTimestamp: this.#header.timestamp, packets: this.packetsOut, octets: this.octetsOut }
        : undefined;
    return writeReport(this.rtcpBuffer, { ssrc: this.#header.ssrc, sender, block });
  }
}
