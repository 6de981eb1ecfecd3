/**
 * Why Say produced no audio. The adapter records the hosted service's code on the call (the
 * engine missing or failing is 13520-ish "Say: invalid text/engine" territory; see the report).
 *
 * @example
 * if (error instanceof TtsError && error.code === 'tts-unavailable') warnOnce(error.message);
 */
import { MediaError } from '../errors.js';

export type TtsErrorCode =
  /** The engine is not installed or cannot be started. */
  | 'tts-unavailable'
  /** The engine ran and failed (bad voice, crash, output that is not audio or too much of it). */
  | 'tts-failed'
  /** The engine took longer than `timeoutMs`. */
  | 'tts-timeout'
  /** The text is longer than `maxTextLength`. */
  | 'tts-text-too-long';

export class TtsError extends MediaError<TtsErrorCode> {
  constructor(code: TtsErrorCode, message: string, where?: string, options?: { cause?: unknown }) {
    super(code, message, where, options);
    this.name = 'TtsError';
  }
}
