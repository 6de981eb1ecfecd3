/**
 * Say and Play as audio: text through the text-to-speech engine, URLs through the audio fetcher,
 * both to 8 kHz PCM. What cannot be rendered becomes a `MediaProblem` with the hosted service's
 * code, which the verb records as a warning on the call before it goes on: never silence
 * without a reason on the call.
 *
 * @example
 * const prompts = new Prompts({ tts: new CachedTts(new EspeakTts()), fetcher: new AudioFetcher() });
 * await leg.play(await prompts.speech('Hello', { voice: 'alice', language: 'en-US' }, signal), signal);
 */

import type { DocumentedCode } from '@patchbay/runtime';
import { MediaProblem } from '@patchbay/runtime';
import { type AudioFetcher, PLAY_ERROR_HOSTED_CODES, PlayError } from '../play/index.js';
import type { TextToSpeech } from '../tts/index.js';
import { beepTone, holdMusic } from './hold-music.js';

/** What queues and waiting conferences play (the runtime's HOLD_MUSIC). */
const HOLD_MUSIC = 'patchbay:hold-music';
/** What conferences play on entry and exit. */
const BEEP = 'patchbay:beep';

export class Prompts {
  constructor(private readonly parts: { readonly tts?: TextToSpeech | undefined; readonly fetcher: AudioFetcher }) {}

  /** Whether text can be spoken at all (an engine was found at start). */
  get speaks(): boolean {
    return this.parts.tts !== undefined;
  }

  async speech(text: string, voice: { voice: string; language: string }, signal: AbortSignal): Promise<Int16Array> {
    const { tts } = this.parts;
    if (!tts)
      throw new MediaProblem(13520, 'Say: no text-to-speech engine is installed on this server (install espeak-ng)');
    try {
      return await tts.synthesize(text, voice, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new MediaProblem(13520, `Say: the text could not be spoken (${describe(error)})`, { cause: error });
    }
  }

  async audio(url: string, signal: AbortSignal): Promise<Int16Array> {
    if (url === HOLD_MUSIC) return holdMusic();
    if (url === BEEP) return beepTone();
    try {
      return await this.parts.fetcher.fetch(url, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const code = error instanceof PlayError ? (PLAY_ERROR_HOSTED_CODES[error.code] as DocumentedCode) : 11200;
      throw new MediaProblem(code, `Play: ${describe(error)}`, { cause: error });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
