/**
 * `WebRtcTransport`: what terminates a device's WebRTC (ICE, DTLS-SRTP) and hands Patchbay plain
 * RTP. Two drivers implement it in-process (`datachannel.ts` on node-datachannel, the default;
 * `werift.ts`, pure TypeScript); an external gateway (rtpengine) could implement the same few
 * methods. Both offer directions: `offer()` when Patchbay calls a device (its invitation carries
 * the server's SDP and the device answers on accept), `answer(sdp)` when the device calls out with
 * its own offer. Codecs are PCMU with telephone-event/8000 (RFC 4733 from RTCDTMFSender).
 *
 * @example
 * const transport = await createWebRtcTransport({ bindAddress: '127.0.0.1', portRange: [43000, 43999] });
 * const session = await transport.offer();            // send session.localSdp to the device
 * await session.complete(answerFromDevice);
 * await session.connected;                            // rejects with WebRtcError 'ice-timeout'
 * session.onRtp((rtp) => ...); session.send(rtp);
 */

export interface IceServer {
  /** `stun:host:port` or `turn:host:port?transport=udp`. */
  readonly urls: string;
  readonly username?: string;
  readonly credential?: string;
}

export interface WebRtcTransportOptions {
  /** Address the ICE sockets bind to and advertise as host candidates. */
  readonly bindAddress: string;
  /**
   * The address put in Patchbay's host candidates instead of `bindAddress`: a public address
   * that a 1:1 NAT forwards to it (bind `0.0.0.0` or the private address). @default bindAddress
   */
  readonly publicAddress?: string;
  /** Inclusive UDP port range for ICE sockets (one port per session). */
  readonly portRange: readonly [number, number];
  /** STUN/TURN servers for the server's own candidates. @default none */
  readonly iceServers?: readonly IceServer[];
  /** A session whose ICE and DTLS do not complete in this time fails with `ice-timeout`. @default 10000 */
  readonly connectTimeoutMs?: number;
}

export interface WebRtcSession {
  readonly id: string;
  /** Patchbay's description: the offer from `offer()` or the answer from `answer()`, with candidates. */
  readonly localSdp: string;
  /** Payload type of telephone-event/8000 on this session, when negotiated. */
  readonly telephoneEvent: number | undefined;
  /** Resolves when media can flow; rejects with `ice-timeout`, `connection-failed` or `session-closed`. */
  readonly connected: Promise<void>;
  /** Completes an `offer()` with the device's answer (typed `WebRtcError` when it is unusable). */
  complete(answerSdp: string): Promise<void>;
  /** Sends one plain RTP packet (encrypted on the way); dropped until connected. */
  send(rtp: Uint8Array): void;
  /** Each plain RTP packet from the device, decrypted. */
  onRtp(listener: (rtp: Uint8Array) => void): void;
  /** Called once when the session ends after connecting (the device went away, or `close()`). */
  onClose(listener: () => void): void;
  /** Frees the socket and the stack's state. Idempotent. */
  close(): void;
}

/** How Patchbay offers to one device. */
export interface OfferOptions {
  /**
   * Put the server's candidates in the offer, for devices that answer without candidates of
   * their own and never trickle (the hosted browser SDK): the device then starts its checks
   * towards us before its answer reaches us, and the session accepts those early checks.
   * Without it node-datachannel's offer carries none and the device's answer must carry its
   * candidates (werift's offers always carry them). The default transport makes such offers on
   * werift (early-offers.ts says why).
   * @default false
   */
  readonly candidatesInOffer?: boolean;
}

export interface WebRtcTransport {
  readonly name: string;
  /** The address Patchbay's candidates name (`publicAddress`, else the bind address). */
  readonly address: string;
  /** Sessions open now (each holds one UDP port until closed). */
  readonly sessions: number;
  /** Patchbay offers: for calls to a device. */
  offer(options?: OfferOptions): Promise<WebRtcSession>;
  /** The device offered: for calls from a device. */
  answer(offerSdp: string): Promise<WebRtcSession>;
  /** Closes every session. */
  close(): Promise<void>;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** telephone-event payload type when Patchbay offers. */
export const OFFER_TELEPHONE_EVENT = 101;
