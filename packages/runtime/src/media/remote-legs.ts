/**
 * The legs whose party is not a phone the adapter dialed or answered: a client device (its
 * signaling over the device bridge, its media through the adapter) and either end of a media path
 * between two nodes of a cluster (frames over the bus, or RTP between media engines).
 */
import type { MediaLeg } from './types.js';

/**
 * A client device's side of a call. Its signaling (accept, keys, mute, hang-up) reaches the
 * runtime over the device bridge; the adapter carries its media. The simulated network takes the
 * device's keys and mute from signaling; a WebRTC leg (a request with `sdp`) carries real audio
 * and hears keys as RFC 4733 in its RTP, so keys sent over signaling as well are not heard twice.
 */
export interface DeviceLeg extends MediaLeg {
  /**
   * Patchbay's SDP for the device: the answer to the device's offer, or the offer the device is
   * to answer (`sdp: 'offer'`). Rejects with a `MediaProblem` when the device's SDP cannot carry a
   * call. Absent on a leg without real media (no `sdp` in the request, the simulated network).
   */
  localSdp?(): Promise<string>;
  /** Completes a leg that offered (`sdp: 'offer'`) with the device's answer. */
  completeSdp?(answer: string): Promise<void>;
  /**
   * The device's new offer after its network changed (an ICE restart): Patchbay's answer. The
   * call goes on on the same media leg (bridges, conferences, recordings continue); rejects with
   * a typed error (an SDP that cannot carry the call, too many renegotiations) and the call keeps
   * the media path it has. Absent where the leg has no WebRTC.
   */
  renegotiate?(offer: string): Promise<string>;
  /** Keys the device sent over signaling (a WebRTC leg with RFC 4733 ignores them: its RTP carries them). */
  press(digits: string): void;
  /** The device muted or unmuted its microphone: the other side hears it or silence. */
  setMuted(muted: boolean): void;
  /** The device hung up. */
  remoteHangup(): void;
}

export interface DeviceLegRequest {
  readonly identity: string;
  readonly callSid: string;
  /**
   * WebRTC: the device's SDP offer (a call the device places: the adapter answers), or `'offer'`
   * to have the adapter offer (a call to the device: its invitation carries the offer and the
   * device answers on accept, `completeSdp`). Absent: the device has no real media (simulated).
   */
  readonly sdp?: string;
  /**
   * With `sdp: 'offer'`: the offer carries the server's ICE candidates, for a device that answers
   * without candidates and never trickles (the hosted browser SDK). @default false
   */
  readonly candidatesInOffer?: boolean;
  /** The runtime answered the leg (an outgoing device call's app started). */
  onAnswered(): void;
  /** The leg ended, whichever side hung up. */
  onEnded(): void;
}

/**
 * One end of a media path between two nodes of a cluster (a participant on node B in a
 * conference on node P): what the runtime plays or mixes into this leg goes out as frames
 * (`send`), and frames from the other end are played as what this leg's party does. The two
 * ends are joined over the bus (cluster/conference-trunk.ts); each node bridges or mixes its
 * end locally.
 */
export interface TrunkLeg extends MediaLeg {
  /** A frame the other end sent: played into this node as the remote party's media. */
  deliver(frame: unknown): void;
  /** The other end is gone: the leg hangs up as a party would (`hangup` event). */
  remoteHangup(): void;
}

export interface TrunkLegRequest {
  /** Who the remote end is, for transcripts and logs (`trunk:<node>/<call>`). */
  readonly address: string;
  /** Sends a frame to the other end. */
  readonly send: (frame: unknown) => void;
}

/** Where one end of an RTP trunk receives: an engine's advertised address and the end's port. */
export interface RtpEndpoint {
  readonly address: string;
  readonly port: number;
}

/**
 * One end of an RTP path between two nodes' media engines (`MediaAdapter.openTrunk`): each node
 * opens its end, the ends exchange their endpoints over the bus, and audio (PCMU) and keys
 * (RFC 4733) then flow engine to engine, never through the bus.
 */
export interface RtpTrunk extends RtpEndpoint {
  /** This node's end as a leg: bridged to the caller, or a participant of the room. */
  readonly leg: MediaLeg;
  /** Sends this end's RTP to the other end (until then it only listens). */
  connect(remote: RtpEndpoint): void;
  /** The other end is gone (told over the bus): the leg hangs up as a party would (`hangup` event). */
  remoteHangup(): void;
}
