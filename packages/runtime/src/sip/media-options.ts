/**
 * The server's media settings, as `patchbay serve` collects them from its flags: the simulated
 * network (the default), or real SIP and RTP, with where SIP listens, the RTP port range, which
 * sources may call in without digest, the address to advertise behind NAT, and trunks to carriers
 * named on the command line. Plain data: the media package reads it; nothing here opens a socket.
 */

export type SipTransport = 'udp' | 'tcp';

/** An address and port SIP listens on. */
export interface SipListenAddress {
  /** An IPv4 address, or an IPv6 one without brackets. */
  readonly host: string;
  readonly port: number;
}

export interface SipListen extends SipListenAddress {
  readonly transports: readonly SipTransport[];
}

export interface SipTls {
  readonly listen: readonly SipListenAddress[];
  /** Paths of PEM files. */
  readonly certFile: string;
  readonly keyFile: string;
}

/** A carrier trunk named on the command line (`--sip-trunk name=sip:...`). */
export interface SipTrunkOption {
  readonly name: string;
  readonly uri: string;
  /** What to answer the carrier's digest challenges with. */
  readonly credentials?: { readonly username: string; readonly password: string };
  /** Register to the trunk with `credentials` (`--sip-trunk-register`), kept fresh while the server runs. */
  readonly register?: boolean;
}

export interface SipMediaOptions {
  /** @default [{ host: '0.0.0.0', port: 5060, transports: ['udp', 'tcp'] }] */
  readonly listen: readonly SipListen[];
  readonly tls?: SipTls;
  /** Both inclusive. @default { min: 10000, max: 20000 } */
  readonly rtpPorts: { readonly min: number; readonly max: number };
  /** Sources whose INVITEs need no digest (`--sip-allow`). @default none */
  readonly allow: readonly { readonly address: string; readonly prefix: number }[];
  /** The address or host name put in SDP and Contact headers. @default the listening address */
  readonly publicAddress?: string;
  readonly trunks: readonly SipTrunkOption[];
  /** A call whose far end sends no RTP for this long is hung up (it vanished without a BYE); 0 off. @default 30000 */
  readonly rtpTimeoutMs?: number;
  /** SIP requests per second one source address may send: past it 503 + Retry-After, past twice dropped; 0 off. @default 50 */
  readonly requestsPerSecondPerSource?: number;
  /**
   * WebRTC for client devices (docs/webrtc.md): its UDP ports (@default the top quarter of
   * `rtpPorts`), how long a device has to complete ICE and DTLS (@default 10000 ms), STUN/TURN
   * for the server's own candidates, the driver (@default 'node-datachannel'), the address put
   * in its candidates behind NAT (@default `publicAddress` when an IP address); `false` turns
   * device audio off.
   */
  readonly webrtc?:
    | false
    | {
        readonly ports?: { readonly min: number; readonly max: number };
        readonly connectTimeoutMs?: number;
        readonly driver?: 'node-datachannel' | 'werift';
        readonly address?: string;
        readonly iceServers?: readonly {
          readonly urls: string;
          readonly username?: string;
          readonly credential?: string;
        }[];
      };
}

export type MediaOptions = { readonly kind: 'simulated' } | ({ readonly kind: 'sip' } & SipMediaOptions);

export const DEFAULT_SIP_LISTEN: SipListen = { host: '0.0.0.0', port: 5060, transports: ['udp', 'tcp'] };
export const DEFAULT_RTP_PORTS = { min: 10_000, max: 20_000 } as const;
