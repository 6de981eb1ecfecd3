/**
 * One call leg inside a media worker: its RTP and RTCP sockets, the receive and send stages, the
 * operations that replace its outgoing audio (play, tone, digits) and the ones that listen
 * (record, DTMF and voice detection). The worker's frame clock calls `receive()` then, after
 * rooms have mixed, `send()`, every 20 ms.
 *
 * @example
 * const leg = await WorkerLeg.open('leg-1', '127.0.0.1', 40000, post);
 * leg.configure(media); leg.receive(now); leg.send(now);
 */
import dgram from 'node:dgram';
import { RtpReceiver } from '../../rtp/receiver.js';
import { parseRtcp } from '../../rtp/rtcp.js';
import { RtpSender } from '../../rtp/sender.js';
import type { NegotiatedMedia } from '../../sdp/types.js';
import { DtmfDetector } from '../dsp/dtmf-detect.js';
import { VoiceActivity } from '../dsp/energy.js';
import { FRAME_SAMPLES } from '../dsp/goertzel.js';
import { STAT } from '../leg-stats.js';
import type { FromWorker, LegStats, WorkerInit } from '../messages.js';
import type { FrameQueue } from './frames.js';
import type { EventFrame, Playback } from './playback.js';
import type { Recorder } from './recorder.js';

export type Post = (message: FromWorker, transfer?: ArrayBuffer[]) => void;

/**
 * Remote addresses are IP literals from SDP or a latched source: answering the lookup at once
 * spares dgram a DNS round trip through process.nextTick for every packet sent.
 */
const literalLookup = ((
  host: string,
  _options: unknown,
  callback: (e: Error | null, address: string, family: number) => void,
) => callback(null, host, host.includes(':') ? 6 : 4)) as unknown as dgram.SocketOptions['lookup'];

