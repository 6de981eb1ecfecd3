/**
 * A call's audio in the browser: the microphone into an RTCPeerConnection with Patchbay, the
 * far end's audio played, PCMU preferred (what Patchbay carries), digits as RFC 4733 through
 * RTCDTMFSender, mute by disabling the microphone track (it then sends silence). The microphone
 * and the speaker are the ones `device.audio` chose (audio.ts); a microphone switched in a call
 * replaces the sender's track. Used only where the browser has WebRTC and the server says it
 * carries it (`welcome.webrtc`); elsewhere (Node) calls have no audio, as before. The DOM types
 * are declared narrowly (here and in dom.ts), so the SDK builds without the DOM library.
 *
 * @example
 * const media = await CallMedia.open({ iceServers }, device.audio);
 * const offer = await media.offer();  // to `connect`
 * await media.complete(answer);        // from its result
 * const stop = media.watchRestarts(hooks); // ICE restarts when the network changes (restart.ts)
 */

import type { AudioHelper, InputUser } from './audio.js';
import { type MediaElement, type StatsReport, type Stream, browser as scope, type Track } from './dom.js';
import { type RestartablePeer, type RestartHooks, watchIceRestarts } from './restart.js';

interface DtmfSender {
  readonly canInsertDTMF?: boolean;
  insertDTMF(tones: string, duration?: number, gap?: number): void;
}
interface Description {
  readonly type: string;
  readonly sdp: string;
}
interface Codec {
  readonly mimeType: string;
}
interface Transceiver {
  setCodecPreferences?(codecs: Codec[]): void;
  direction: string;
  readonly sender: { readonly dtmf: DtmfSender | null; replaceTrack(track: Track | null): Promise<void> };
}
interface PeerConnection extends RestartablePeer {
  readonly localDescription: Description | null;
  readonly iceGatheringState: string;
  readonly connectionState: string;
  readonly signalingState: string;
  addTransceiver(track: Track, init: { direction: string; streams: Stream[] }): Transceiver;
  getTransceivers(): Transceiver[];
  createOffer(options?: { iceRestart?: boolean }): Promise<Description>;
  createAnswer(): Promise<Description>;
  setLocalDescription(d: Description): Promise<void>;
  setRemoteDescription(d: Description): Promise<void>;
  addEventListener(type: string, listener: (event: { streams?: Stream[] }) => void): void;
  getStats(): Promise<StatsReport>;
  close(): void;
}
interface Browser {
  RTCPeerConnection?: new (config: {
    iceServers?: readonly IceServer[];
    iceTransportPolicy?: string;
  }) => PeerConnection;
  RTCRtpReceiver?: { getCapabilities?(kind: string): { codecs: Codec[] } | null };
}

/** A STUN or TURN server for the device (coturn: `turn:turn.example.com:3478`). */
export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string | undefined;
  readonly credential?: string | undefined;
}

/** One call's ICE settings, as the hosted browser SDK takes them (`connect`/`accept` `rtcConfiguration`). */
export interface RtcConfiguration {
  readonly iceServers?: readonly IceServer[];
  readonly iceTransportPolicy?: 'all' | 'relay';
}

export interface CallMediaOptions {
  /** STUN/TURN servers the browser gathers candidates from. @default none (host candidates) */
  readonly iceServers?: readonly IceServer[];
  /**
   * `'relay'` sends audio only through the TURN servers (never directly). Server-given ICE servers
   * apply unless `iceServers` is set. @default 'all'
   */
  readonly iceTransportPolicy?: 'all' | 'relay';
  /** Microphone constraints for getUserMedia (the device id comes from `device.audio.setInputDevice`). @default true */
  readonly audio?: unknown;
  /** Waits at most this long for ICE candidates before sending a description. @default 1500 */
  readonly gatherTimeoutMs?: number;
}

const browser = globalThis as Browser;

/** Whether this runtime can carry call audio (a browser with WebRTC and a microphone API). */
export function webRtcAvailable(): boolean {
  return (
    typeof browser.RTCPeerConnection === 'function' &&
    typeof scope().navigator?.mediaDevices?.getUserMedia === 'function'
  );
}

/** PCMU first, then the rest (telephone-event kept): what Patchbay carries without transcoding. */
function pcmuFirst(): Codec[] | undefined {
  const codecs = browser.RTCRtpReceiver?.getCapabilities?.('audio')?.codecs;
  if (!codecs) return undefined;
  const rank = (c: Codec) => (c.mimeType.toLowerCase() === 'audio/pcmu' ? 0 : 1);
  return [...codecs].sort((a, b) => rank(a) - rank(b));
}

export class CallMedia implements InputUser {
  /** The far end's audio, also played through an audio element. */
  remoteStream: Stream | undefined;
  /** Called when the far end's audio arrives (a volume meter listens). */
  onRemoteStream: ((stream: Stream) => void) | undefined;
  /** Called when the microphone sent changes (`device.audio.setInputDevice` in a call). */
  onInputChanged: ((stream: Stream) => void) | undefined;
  private readonly player: MediaElement | undefined;
  private closed = false;
  private transceiver: Transceiver | undefined;
  private readonly releases: Array<() => void> = [];

