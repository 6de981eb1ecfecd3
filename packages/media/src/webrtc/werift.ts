/**
 * A `WebRtcTransport` on werift 0.24 (pure TypeScript: no native code; 0.25 needs Node 22). It
 * works in both offer directions with Chromium but costs about three times node-datachannel's CPU
 * per leg (bench/webrtc.mjs), so it is the fallback, not the default. Host candidates are limited
 * to the bind address (werift adds every interface otherwise).
 *
 * @example
 * const transport = new WeriftTransport({ bindAddress: '127.0.0.1', portRange: [43000, 43999] });
 * const session = await transport.offer();
 */
import { RTCPeerConnection, RTCRtpCodecParameters, type RTCRtpSender, type RTCRtpTransceiver, RtpPacket } from 'werift';
import { WebRtcError } from './errors.js';
import { announced } from './options.js';
import { checkRemoteSdp, type RemoteSdp } from './remote-sdp.js';
import { SessionBase } from './session-base.js';
import { stunGate } from './stun-gate.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  type OfferOptions,
  type WebRtcSession,
  type WebRtcTransportOptions,
} from './transport.js';
import { applyRemote, TransportBase } from './transport-base.js';

let sequence = 0;

function codecs(telephoneEvent: number | undefined): RTCRtpCodecParameters[] {
  const list = [new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, payloadType: 0, channels: 1 })];
  if (telephoneEvent !== undefined) {
    list.push(
      new RTCRtpCodecParameters({
        mimeType: 'audio/telephone-event',
        clockRate: 8000,
        payloadType: telephoneEvent,
        channels: 1,
      }),
    );
  }
  return list;
}

/** Keeps only host candidates on the bind address. */
function onlyBound(sdp: string, address: string): string {
  return sdp
    .split('\r\n')
    .filter((l) => !l.startsWith('a=candidate:') || l.includes(` ${address} `))
    .join('\r\n');
}

/** Sends a non-audio packet as it is (its payload type kept), with the sender's SSRC. */
export function sendEvent(sender: RTCRtpSender, buf: Buffer): void {
  const packet = RtpPacket.deSerialize(buf);
  packet.header.ssrc = sender.ssrc;
  sender.dtlsTransport.sendRtp(packet.payload, packet.header).catch(() => {});
}

class WeriftSession extends SessionBase implements WebRtcSession {
  localSdp = '';
  /** Our ICE ufrag, once described: what requests to us must name (stun-gate.ts). */
  ufrag: string | undefined;
  /** The device's, once its description is applied: what those requests must name too. */
  remoteUfrag: string | undefined;
  readonly pc: RTCPeerConnection;
  transceiver: RTCRtpTransceiver | undefined;

  constructor(
    readonly options: WebRtcTransportOptions,
    readonly telephoneEvent: number | undefined,
    onGone: (s: WeriftSession) => void,
  ) {
    super(`webrtc-w${++sequence}`, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    const urls = (options.iceServers ?? []).map((s) => ({
      urls: s.urls,
      ...(s.username ? { username: s.username, credential: s.credential ?? '' } : {}),
    }));
    this.pc = new RTCPeerConnection({
      codecs: { audio: codecs(telephoneEvent) },
      iceServers: urls,
      iceInterfaceAddresses: { udp4: options.bindAddress },
      iceAdditionalHostAddresses: [options.bindAddress],
      icePortRange: [options.portRange[0], options.portRange[1]],
      iceUseIpv6: false,
      headerExtensions: { audio: [] },
      iceFilterStunResponse: stunGate(() => this.ufrag, { remoteUfrag: () => this.remoteUfrag }),
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') this.opened();
      else if (state === 'failed') this.failed(new WebRtcError('connection-failed', 'ICE or DTLS failed', this.id));
      else if ((state === 'closed' || state === 'disconnected') && this.isOpen) this.ended();
    });
    this.onClose(() => onGone(this));
  }

  listen(transceiver: RTCRtpTransceiver): void {
    this.transceiver = transceiver;
    transceiver.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => this.deliver(rtp.serialize()));
    });
  }

  async describe(make: () => ReturnType<RTCPeerConnection['createOffer']>): Promise<void> {
    await this.pc.setLocalDescription(await make());
    const local = this.pc.localDescription;
    if (!local) throw new WebRtcError('connection-failed', 'no local description', this.id);
    this.localSdp = announced(onlyBound(local.sdp, this.options.bindAddress), this.options);
    this.ufrag = /^a=ice-ufrag:(\S+)/m.exec(local.sdp)?.[1];
  }

  async complete(answerSdp: string): Promise<void> {
    if (this.isClosed) throw new WebRtcError('session-closed', 'the session is closed', this.id);
    const remote = checkRemoteSdp(answerSdp, 'answer');
    await applyRemote(this.id, 'answer', () => this.pc.setRemoteDescription({ type: 'answer', sdp: remote.sdp }));
    this.remoteUfrag = remote.ufrag;
  }

  send(rtp: Uint8Array): void {
    const sender = this.transceiver?.sender;
    if (!this.isOpen || !sender) return;
    this.stamp(rtp);
    const buf = Buffer.from(rtp.buffer, rtp.byteOffset, rtp.byteLength);
    // RTCRtpSender.sendRtp rewrites every packet's payload type to the first codec's, which
    // would turn RFC 4733 events into noise: send those through the DTLS transport directly.
    if ((buf[1] ?? 0) & 0x7f) sendEvent(sender, buf);
    else sender.sendRtp(buf).catch(() => {});
  }

  protected release(): void {
    this.pc.close().catch(() => {});
  }
}

export class WeriftTransport extends TransportBase<WeriftSession> {
  readonly name = 'werift';

  protected create(telephoneEvent: number | undefined, onGone: (s: WeriftSession) => void): WeriftSession {
    return new WeriftSession(this.options, telephoneEvent, onGone);
  }

  protected async makeOffer(session: WeriftSession, options: OfferOptions): Promise<void> {
    session.listen(session.pc.addTransceiver('audio', { direction: 'sendrecv' }));
    await session.describe(() => session.pc.createOffer());
    // A device answering this offer starts ICE at once (our candidates are in it). As DTLS
    // client it would also send its ClientHello before we have its answer, and we would drop
    // it: the handshake would wait for its retransmission (1 s, then 2 s...). Offering `active`
    // makes the device the DTLS server: we send the first flight once we have its answer.
    if (options.candidatesInOffer) session.localSdp = session.localSdp.replaceAll('a=setup:actpass', 'a=setup:active');
  }

  protected async makeAnswer(session: WeriftSession, remote: RemoteSdp): Promise<void> {
    session.pc.onTransceiverAdded.subscribe((t) => session.listen(t));
    await applyRemote(session.id, 'offer', () => session.pc.setRemoteDescription({ type: 'offer', sdp: remote.sdp }));
    session.remoteUfrag = remote.ufrag;
    await session.describe(() => session.pc.createAnswer());
  }
}
