/**
 * Any supported file (WAV or MP3, told apart by its bytes) to the wire format: 8 kHz mono
 * signed 16-bit. What Play hands to a leg.
 *
 * @example
 * const samples = await decodeToPhone(bytes); // Int16Array at 8 kHz
 */
import { AudioFormatError } from './errors.js';
import { decodeMp3ToPhone } from './mp3.js';
import { PHONE_RATE, toInt16, toMono } from './pcm.js';
import { resample } from './resample.js';
import { sniffAudio } from './sniff.js';
import { decodeWav } from './wav-decode.js';

/** Ten minutes at 8 kHz. */
export const DEFAULT_MAX_SAMPLES = PHONE_RATE * 600;

export async function decodeToPhone(bytes: Uint8Array, options: { maxSamples?: number } = {}): Promise<Int16Array> {
  const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
  const container = sniffAudio(bytes);
  if (container === 'mp3') return decodeMp3ToPhone(bytes, { maxSamples });
  if (container !== 'wav') throw new AudioFormatError('audio-unsupported', 'neither WAV nor MP3', 'decodeToPhone');
  const decoded = decodeWav(bytes);
  const expected = Math.ceil((decoded.pcm[0]?.length ?? 0) * (PHONE_RATE / decoded.sampleRate));
  if (expected > maxSamples)
    throw new AudioFormatError('audio-too-long', `more than ${maxSamples / PHONE_RATE} s of audio`, 'wav');
  return toInt16(resample(toMono(decoded.pcm), decoded.sampleRate, PHONE_RATE));
}
