/**
 * Why a Play URL gave no audio. Each code carries what the adapter needs to record the hosted
 * service's error on the call: the URL, and the HTTP status when the server answered one.
 *
 * @example
 * if (error instanceof PlayError && error.code === 'play-http-status') error.status; // 404
 */
import { MediaError } from '../errors.js';

export type PlayErrorCode =
  /** Connection refused, reset or timed out, DNS failure (`cause` holds the system error). */
  | 'play-fetch-failed'
  /** More redirects than `maxRedirects`. */
  | 'play-too-many-redirects'
  /** The server answered outside 2xx (`status`). */
  | 'play-http-status'
  /** The body is larger than `maxBytes`, or the audio longer than `maxDurationMs`. */
  | 'play-too-large'
  /** The whole fetch took longer than `timeoutMs`. */
  | 'play-timeout'
  /** The server answered something other than audio (text/html, ...). */
  | 'play-not-audio'
  /** Audio, but not WAV or MP3 we can decode (or a malformed file). */
  | 'play-unsupported-format'
  /** Not an http(s) URL, or one the egress policy refuses (at any redirect). */
  | 'play-refused-url';

export class PlayError extends MediaError<PlayErrorCode> {
  readonly url: string;
  readonly status?: number;

  constructor(code: PlayErrorCode, message: string, url: string, options: { status?: number; cause?: unknown } = {}) {
    super(code, message, url, { cause: options.cause });
    this.name = 'PlayError';
    this.url = url;
    if (options.status !== undefined) this.status = options.status;
  }
}

/**
 * The hosted service's error code for each failure (the runtime's CALL_ERRORS table): what the
 * adapter records on the call. A new PlayErrorCode without a number here fails to compile.
 */
export const PLAY_ERROR_HOSTED_CODES: Record<PlayErrorCode, number> = {
  'play-fetch-failed': 11205,
  'play-http-status': 11200,
  'play-timeout': 11200,
  'play-too-many-redirects': 11215,
  'play-too-large': 11750,
  'play-not-audio': 12300,
  'play-unsupported-format': 12300,
  'play-refused-url': 11100,
};
