/**
 * A WebRTC "device" for Node tests, on werift: it answers Patchbay's offer or makes its own,
 * sends a PCMU tone every 20 ms once connected (and RFC 4733 digits on request), and keeps what it
 * hears decoded to 8 kHz PCM for Goertzel. Not a browser (see the Chromium tests for that), but the
 * same DTLS-SRTP and ICE on the wire. `restart()` moves it to another address (a network change):
 * a new peer connection offers with new ICE credentials; once it connects it carries the tone
 * and the old one is closed, as a browser's ICE restart does.
 *
 * @example
 * const device = await TestDevice.create('127.0.43.9', [43900, 43949], 600);
 * await device.answer(session.localSdp)
 */
import { RTCPeerConnection, RTCRtpCodecParameters, type RTCRtpTransceiver } from 'werift';
import { ToneGenerator } from '../engine/dsp/tone.js';
import { decodeUlaw, encodeUlaw } from '../rtp/g711.js';
import { concatPcm } from '../testing/wav.js';
import type { WebRtcSession, WebRtcTransport } from './transport.js';
import { sendEvent } from './werift.js';

const TE = 126;

export class TestDevice {
  readonly heard: Int16Array[] = [];
  pc: RTCPeerConnection;
  transceiver: RTCRtpTransceiver | undefined;
  #timer: NodeJS.Timeout | undefined;
  #seq = 1;
  #ts = 1000;
  readonly #tone: ToneGenerator | undefined;
  readonly #frame = new Int16Array(160);
  #waiters: { samples: number; resolve: () => void }[] = [];
  #samples = 0;
  readonly #all: RTCPeerConnection[] = [];
  /** Sends nothing while true (a muted microphone). */
  muted = false;

  constructor(address: string, ports: [number, number], toneHz?: number) {
    this.#tone = toneHz
      ? new ToneGenerator({ frequencies: [toneHz], onMs: 1000, loop: true, amplitude: 8000 })
      : undefined;
    this.pc = this.#connection(address, ports);
  }

  #connection(address: string, ports: [number, number]): RTCPeerConnection {
    const pc = new RTCPeerConnection({
      codecs: {
        audio: [
          new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, payloadType: 0, channels: 1 }),
          new RTCRtpCodecParameters({
            mimeType: 'audio/telephone-event',
            clockRate: 8000,
            payloadType: TE,
            channels: 1,
          }),
        ],
      },
      iceInterfaceAddresses: { udp4: address },
      iceAdditionalHostAddresses: [address],
      icePortRange: ports,
      iceUseIpv6: false,
      headerExtensions: { audio: [] },
    });
    pc.connectionStateChange.subscribe((s) => {
      if (s === 'connected') this.#start();
    });
    pc.onTransceiverAdded.subscribe((t) => this.#listen(t));
    this.#all.push(pc);
    return pc;
  }

  /**
   * A network change: a new peer connection at `address` offers (new ICE credentials, new
   * port); `accept` the server's answer. Resolves with the offer.
   */
  async restart(address: string, ports: [number, number]): Promise<string> {
    const old = this.pc;
    const pc = this.#connection(address, ports);
    this.pc = pc;
    const transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.#hear(transceiver);
    pc.connectionStateChange.subscribe((s) => {
      if (s !== 'connected') return;
      this.transceiver = transceiver;
      void old.close();
    });
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription?.sdp ?? '';
  }

  /** Resolves once the restarted connection carries the call (the old one closed). */
  async restarted(): Promise<void> {
    const pc = this.pc;
    if (pc.connectionState === 'connected') return;
    await new Promise<void>((resolve, reject) =>
      pc.connectionStateChange.subscribe((s) => {
        if (s === 'connected') resolve();
        else if (s === 'failed' || s === 'closed') reject(new Error(`restart ${s}`));
      }),
    );
  }

  #listen(t: RTCRtpTransceiver): void {
    this.transceiver = t;
    this.#hear(t);
  }

  #hear(t: RTCRtpTransceiver): void {
    t.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        if (rtp.header.payloadType !== 0) return;
        const pcm = new Int16Array(rtp.payload.length);
        decodeUlaw(rtp.payload, pcm);
        this.heard.push(pcm);
        this.#samples += pcm.length;
        for (const w of this.#waiters.filter((w) => this.#samples >= w.samples)) w.resolve();
        this.#waiters = this.#waiters.filter((w) => this.#samples < w.samples);
      }),
    );
  }

  /** Resolves once `ms` more of audio has been heard. */
  hear(ms: number): Promise<Int16Array> {
    const start = this.#samples;
    const want = start + ms * 8;
    return new Promise<void>((resolve) => this.#waiters.push({ samples: want, resolve })).then(() => {
      const all = concatPcm(this.heard);
      return all.subarray(start, want);
    });
  }

  async offer(): Promise<string> {
    this.#listen(this.pc.addTransceiver('audio', { direction: 'sendrecv' }));
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.pc.localDescription?.sdp ?? '';
  }

  async answer(offer: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.pc.localDescription?.sdp ?? '';
  }

  async accept(answer: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
  }

  #packet(pt: number, payload: Uint8Array, marker: boolean, ts: number): Buffer {
    const b = Buffer.alloc(12 + payload.length);
    b[0] = 0x80;
    b[1] = (marker ? 0x80 : 0) | pt;
    b.writeUInt16BE(this.#seq++ & 0xffff, 2);
    b.writeUInt32BE(ts >>> 0, 4);
    b.writeUInt32BE(0x1234567, 8);
    b.set(payload, 12);
    return b;
  }

  #start(): void {
    this.#timer ??= setInterval(() => {
      const sender = this.transceiver?.sender;
      if (!sender || !this.#tone || this.muted) {
        this.#ts += 160;
        return;
      }
      this.#tone.fill(this.#frame);
      const payload = new Uint8Array(160);
      encodeUlaw(this.#frame, payload);
      sender.sendRtp(this.#packet(0, payload, false, this.#ts)).catch(() => {});
      this.#ts += 160;
    }, 20);
  }

  /** One RFC 4733 digit: a start, two updates, three end packets (as RTCDTMFSender sends). */
  sendDigit(digit: string): void {
    const sender = this.transceiver?.sender;
    if (!sender) return;
    const event = '0123456789*#'.indexOf(digit);
    const ts = this.#ts;
    const send = (duration: number, end: boolean, marker: boolean) => {
      const p = new Uint8Array([event, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
      sendEvent(sender, this.#packet(TE, p, marker, ts));
    };
    send(160, false, true);
    send(320, false, false);
    send(480, false, false);
    for (let i = 0; i < 3; i++) send(800, true, false);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all(this.#all.map((pc) => pc.close()));
  }
}

/** A device at `address` that offered to `transport` and is connected; `cleanup` gets its closing. */
export async function connectedDevice(
  transport: WebRtcTransport,
  address: string,
  ports: [number, number],
  cleanup: (close: () => Promise<void>) => void,
  toneHz?: number,
): Promise<{ device: TestDevice; session: WebRtcSession }> {
  const device = new TestDevice(address, ports, toneHz);
  cleanup(() => device.close());
  const session = await transport.answer(await device.offer());
  await device.accept(session.localSdp);
  await session.connected;
  return { device, session };
}
