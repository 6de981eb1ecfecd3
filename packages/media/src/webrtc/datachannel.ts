/**
 * The default `WebRtcTransport`, on node-datachannel (libdatachannel: native ICE with
 * peer-reflexive candidates, DTLS-SRTP; the binary ships inside an npm package). It costs about a
 * third of werift's CPU per leg (see bench/webrtc.mjs). The track is set up by hand with PCMU and
 * telephone-event only: left to itself, libdatachannel mirrors a browser's codec order (Opus).
 *
 * @example
 * const transport = new DataChannelTransport({ bindAddress: '127.0.0.1', portRange: [43000, 43999] });
 * const session = await transport.answer(deviceOffer); // session.localSdp goes back to the device
 */
import { Audio, PeerConnection, type Track } from 'node-datachannel';
import { WebRtcError } from './errors.js';
import { announced, iceServerUrls } from './options.js';
import { asActiveOffer, checkRemoteSdp, type RemoteSdp } from './remote-sdp.js';
import { SessionBase } from './session-base.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  OFFER_TELEPHONE_EVENT,
  type OfferOptions,
  type WebRtcSession,
  type WebRtcTransportOptions,
} from './transport.js';
import { applyRemote, TransportBase } from './transport-base.js';

const GATHER_TIMEOUT_MS = 3000;

function withoutCandidates(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((l) => !l.startsWith('a=candidate:') && l !== 'a=end-of-candidates')
    .join('\r\n');
}
let sequence = 0;

class DataChannelSession extends SessionBase implements WebRtcSession {
  localSdp = '';
  telephoneEvent: number | undefined;
  readonly pc: PeerConnection;
  track: Track | undefined;

  constructor(
    readonly options: WebRtcTransportOptions,
    onGone: (s: DataChannelSession) => void,
  ) {
    super(`webrtc-${++sequence}`, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    this.pc = new PeerConnection(this.id, {
      iceServers: iceServerUrls(options.iceServers),
      bindAddress: options.bindAddress,
      portRangeBegin: options.portRange[0],
      portRangeEnd: options.portRange[1],
      disableAutoNegotiation: true,
    });
    this.pc.onStateChange((state) => {
      if (state === 'failed') this.failed(new WebRtcError('connection-failed', 'ICE or DTLS failed', this.id));
      else if ((state === 'closed' || state === 'disconnected') && this.isOpen) this.ended();
    });
    this.onClose(() => onGone(this));
  }

  addTrack(mid: string, telephoneEvent: number | undefined): void {
    const audio = new Audio(mid, 'SendRecv');
    audio.addAudioCodec(0, 'PCMU');
    if (telephoneEvent !== undefined) audio.addAudioCodec(telephoneEvent, 'telephone-event/8000');
    audio.addSSRC(this.ssrc, 'patchbay', 'patchbay', 'audio');
    this.telephoneEvent = telephoneEvent;
    const track = this.pc.addTrack(audio);
    this.track = track;
    track.onOpen(() => this.opened());
    track.onMessage((msg) => {
      // RTCP shares the port (rtcp-mux): payload types 200-204 with the marker bit set
      const pt = msg[1] ?? 0;
      if (msg.byteLength >= 12 && !(pt >= 200 && pt <= 204)) this.deliver(msg);
    });
  }

  async describe(type: 'offer' | 'answer', candidatesInOffer = false): Promise<void> {
    const gathered = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
      this.pc.onGatheringStateChange((state) => {
        if (state === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    this.pc.setLocalDescription(type);
    if (this.pc.gatheringState() !== 'complete') await gathered;
    const local = this.pc.localDescription();
    if (!local) throw new WebRtcError('connection-failed', 'no local description', this.id);
    // An offer goes out without our candidates unless asked: the device's connectivity checks
    // (and its DTLS) can then only start once we have its answer and check towards it, learning
    // the device's address from its answer's candidates. With our candidates in the offer, a
    // browser starts ICE and DTLS at once; applying its answer then races libdatachannel's ICE
    // thread (see early-offers.ts: about one call in 400-1200 fails), which is why the default
    // transport sends such offers to werift.
    this.localSdp = announced(
      type === 'offer' && !candidatesInOffer ? withoutCandidates(local.sdp) : local.sdp,
      this.options,
    );
  }

  async complete(answerSdp: string): Promise<void> {
    if (this.isClosed) throw new WebRtcError('session-closed', 'the session is closed', this.id);
    const remote = checkRemoteSdp(answerSdp, 'answer');
    if (remote.telephoneEvent !== this.telephoneEvent) this.telephoneEvent = remote.telephoneEvent;
    await applyRemote(this.id, 'answer', () => this.pc.setRemoteDescription(remote.sdp, 'answer'));
  }

  send(rtp: Uint8Array): void {
    const track = this.track;
    if (!this.isOpen || !track) return;
    this.stamp(rtp);
    try {
      track.sendMessageBinary(Buffer.from(rtp.buffer, rtp.byteOffset, rtp.byteLength));
    } catch {}
  }

  protected release(): void {
    try {
      this.track?.close();
    } catch {}
    this.pc.close();
  }
}

export class DataChannelTransport extends TransportBase<DataChannelSession> {
  readonly name = 'node-datachannel';

  protected create(_telephoneEvent: number | undefined, onGone: (s: DataChannelSession) => void): DataChannelSession {
    return new DataChannelSession(this.options, onGone);
  }

  protected async makeOffer(session: DataChannelSession, options: OfferOptions): Promise<void> {
    session.addTrack('0', OFFER_TELEPHONE_EVENT);
    await session.describe('offer', options.candidatesInOffer === true);
  }

  protected async makeAnswer(session: DataChannelSession, remote: RemoteSdp): Promise<void> {
    session.addTrack(remote.mid, remote.telephoneEvent);
    const sdp = remote.actpass ? asActiveOffer(remote.sdp) : remote.sdp;
    await applyRemote(session.id, 'offer', () => session.pc.setRemoteDescription(sdp, 'offer'));
    await session.describe('answer');
  }
}