function bind(socket: dgram.Socket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

/** Where a leg's packets go: its own UDP sockets, or a pipe to a transport (see `./pipe.ts`). */
export interface PacketIo {
  send(buf: Uint8Array, offset: number, length: number, port: number, address: string): void;
  close(): void;
}

export class WorkerLeg {
  readonly inFrame = new Int16Array(FRAME_SAMPLES);
  readonly #outFrame = new Int16Array(FRAME_SAMPLES);
  readonly rx = new RtpReceiver();
  readonly tx = new RtpSender();
  readonly #event: EventFrame = { event: 0, duration: 0, end: false, start: false, repeats: 1 };
  readonly #inband = new DtmfDetector();
  readonly #vad = new VoiceActivity();
  readonly ops: Playback[] = [];
  recorder: Recorder | undefined;
  media: NegotiatedMedia | undefined;
  /** What the leg's bridge or conference gives it this frame (set by a local room). */
  connection: Int16Array | undefined;
  /** Frames from a room on another worker. */
  downlink: FrameQueue | undefined;
  uplink: { room: string; home: number } | undefined;
  #nextRtcpAt: number;
  #timedOut = false;
  #remoteReport: LegStats['remoteReport'];
  #rtcpFrom: { address: string; port: number } | undefined;
  closed = false;
  /** Where `stats()` is published every frame for the main thread to read. */
  sharedStats: Float64Array | undefined;
  readonly rtpTimeoutMs: number;

  constructor(
    readonly id: string,
    readonly rtp: PacketIo,
    readonly rtcp: PacketIo,
    readonly post: Post,
    readonly init: WorkerInit,
    nowMs: number,
  ) {
    this.rtpTimeoutMs = init.rtpTimeoutMs;
    // RFC 3550 §6.2: randomize the first report so legs opened together do not report together
    this.#nextRtcpAt = nowMs + init.rtcpIntervalMs * (0.5 + Math.random());
  }

  static async open(id: string, init: WorkerInit, port: number, post: Post, nowMs: number): Promise<WorkerLeg> {
    const address = init.bindAddress;
    const type = address.includes(':') ? 'udp6' : 'udp4';
    const rtp = dgram.createSocket({ type, lookup: literalLookup });
    const rtcp = dgram.createSocket({ type, lookup: literalLookup });
    try {
      await bind(rtp, address, port);
      await bind(rtcp, address, port + 1);
    } catch (e) {
      rtp.close();
      try {
        rtcp.close();
      } catch {}
      throw e;
    }
    const leg = new WorkerLeg(id, rtp, rtcp, post, init, nowMs);
    rtp.on('message', (buf, rinfo) => leg.onRtp(buf, rinfo.address, rinfo.port));
    rtcp.on('message', (buf, rinfo) => leg.onRtcp(buf, rinfo.address, rinfo.port));
    rtp.on('error', () => {});
    rtcp.on('error', () => {});
    return leg;
  }

  configure(media: NegotiatedMedia): void {
    this.media = media;
    this.rx.configure({ payloadType: media.payloadType, telephoneEvent: media.telephoneEvent, remote: media.remote });
    this.tx.payloadType = media.payloadType;
    this.tx.telephoneEvent = media.telephoneEvent;
    this.#timedOut = false;
    this.rx.lastPacketAt = performance.now();
  }

  onRtp(buf: Uint8Array, address: string, port: number): void {
    if (this.closed) return;
    const result = this.rx.handle(buf, address, port, performance.now());
    if (result === 'digit') this.#digit(this.rx.digit, 'rfc4733');
  }

  onRtcp(buf: Uint8Array, address: string, port: number): void {
    const latched = this.rx.latched;
    if (latched && latched.address !== address) return;
    try {
      for (const report of parseRtcp(buf)) {
        const block = report.blocks.find((b) => b.ssrc === this.tx.ssrc);
        if (block)
          this.#remoteReport = {
            fractionLost: block.fractionLost / 256,
            cumulativeLost: block.cumulativeLost,
            jitter: block.jitter,
          };
      }
      this.#rtcpFrom = { address, port };
    } catch {
      this.rx.dropped++;
    }
  }

  #digit(digit: string, source: 'rfc4733' | 'inband'): void {
    this.post({ t: 'event', leg: this.id, event: 'dtmf', digit, source });
    this.recorder?.key(digit);
  }

  /** Frame step 1: the next 20 ms heard from the far end, and what listens to it. */
  receive(nowMs: number): void {
    this.rx.pull(this.inFrame);
    const media = this.media;
    if (media && media.telephoneEvent === undefined) {
      const digit = this.#inband.push(this.inFrame);
      if (digit) this.#digit(digit, 'inband');
    }
    const change = this.#vad.push(this.inFrame);
    if (change) this.post({ t: 'event', leg: this.id, event: change === 'start' ? 'voiceStart' : 'voiceEnd' });
    if (this.recorder) {
      this.recorder.push(this.inFrame, this.#vad.silentFrames > 0);
      if (this.recorder.done) this.#finishRecording();
    }
    if (
      media &&
      this.rtpTimeoutMs > 0 &&
      !this.#timedOut &&
      (media.direction === 'sendrecv' || media.direction === 'recvonly')
    ) {
      if (nowMs - this.rx.lastPacketAt > this.rtpTimeoutMs) {
        this.#timedOut = true;
        this.post({ t: 'event', leg: this.id, event: 'rtpTimeout' });
      }
    }
  }

  /** Frame step 2: what goes out — an operation's audio or events, else the connection, else silence. */
  send(nowMs: number): void {
    const out = this.#outFrame;
    let kind: 'audio' | 'event' | 'done' = 'done';
    while (this.ops.length > 0) {
      const op = this.ops[0] as Playback;
      kind = op.fill(out, this.#event);
      if (kind !== 'done') break;
      this.#complete(op);
    }
    if (kind === 'done') {
      if (this.downlink) this.downlink.pop(out);
      else if (this.connection) out.set(this.connection);
      else out.fill(0);
    }
    const media = this.media;
    const target = this.rx.latched ?? media?.remote;
    const canSend =
      media &&
      target &&
      target.port > 0 &&
      target.address !== '0.0.0.0' &&
      (media.direction === 'sendrecv' || media.direction === 'sendonly');
    if (canSend) {
      if (kind === 'event' && media.telephoneEvent !== undefined) {
        for (let i = 0; i < this.#event.repeats; i++) {
          const n = this.tx.event(this.#event); // writes tx.buffer: call it before reading the buffer
          this.rtp.send(this.tx.buffer, 0, n, target.port, target.address);
        }
      } else {
        const n = this.tx.audio(out);
        this.rtp.send(this.tx.buffer, 0, n, target.port, target.address);
      }
      if (nowMs >= this.#nextRtcpAt) {
        this.#nextRtcpAt = nowMs + this.init.rtcpIntervalMs;
        const rtcpTo = this.#rtcpFrom ?? { address: target.address, port: (media.remote.port || target.port) + 1 };
        const n = this.tx.report(Date.now(), this.#reportBlock());
        this.rtcp.send(this.tx.rtcpBuffer, 0, n, rtcpTo.port, rtcpTo.address);
      }
    }
    this.tx.advance();
    if (this.sharedStats) this.#publish(this.sharedStats);
    const head = this.ops[0];
    if (head?.finished) this.#complete(head);
  }

  /** The clock skipped `frames` after a stall: drop that much playout and jump the timestamps. */
  skip(frames: number): void {
    this.rx.jitter.skip(frames);
    this.tx.skip(frames);
  }

  #reportBlock() {
    if (this.rx.packetsIn === 0) return undefined;
    return {
      ssrc: this.rx.remoteSsrc,
      fractionLost: 0,
      cumulativeLost: this.rx.lost,
      highestSequence: this.rx.extendedMaxSequence,
      jitter: Math.round(this.rx.jitterTs),
      lastSr: 0,
      delaySinceLastSr: 0,
    };
  }

  #complete(op: Playback): void {
    const i = this.ops.indexOf(op);
    if (i >= 0) this.ops.splice(i, 1);
    this.post({ t: 'opDone', op: op.op });
  }

  /** Stops an operation without reporting it (the main thread already rejected it). */
  cancel(op: number): boolean {
    const i = this.ops.findIndex((p) => p.op === op);
    if (i >= 0) {
      this.ops.splice(i, 1);
      return true;
    }
    if (this.recorder?.op === op) {
      this.recorder = undefined;
      return true;
    }
    return false;
  }

  #finishRecording(endedBy?: 'hangup'): void {
    const recorder = this.recorder;
    if (!recorder) return;
    this.recorder = undefined;
    const result = recorder.result(endedBy);
    this.post({ t: 'opDone', op: recorder.op, result }, [result.pcm.buffer as ArrayBuffer]);
  }

  /** Writes the counters into shared memory without allocating (once per frame). */
  #publish(view: Float64Array): void {
    const rx = this.rx;
    view[STAT.packetsIn] = rx.packetsIn;
    view[STAT.packetsOut] = this.tx.packetsOut;
    view[STAT.lost] = rx.lost;
    view[STAT.jitterMs] = rx.jitterTs / 8;
    view[STAT.dropped] = rx.dropped;
    view[STAT.late] = rx.jitter.late + rx.jitter.duplicates + rx.jitter.trimmed;
    const report = this.#remoteReport;
    if (report) {
      view[STAT.hasRemoteReport] = 1;
      view[STAT.remoteFractionLost] = report.fractionLost;
      view[STAT.remoteCumulativeLost] = report.cumulativeLost;
      view[STAT.remoteJitter] = report.jitter;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#finishRecording('hangup');
    for (const op of this.ops.splice(0)) this.post({ t: 'opDone', op: op.op });
    this.rtp.close();
    this.rtcp.close();
  }
}