  private constructor(
    private readonly pc: PeerConnection,
    /** The microphone's audio sent to Patchbay (for a level meter). */
    readonly localStream: Stream,
    private track: Track,
    private readonly gatherTimeoutMs: number,
    audio: AudioHelper,
  ) {
    const Audio = scope().Audio;
    this.player = Audio ? new Audio() : undefined;
    if (this.player) {
      this.player.autoplay = true;
      this.releases.push(audio.speakerDevices._attach(this.player));
    }
    this.releases.push(audio._use(this));
    pc.addEventListener('track', (event) => {
      const stream = event.streams?.[0];
      if (!stream) return;
      this.remoteStream = stream;
      if (this.player) {
        this.player.srcObject = stream;
        void this.player.play().catch(() => undefined);
      }
      this.onRemoteStream?.(stream);
    });
  }

  /** Opens the microphone (the browser may ask the user; `device.audio` says which) and a peer connection. */
  static async open(options: CallMediaOptions, audio: AudioHelper): Promise<CallMedia> {
    const Peer = browser.RTCPeerConnection;
    if (!Peer) throw new Error('WebRTC is not available here');
    const microphone = await audio._microphone();
    const track = microphone.getAudioTracks()[0];
    if (!track) throw new Error('the microphone gave no audio track');
    try {
      const pc = new Peer({
        iceServers: options.iceServers ?? [],
        ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
      });
      return new CallMedia(pc, microphone, track, options.gatherTimeoutMs ?? 1500, audio);
    } catch (error) {
      // an ICE server URL the browser rejects: the microphone opened for the call is closed again
      for (const opened of microphone.getTracks()) opened.stop();
      throw error;
    }
  }

  /** Sends another microphone on this call: the sender's track is replaced, mute carries over. */
  async replaceInput(source: Track): Promise<void> {
    if (this.closed) return;
    const track = source.clone ? source.clone() : source;
    track.enabled = this.track.enabled;
    await this.transceiver?.sender.replaceTrack(track);
    const old = this.track;
    this.track = track;
    this.localStream.removeTrack?.(old);
    this.localStream.addTrack?.(track);
    old.stop();
    this.onInputChanged?.(this.localStream);
  }

  /** The peer connection's statistics (quality warnings read them every second). */
  getStats(): Promise<StatsReport> {
    return this.pc.getStats();
  }

  async offer(): Promise<string> {
    this.prefer(this.pc.addTransceiver(this.track, { direction: 'sendrecv', streams: [this.localStream] }));
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.described();
  }

  /** Answers Patchbay's offer: the microphone goes on the transceiver the offer created (a transceiver added before would be another m-line, and the answer recvonly). */
  async answer(offer: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer });
    const transceiver = this.pc.getTransceivers()[0];
    if (!transceiver) throw new Error('the offer has no audio');
    await transceiver.sender.replaceTrack(this.track);
    transceiver.direction = 'sendrecv';
    this.prefer(transceiver);
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.described();
  }

  private prefer(transceiver: Transceiver): void {
    this.transceiver = transceiver;
    const codecs = pcmuFirst();
    if (codecs && transceiver.setCodecPreferences) transceiver.setCodecPreferences(codecs);
  }

  async complete(answer: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
  }

  /** Restarts ICE when the network changes (restart.ts) until the returned function is called. */
  watchRestarts(hooks: Omit<RestartHooks, 'offer' | 'complete'>): () => void {
    return watchIceRestarts(this.pc, {
      ...hooks,
      offer: async () => {
        await this.pc.setLocalDescription(await this.pc.createOffer({ iceRestart: true }));
        return this.described();
      },
      complete: (answer) => this.complete(answer),
      failed: (error) => {
        // an offer the server never answered is withdrawn, so the next restart starts clean
        if (this.pc.signalingState === 'have-local-offer')
          void this.pc.setLocalDescription({ type: 'rollback', sdp: '' }).catch(() => undefined);
        hooks.failed(error);
      },
    });
  }

  /** Disables the microphone track: the far end hears silence. */
  setMuted(muted: boolean): void {
    for (const track of this.localStream.getAudioTracks()) track.enabled = !muted;
  }

  /** Sends digits as RFC 4733 events; false when the call negotiated none (send them by signaling). */
  sendDigits(digits: string): boolean {
    const dtmf = this.transceiver?.sender.dtmf;
    if (!dtmf || dtmf.canInsertDTMF === false) return false;
    dtmf.insertDTMF(digits.replaceAll('w', ','), 100, 70);
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const track of this.localStream.getTracks()) track.stop();
    this.pc.close();
    if (this.player) this.player.srcObject = null;
    for (const release of this.releases.splice(0)) release();
  }

  /** The local description once candidates are gathered (or the wait is over: the server learns the rest). */
  private async described(): Promise<string> {
    if (this.pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.gatherTimeoutMs);
        this.pc.addEventListener('icegatheringstatechange', () => {
          if (this.pc.iceGatheringState === 'complete') {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    }
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('no local description');
    return sdp;
  }
}
