/**
 * WebRTC settings of the SIP media adapter, and how its ports are found: WebRTC gets its own
 * UDP range (one port per device leg) so its sockets never race the engine's RTP ports for the
 * same numbers; unless told otherwise, the top quarter of `rtpPorts`.
 *
 * @example
 * splitPorts([10000, 19999], undefined); // { rtp: [10000, 17499], webrtc: [17500, 19999] }
 */
import { isIP } from 'node:net';
import { createWebRtcTransport, type WebRtcDriver } from '../webrtc/index.js';
import type { IceServer, WebRtcTransport } from '../webrtc/transport.js';

export interface WebRtcMediaOptions {
  /** UDP ports for WebRTC (ICE). @default the top quarter of `rtpPorts` */
  readonly ports?: readonly [number, number];
  /** Address ICE binds to and offers. @default the SIP listen address */
  readonly bindAddress?: string;
  /**
   * The address put in host candidates, behind a 1:1 NAT (`--webrtc-address`).
   * @default the SIP `publicAddress` when that is an IP address, else the bind address
   */
  readonly publicAddress?: string;
  /** STUN/TURN for the server's own candidates (devices get theirs from the app). */
  readonly iceServers?: readonly IceServer[];
  /** A device leg whose ICE and DTLS do not complete in this time hangs up. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** ICE restarts one device leg may make in a minute (`renegotiation-limit` past it). @default 5 */
  readonly renegotiationsPerMinute?: number;
  /** @default 'node-datachannel' */
  readonly driver?: WebRtcDriver;
}

export function splitPorts(
  rtpPorts: readonly [number, number],
  webrtc: WebRtcMediaOptions | false | undefined,
): { rtp: [number, number]; webrtc?: [number, number] } {
  const [lo, hi] = rtpPorts;
  if (webrtc === false) return { rtp: [lo, hi] };
  if (webrtc?.ports) return { rtp: [lo, hi], webrtc: [webrtc.ports[0], webrtc.ports[1]] };
  const span = hi - lo + 1;
  if (span < 16) return { rtp: [lo, hi] };
  const split = hi - Math.floor(span / 4) + 1;
  return { rtp: [lo, split - 1], webrtc: [split, hi] };
}

/** The adapter's transport for device legs, or none when WebRTC is off (or has no ports). */
export function webRtcTransport(
  options: WebRtcMediaOptions | false | undefined,
  bindAddress: string,
  ports: readonly [number, number] | undefined,
  sipPublicAddress?: string,
): WebRtcTransport | undefined {
  if (options === false || !ports) return undefined;
  const publicAddress =
    options?.publicAddress ?? (sipPublicAddress && isIP(sipPublicAddress) ? sipPublicAddress : undefined);
  return createWebRtcTransport({
    bindAddress: options?.bindAddress ?? bindAddress,
    ...(publicAddress ? { publicAddress } : {}),
    portRange: ports,
    ...(options?.iceServers ? { iceServers: options.iceServers } : {}),
    ...(options?.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options?.driver ? { driver: options.driver } : {}),
  });
}
