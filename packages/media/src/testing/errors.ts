/**
 * Errors of the test peers and ears: a malformed recording, a phone or sipp that would not start,
 * a wait that timed out. Typed so a failing test says which peer failed and how, never a crash.
 *
 * @example
 * try { await phone.waitFor('established', 2000) } catch (e) { if (e instanceof PeerError && e.code === 'PEER_TIMEOUT') ... }
 */
import { MediaError } from '../errors.js';

export type WavErrorCode = 'WAV_MALFORMED' | 'WAV_UNSUPPORTED' | 'WAV_TOO_LARGE';

/** A WAV file that is not RIFF/WAVE 16-bit PCM, is truncated, or is larger than the bound. */
export class WavError extends MediaError<WavErrorCode> {
  constructor(code: WavErrorCode, message: string, where?: string) {
    super(code, message, where);
    this.name = 'WavError';
  }
}

export type PeerErrorCode =
  | 'PEER_MISSING' // the program (baresip, sipp) is not installed
  | 'PEER_START' // it did not start or exited early
  | 'PEER_TIMEOUT' // an awaited event did not come in time
  | 'PEER_COMMAND' // a command was refused or the control connection broke
  | 'PEER_CLOSED'; // used after close()

/** A test peer (baresip phone, sipp) that failed; `where` names the peer (its URI or address). */
export class PeerError extends MediaError<PeerErrorCode> {
  constructor(code: PeerErrorCode, message: string, where?: string, options?: { cause?: unknown }) {
    super(code, message, where, options);
    this.name = 'PeerError';
  }
}
