/**
 * A plain UDP RTP peer for the engine's tests (no engine code on its side): it sends a µ-law tone
 * (or silence, in-band DTMF, RFC 4733 events) every 20 ms from its own socket, and decodes what it
 * receives so a test can ask, by Goertzel, which frequencies it heard.
 *
 * @example
 * const peer = await RtpPeer.open(); // peer.close() after
 * peer.start(leg.localPort, { tone: [440] });
 * await peer.waitPackets(50);
 * expect(peer.level(1000)).toBeGreaterThan(1000);
 */
import dgram from 'node:dgram';
import { DtmfReceiver, parseTelephoneEvent, writeTelephoneEvent } from '../rtp/dtmf4733.js';
import { decodeUlaw, encodeUlaw } from '../rtp/g711.js';
import { newRtpHeader, parseRtp, writeRtp } from '../rtp/packet.js';
import { goertzel } from './dsp/goertzel.js';
import { dtmfFrequencies, ToneGenerator } from './dsp/tone.js';

export class RtpPeer {
  readonly heard: number[] = [];
  readonly digits: string[] = [];
  /** Every RFC 4733 packet received, in order. */
  readonly events: { event: number; end: boolean; duration: number; marker: boolean; timestamp: number }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #seq = 1000;
  #ts = 5000;
  #gen: ToneGenerator | undefined;
  #waiters: { count: number; resolve: () => void }[] = [];
  packetsIn = 0;
  readonly #dtmf = new DtmfReceiver();

  private constructor(readonly socket: dgram.Socket) {
    const header = newRtpHeader();
    socket.on('message', (buf) => {
      try {
        const h = parseRtp(buf, header);
        if (h.payloadType === 101) {
          const e = parseTelephoneEvent(buf.subarray(h.payloadOffset));
          this.events.push({
            event: e.event,
            end: e.end,
            duration: e.duration,
            marker: h.marker,
            timestamp: h.timestamp,
          });
          const d = this.#dtmf.accept(h.timestamp, e);
          if (d) this.digits.push(d);
        } else if (h.payloadType === 0) {
          const pcm = new Int16Array(h.payloadLength);
          decodeUlaw(buf.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength), pcm);
          for (const s of pcm) this.heard.push(s);
        }
      } catch {
        return;
      }
      this.packetsIn++;
      const ready = this.#waiters.filter((w) => this.packetsIn >= w.count);
      this.#waiters = this.#waiters.filter((w) => this.packetsIn < w.count);
      for (const w of ready) w.resolve();
    });
  }

  static async open(address = '127.0.0.1'): Promise<RtpPeer> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    return new RtpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Sends a 20 ms frame of the current source every 20 ms to `port`. */
  start(port: number, source: { tone?: number[]; dtmf?: string } = {}, address = '127.0.0.1'): void {
    this.stop();
    this.setSource(source);
    const payload = new Uint8Array(160);
    const pcm = new Int16Array(160);
    const buf = new Uint8Array(172);
    this.#timer = setInterval(() => {
      if (this.#gen) this.#gen.fill(pcm);
      else pcm.fill(0);
      encodeUlaw(pcm, payload);
      const n = writeRtp(
        buf,
        { payloadType: 0, marker: false, sequence: this.#seq, timestamp: this.#ts, ssrc: 0x1234 },
        payload,
      );
      this.#seq = (this.#seq + 1) & 0xffff;
      this.#ts = (this.#ts + 160) >>> 0;
      this.socket.send(buf, 0, n, port, address);
    }, 20);
  }

  setSource(source: { tone?: number[]; dtmf?: string }): void {
    if (source.tone)
      this.#gen = new ToneGenerator({ frequencies: source.tone, onMs: 1000, loop: true, amplitude: 6000 });
    else if (source.dtmf)
      this.#gen = new ToneGenerator({
        frequencies: dtmfFrequencies(source.dtmf) ?? [],
        onMs: 1000,
        loop: true,
        amplitude: 6000,
      });
    else this.#gen = undefined;
  }

  /** Sends one RFC 4733 key press (start, updates, three end packets) with payload type 101. */
  sendEvent(port: number, digitEvent: number, address = '127.0.0.1'): void {
    const ts = this.#ts;
    const payload = new Uint8Array(4);
    for (let i = 0; i < 8; i++) {
      const buf = new Uint8Array(16); // dgram may send after this loop: one buffer per packet
      const end = i >= 5;
      writeTelephoneEvent(payload, { event: digitEvent, end, volume: 10, duration: Math.min(i + 1, 5) * 160 });
      const n = writeRtp(
        buf,
        { payloadType: 101, marker: i === 0, sequence: this.#seq, timestamp: ts, ssrc: 0x1234 },
        payload,
      );
      this.#seq = (this.#seq + 1) & 0xffff;
      this.socket.send(buf, 0, n, port, address);
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves once `count` more packets have arrived. */
  waitPackets(count: number): Promise<void> {
    const target = this.packetsIn + count;
    return new Promise((resolve) => this.#waiters.push({ count: target, resolve }));
  }

  /** Forgets what was heard so far. */
  clear(): void {
    this.heard.length = 0;
  }

  /** Amplitude of `frequency` over the last `ms` of what was heard. */
  level(frequency: number, ms = 400): number {
    const n = Math.min(this.heard.length, ms * 8);
    return goertzel(Int16Array.from(this.heard.slice(this.heard.length - n)), frequency);
  }

  async close(): Promise<void> {
    this.stop();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
