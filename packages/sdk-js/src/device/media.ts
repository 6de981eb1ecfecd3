/**
 * A call's audio in the browser: the microphone into an RTCPeerConnection with Patchbay, the
 * far end's audio played, PCMU preferred (what Patchbay carries), digits as RFC 4733 through
 * RTCDTMFSender, mute by disabling the microphone track (it then sends silence). Used only where
 * the browser has WebRTC and the server says it carries it (`welcome.webrtc`); elsewhere (Node)
 * calls have no audio, as before. The DOM types are declared here, narrowly, so the SDK builds
 * without the DOM library.
 *
 * @example
 * const media = await CallMedia.open({});
 * const offer = await media.offer();  // to `connect`
 * await media.complete(answer);        // from its result
 * const stop = media.watchRestarts(hooks); // ICE restarts when the network changes (restart.ts)
 */
import { type RestartablePeer, type RestartHooks, watchIceRestarts } from './restart.js';

interface Track {
  enabled: boolean;
  stop(): void;
}
interface Stream {
  getAudioTracks(): Track[];
  getTracks(): Track[];
}
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
  readonly sender: { readonly dtmf: DtmfSender | null; replaceTrack(track: Track): Promise<void> };
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
  close(): void;
}
interface AudioElement {
  srcObject: Stream | null;
  autoplay: boolean;
  play(): Promise<void>;
}
interface Browser {
  RTCPeerConnection?: new (config: { iceServers?: readonly IceServer[] }) => PeerConnection;
  RTCRtpReceiver?: { getCapabilities?(kind: string): { codecs: Codec[] } | null };
  navigator?: { mediaDevices?: { getUserMedia?(constraints: { audio: unknown }): Promise<Stream> } };
  Audio?: new () => AudioElement;
}

/** A STUN or TURN server for the device (coturn: `turn:turn.example.com:3478`). */
export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

export interface CallMediaOptions {
  /** STUN/TURN servers the browser gathers candidates from. @default none (host candidates) */
  readonly iceServers?: readonly IceServer[];
  /** Microphone constraints for getUserMedia. @default true */
  readonly audio?: unknown;
  /** Waits at most this long for ICE candidates before sending a description. @default 1500 */
  readonly gatherTimeoutMs?: number;
}

const browser = globalThis as Browser;

/** Whether this runtime can carry call audio (a browser with WebRTC and a microphone API). */
export function webRtcAvailable(): boolean {
  return (
    typeof browser.RTCPeerConnection === 'function' &&
    typeof browser.navigator?.mediaDevices?.getUserMedia === 'function'
  );
}

/** PCMU first, then the rest (telephone-event kept): what Patchbay carries without transcoding. */
function pcmuFirst(): Codec[] | undefined {
  const codecs = browser.RTCRtpReceiver?.getCapabilities?.('audio')?.codecs;
  if (!codecs) return undefined;
  const rank = (c: Codec) => (c.mimeType.toLowerCase() === 'audio/pcmu' ? 0 : 1);
  return [...codecs].sort((a, b) => rank(a) - rank(b));
}

export class CallMedia {
  /** The far end's audio, also played through an audio element. */
  remoteStream: Stream | undefined;
  private readonly player: AudioElement | undefined;
  private closed = false;
  private transceiver: Transceiver | undefined;

  private constructor(
    private readonly pc: PeerConnection,
    /** The microphone's audio sent to Patchbay (for a level meter). */
    readonly localStream: Stream,
    private readonly track: Track,
    private readonly gatherTimeoutMs: number,
  ) {
    this.player = browser.Audio ? new browser.Audio() : undefined;
    if (this.player) this.player.autoplay = true;
    pc.addEventListener('track', (event) => {
      const stream = event.streams?.[0];
      if (!stream) return;
      this.remoteStream = stream;
      if (this.player) {
        this.player.srcObject = stream;
        void this.player.play().catch(() => undefined);
      }
    });
  }

  /** Opens the microphone (the browser may ask the user) and a peer connection. */
  static async open(options: CallMediaOptions): Promise<CallMedia> {
    const Peer = browser.RTCPeerConnection;
    const getUserMedia = browser.navigator?.mediaDevices?.getUserMedia;
    if (!Peer || !getUserMedia) throw new Error('WebRTC is not available here');
    const microphone = await getUserMedia.call(browser.navigator?.mediaDevices, { audio: options.audio ?? true });
    const pc = new Peer({ iceServers: options.iceServers ?? [] });
    const track = microphone.getAudioTracks()[0];
    if (!track) {
      pc.close();
      throw new Error('the microphone gave no audio track');
    }
    return new CallMedia(pc, microphone, track, options.gatherTimeoutMs ?? 1500);
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
