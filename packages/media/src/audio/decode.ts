/**
 * Any supported file (WAV or MP3, told apart by its bytes) to the wire format: 8 kHz mono
 * signed 16-bit. What Play hands to a leg.
 *
 * @example
 * const samples = await decodeToPhone(bytes, { signal }); // Int16Array at 8 kHz
 */
import { AudioFormatError } from './errors.js';
import { decodeMp3ToPhone } from './mp3.js';
import { toMono } from './pcm.js';
import { type PhoneOptions, pcmToPhone } from './phone-sink.js';
import { sniffAudio } from './sniff.js';
import { decodeWav } from './wav-decode.js';

export async function decodeToPhone(bytes: Uint8Array, options: PhoneOptions = {}): Promise<Int16Array> {
  const container = sniffAudio(bytes);
  if (container === 'mp3') return decodeMp3ToPhone(bytes, options);
  if (container !== 'wav') throw new AudioFormatError('audio-unsupported', 'neither WAV nor MP3', 'decodeToPhone');
  const decoded = decodeWav(bytes);
  return pcmToPhone(toMono(decoded.pcm), decoded.sampleRate, options);
}
