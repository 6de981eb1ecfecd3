/**
 * Typed SIP errors. A malformed message is a `SipParseError` (the agent answers 400 when it can
 * and keeps serving); everything else the signaling layer reports is a `SipError`.
 *
 * @example
 * try { parseMessage(bytes) } catch (e) { if (e instanceof SipParseError) log(e.code, e.where) }
 */
import { MediaError } from '../errors.js';
import type { SipRequest } from './message.js';

export type SipParseCode =
  | 'sip-too-large'
  | 'sip-bad-start-line'
  | 'sip-bad-header'
  | 'sip-missing-header'
  | 'sip-bad-content-length'
  | 'sip-bad-uri';

export class SipParseError extends MediaError<SipParseCode> {
  constructor(
    code: SipParseCode,
    message: string,
    where: string,
    /** The request as far as it parsed, when enough is there to answer it (400). */
    readonly partial?: SipRequest,
  ) {
    super(code, message, where);
    this.name = 'SipParseError';
  }
}

export type SipErrorCode =
  | 'sip-transport'
  | 'sip-timeout'
  | 'sip-dialog'
  | 'sip-glare'
  | 'sip-rejected'
  | 'sip-closed'
  | 'sip-bad-target'
  /** DNS found no server for a target (RFC 3263: no NAPTR, SRV or address records answered). */
  | 'sip-no-server';

export class SipError extends MediaError<SipErrorCode> {
  constructor(code: SipErrorCode, message: string, where?: string, options?: { cause?: unknown; status?: number }) {
    super(code, message, where, options);
    this.name = 'SipError';
    this.status = options?.status;
  }
  /** The SIP status that caused it, when one did. */
  readonly status: number | undefined;
}
