/**
 * Why a piece of audio could not be read: every malformed, truncated or unsupported file ends in
 * one of these, never in a RangeError from a DataView.
 *
 * @example
 * try { decodeWav(bytes) } catch (error) { if (error instanceof AudioFormatError) error.code; }
 */
import { MediaError } from '../errors.js';

export type AudioFormatCode =
  /** Not a file of the format asked for (no RIFF/WAVE header, no MPEG frames). */
  | 'audio-malformed'
  /** The file ends inside a header or a chunk it announced. */
  | 'audio-truncated'
  /** A well-formed file in an encoding we do not decode (ADPCM, 12-bit, RF64, ...). */
  | 'audio-unsupported'
  /** A file with no samples. */
  | 'audio-empty'
  /** More audio than the caller allows. */
  | 'audio-too-long';

export class AudioFormatError extends MediaError<AudioFormatCode> {
  constructor(code: AudioFormatCode, message: string, where?: string, options?: { cause?: unknown }) {
    super(code, message, where, options);
    this.name = 'AudioFormatError';
  }
}
