/**
 * Writes 16-bit PCM WAV: one channel, or two interleaved (Record's `-dual` recordings, caller on
 * the left). The 44-byte canonical header, which every player and the hosted API's clients read.
 *
 * @example
 * const file = encodeWav([samples], 8000);
 */
import { AudioFormatError } from './errors.js';

export function encodeWav(channels: Int16Array[], sampleRate: number): Uint8Array {
  const count = channels.length;
  const first = channels[0];
  if (!first || count > 2) throw new AudioFormatError('audio-unsupported', `${count} channels (1 or 2)`, 'encodeWav');
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 768_000)
    throw new AudioFormatError('audio-unsupported', `sample rate ${sampleRate}`, 'encodeWav');
  const frames = first.length;
  if (channels.some((channel) => channel.length !== frames))
    throw new AudioFormatError('audio-malformed', 'channels of different lengths', 'encodeWav');
  const dataBytes = frames * count * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const tag = (at: number, text: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = text.charCodeAt(i);
  };
  tag(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, count, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * count * 2, true);
  view.setUint16(32, count * 2, true);
  view.setUint16(34, 16, true);
  tag(36, 'data');
  view.setUint32(40, dataBytes, true);
  let at = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < count; c++, at += 2) view.setInt16(at, (channels[c] as Int16Array)[i] as number, true);
  }
  return out;
}
