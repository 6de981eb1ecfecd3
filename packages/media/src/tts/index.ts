/** Say: the TextToSpeech interface, the espeak-ng driver, the cache, and SSML for espeak-ng. */
export { CachedTts, type CachedTtsOptions } from './cached.js';
export { TTS_ERROR_HOSTED_CODES, TtsError, type TtsErrorCode } from './errors.js';
export { type EspeakOptions, EspeakTts } from './espeak.js';
export { type SsmlContent, type SsmlContentNode, ssmlFromContent, toEspeakSsml } from './ssml.js';
export type { SayVoice, TextToSpeech, TtsCheck } from './types.js';
export { type EspeakVoice, espeakVoice } from './voices.js';
