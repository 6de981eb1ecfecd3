/**
 * SDP as data (RFC 4566) and the result of offer/answer (RFC 3264) as the engine needs it. The
 * parser keeps what audio negotiation uses and skips the rest, so types stay small.
 *
 * @example
 * const media: NegotiatedMedia = { remote: { address: '127.0.0.1', port: 4000 }, payloadType: 0, ptime: 20, direction: 'sendrecv' };
 */
import { MediaError } from '../errors.js';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** A codec as offered: static payload types 0 (PCMU) and 8 (PCMA), or a dynamic telephone-event. */
export interface Codec {
  readonly payloadType: number;
  /** Encoding name as in rtpmap, e.g. `PCMU`, `telephone-event`. */
  readonly name: string;
  readonly clockRate: number;
  readonly fmtp?: string;
}

export interface MediaDescription {
  readonly type: string;
  readonly port: number;
  readonly protocol: string;
  readonly formats: readonly string[];
  /** Connection address of this media, or the session's. */
  readonly address?: string;
  readonly direction?: Direction;
  readonly ptime?: number;
  /** rtpmap/fmtp by payload type. */
  readonly codecs: readonly Codec[];
}

export interface SessionDescription {
  readonly origin: {
    readonly username: string;
    readonly sessionId: string;
    readonly sessionVersion: string;
    readonly address: string;
  };
  readonly sessionName: string;
  readonly address?: string;
  readonly direction?: Direction;
  readonly media: readonly MediaDescription[];
}

/**
 * What one side of a call sends and receives, from the local point of view: `direction` is ours
 * (`recvonly` when the far end holds us, `sendonly` when we hold it); `inactive` also when the
 * far end's address is 0.0.0.0 (RFC 2543 hold).
 */
export interface NegotiatedMedia {
  readonly remote: { readonly address: string; readonly port: number };
  readonly payloadType: 0 | 8;
  readonly telephoneEvent?: number;
  readonly ptime: number;
  readonly direction: Direction;
}

export interface LocalMedia {
  /** Address advertised in c= and o= (the public address behind NAT). */
  readonly address: string;
  readonly port: number;
  /** In order of preference. @default PCMU, PCMA, telephone-event/8000 as 101 */
  readonly codecs?: readonly Codec[];
  /** @default 'sendrecv' */
  readonly direction?: Direction;
  /** o= session id; keep it across re-INVITEs. @default a random number */
  readonly sessionId?: string;
  /** o= version; increment it on every new offer or answer in a dialog. @default 1 */
  readonly sessionVersion?: number;
}

/**
 * Why an offer or answer is refused (488), with the RFC 3261 §20.43 warn-code to send beside it:
 * 304 media type not available, 305 incompatible media format, 399 anything else (malformed).
 */
export type SdpRejection = { readonly reject: 488; readonly reason: string; readonly warning: 304 | 305 | 399 };

export type SdpErrorCode = 'sdp-malformed' | 'sdp-too-large';

export class SdpParseError extends MediaError<SdpErrorCode> {
  constructor(code: SdpErrorCode, message: string, where?: string) {
    super(code, message, where);
    this.name = 'SdpParseError';
  }
}

export const PCMU: Codec = { payloadType: 0, name: 'PCMU', clockRate: 8000 };
export const PCMA: Codec = { payloadType: 8, name: 'PCMA', clockRate: 8000 };
export const TELEPHONE_EVENT: Codec = { payloadType: 101, name: 'telephone-event', clockRate: 8000, fmtp: '0-16' };
export const DEFAULT_CODECS: readonly Codec[] = [PCMU, PCMA, TELEPHONE_EVENT];
