/**
 * Typed errors of the RTP layer: every malformed, truncated or oversize packet becomes an
 * `RtpParseError`, so a receiving socket can count and drop it without ever crashing.
 *
 * @example
 * try { parseRtp(buf) } catch (e) { if (e instanceof RtpParseError) stats.malformed++ }
 */
import { MediaError } from '../errors.js';

export type RtpErrorCode = 'rtp-malformed' | 'rtp-oversize' | 'rtcp-malformed' | 'dtmf-malformed';

export class RtpParseError extends MediaError<RtpErrorCode> {
  constructor(code: RtpErrorCode, message: string, where?: string) {
    super(code, message, where);
    this.name = 'RtpParseError';
  }
}
