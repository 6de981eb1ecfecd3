/**
 * The receive side of one RTP stream: symmetric RTP latching (the first valid packet's source
 * becomes the only one heard until the remote address changes in SDP), payload type checks,
 * RFC 4733 events to single digits, RFC 3550 loss and interarrival jitter, and a jitter buffer
 * whose frames are decoded (G.711 tables) or concealed on loss. It owns no socket, so tests feed
 * it datagrams directly.
 *
 * @example
 * rx.configure({ payloadType: 0, telephoneEvent: 101, remote });
 * const kind = rx.handle(datagram, rinfo.address, rinfo.port, nowMs); // 'audio' | 'digit' | 'dropped' ...
 * rx.pull(frame); // every 20 ms
 */
import { DtmfReceiver, parseTelephoneEvent } from './dtmf4733.js';
import { RtpParseError } from './errors.js';
import { decodeAlaw, decodeUlaw } from './g711.js';
import { JitterBuffer, LOST, WAITING } from './jitter.js';
import { newRtpHeader, parseRtp, seqDelta } from './packet.js';
import { conceal } from './plc.js';

export interface ReceiveConfig {
  readonly payloadType: 0 | 8;
  readonly telephoneEvent?: number | undefined;
  readonly remote: { readonly address: string; readonly port: number };
}

export type HandleResult = 'audio' | 'digit' | 'event' | 'dropped';

const FRAME = 160;

export class RtpReceiver {
  readonly jitter = new JitterBuffer();
  readonly #header = newRtpHeader();
  readonly #dtmf = new DtmfReceiver();
  readonly #payload = new Uint8Array(320);
  readonly #last = new Int16Array(FRAME);
  #config: ReceiveConfig | undefined;
  #missed = 0;
  #ssrc = -1;
  #baseSeq = 0;
  #maxSeq = 0;
  #cycles = 0;
  #received = 0;
  #lastTransit = Number.NaN;
  /** RFC 3550 interarrival jitter, in timestamp units. */
  jitterTs = 0;
  latched: { address: string; port: number } | undefined;
  /** The digit of the last 'digit' result. */
  digit = '';
  packetsIn = 0;
  dropped = 0;
  lastPacketAt = 0;

  configure(config: ReceiveConfig): void {
    const prev = this.#config;
    if (prev && (prev.remote.address !== config.remote.address || prev.remote.port !== config.remote.port)) {
      this.latched = undefined;
    }
    this.#config = config;
  }

  /** Packets expected minus packets received (RFC 3550 A.3). */
  get lost(): number {
    if (this.#ssrc < 0) return 0;
    const expected = this.#cycles + this.#maxSeq - this.#baseSeq + 1;
    return Math.max(0, expected - this.#received);
  }

  /** The SSRC heard last (0 before any packet). */
  get remoteSsrc(): number {
    return Math.max(0, this.#ssrc);
  }

  get extendedMaxSequence(): number {
    return this.#cycles + this.#maxSeq;
  }

  handle(buf: Uint8Array, address: string, port: number, nowMs: number): HandleResult {
    const config = this.#config;
    if (!config) return this.#drop();
    if (this.latched && (this.latched.address !== address || this.latched.port !== port)) return this.#drop();
    let h: ReturnType<typeof parseRtp>;
    try {
      h = parseRtp(buf, this.#header);
    } catch (e) {
      if (e instanceof RtpParseError) return this.#drop();
      throw e;
    }
    const isAudio = h.payloadType === config.payloadType;
    const isEvent = config.telephoneEvent !== undefined && h.payloadType === config.telephoneEvent;
    if (!isAudio && !isEvent) return this.#drop();
    if (!this.latched) this.latched = { address, port };
    this.packetsIn++;
    this.lastPacketAt = nowMs;
    this.#track(h.ssrc, h.sequence, h.timestamp, nowMs);
    if (isEvent) {
      let event: ReturnType<typeof parseTelephoneEvent>;
      try {
        event = parseTelephoneEvent(buf.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength));
      } catch {
        return this.#drop();
      }
      const digit = this.#dtmf.accept(h.timestamp, event);
      if (digit === undefined) return 'event';
      this.digit = digit;
      return 'digit';
    }
    this.jitter.push(h.sequence, buf, h.payloadOffset, h.payloadLength);
    return 'audio';
  }

  /** Fills `out` with the next 20 ms: decoded, concealed, or silence while buffering. */
  pull(out: Int16Array): 'frame' | 'lost' | 'waiting' {
    const n = this.jitter.pop(this.#payload);
    if (n === WAITING) {
      out.fill(0);
      return 'waiting';
    }
    if (n === LOST) {
      this.#missed++;
      conceal(this.#last, this.#missed, out);
      return 'lost';
    }
    const count = Math.min(n, FRAME);
    if (this.#config?.payloadType === 8) decodeAlaw(this.#payload, out, count);
    else decodeUlaw(this.#payload, out, count);
    if (count < FRAME) out.fill(0, count);
    this.#last.set(out);
    this.#missed = 0;
    return 'frame';
  }

  #drop(): 'dropped' {
    this.dropped++;
    return 'dropped';
  }

  #track(ssrc: number, seq: number, timestamp: number, nowMs: number): void {
    if (ssrc !== this.#ssrc) {
      if (this.#ssrc >= 0) this.jitter.reset();
      this.#ssrc = ssrc;
      this.#baseSeq = seq;
      this.#maxSeq = seq;
      this.#cycles = 0;
      this.#received = 0;
      this.#lastTransit = Number.NaN;
    }
    this.#received++;
    const d = seqDelta(this.#maxSeq, seq);
    if (d > 0) {
      if (seq < this.#maxSeq) this.#cycles += 0x10000;
      this.#maxSeq = seq;
    }
    const transit = nowMs * 8 - timestamp;
    if (!Number.isNaN(this.#lastTransit)) {
      const dt = Math.abs(transit - this.#lastTransit);
      if (dt < 8000 * 10) this.jitterTs += (dt - this.jitterTs) / 16;
    }
    this.#lastTransit = transit;
  }
}
