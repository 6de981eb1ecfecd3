/**
 * Typed errors of WebRTC legs: a device's SDP that cannot carry a call (malformed, too large, not
 * DTLS-SRTP, no PCMU), ICE or DTLS that never completes within the bound, a session used after it
 * closed, renegotiations (ICE restarts) beyond the rate a leg allows, options out of range.
 *
 * @example
 * try { await transport.answer(offer) } catch (e) { if (e instanceof WebRtcError && e.code === 'sdp-malformed') ... }
 */
import { MediaError } from '../errors.js';

export type WebRtcErrorCode =
  | 'sdp-malformed'
  | 'sdp-too-large'
  | 'no-common-codec'
  | 'ice-timeout'
  | 'connection-failed'
  | 'session-closed'
  | 'renegotiation-limit'
  | 'invalid-options';

export class WebRtcError extends MediaError<WebRtcErrorCode> {
  constructor(code: WebRtcErrorCode, message: string, where?: string, options?: { cause?: unknown }) {
    super(code, message, where, options);
    this.name = 'WebRtcError';
  }
}
