/**
 * The text-to-speech provider interface Say runs on: a provider turns text (which may hold the
 * SSML elements Say keeps: break, prosody, say-as, emphasis, sub, p, s, ...) into 8 kHz mono
 * Int16 audio. Drivers: EspeakTts (a separate espeak-ng process), CachedTts (a cache around any).
 *
 * @example
 * const tts: TextToSpeech = new CachedTts(new EspeakTts());
 * if ((await tts.check()).ok) await tts.synthesize('Hello', { voice: 'woman', language: 'en-US' }, signal);
 */
export interface SayVoice {
  /** Say's `voice`: man, woman, alice, Polly.Joanna, Google.en-US-Standard-C, ... */
  readonly voice: string;
  /** Say's `language`, a BCP 47 tag such as en-US. */
  readonly language: string;
}

export type TtsCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface TextToSpeech {
  readonly name: string;
  /** Whether the engine can speak now (for a warning at start), without speaking. */
  check(): Promise<TtsCheck>;
  /** Speech for `text` at 8 kHz; rejects with TtsError, or with `signal.reason` when aborted. */
  synthesize(text: string, voice: SayVoice, signal: AbortSignal): Promise<Int16Array>;
}
