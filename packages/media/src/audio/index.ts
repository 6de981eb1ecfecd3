/** Audio as pure functions: WAV in and out, MP3 in, resampling, mono and Int16 conversion, measurement. */
export { decodeToPhone } from './decode.js';
export { type AudioFormatCode, AudioFormatError } from './errors.js';
export { ALAW_TO_LINEAR, MULAW_TO_LINEAR } from './g711.js';
export { goertzel, goertzelDb, rms, rmsDb } from './goertzel.js';
export { ByteLru } from './lru.js';
export { decodeMp3ToPhone } from './mp3.js';
export { PHONE_RATE, toFloat, toInt16, toMono } from './pcm.js';
export { DEFAULT_MAX_SAMPLES, type PhoneOptions, PhoneSink, pcmToPhone, yieldToEventLoop } from './phone-sink.js';
export { Resampler, resample } from './resample.js';
export { SingleFlight } from './single-flight.js';
export { Slots } from './slots.js';
export { type AudioContainer, sniffAudio } from './sniff.js';
export { type DecodedAudio, decodeWav } from './wav-decode.js';
export { encodeWav } from './wav-encode.js';
