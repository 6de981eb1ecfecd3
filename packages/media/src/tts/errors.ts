/**
 * Why Say produced no audio. The adapter records the hosted service's code on the call
 * (TTS_ERROR_HOSTED_CODES below).
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

/**
 * The hosted service's error code for each failure: 13227 (media failure) when the engine cannot
 * speak, 13520 (Say: invalid text) for text over the limit. A new TtsErrorCode without a number
 * here fails to compile.
 */
export const TTS_ERROR_HOSTED_CODES: Record<TtsErrorCode, number> = {
  'tts-unavailable': 13227,
  'tts-failed': 13227,
  'tts-timeout': 13227,
  'tts-text-too-long': 13520,
};
