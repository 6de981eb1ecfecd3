/**
 * The last steps to the wire format: channels averaged to one, floats (−1..1) to signed 16-bit
 * with clipping (a resampled full-scale square overshoots; wrapping would crackle).
 *
 * @example
 * const wire = toInt16(toMono(decoded.pcm));
 */

/** The rate of everything between the parts of @patchbay/media. */
export const PHONE_RATE = 8000;

export function toMono(channels: Float32Array[]): Float32Array {
  const first = channels[0];
  if (!first) return new Float32Array(0);
  if (channels.length === 1) return first;
  const length = Math.min(...channels.map((channel) => channel.length));
  const out = new Float32Array(length);
  const scale = 1 / channels.length;
  for (const channel of channels) {
    for (let i = 0; i < length; i++) out[i] = (out[i] as number) + (channel[i] as number) * scale;
  }
  return out;
}

export function toInt16(pcm: Float32Array): Int16Array {
  const out = new Int16Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) {
    const scaled = Math.round((pcm[i] as number) * 32768);
    out[i] = Math.max(-32768, Math.min(32767, scaled)); // NaN stores as 0
  }
  return out;
}

/** Int16 samples back to floats (−1..1), for analysis and mixing in float. */
export function toFloat(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] as number) / 32768;
  return out;
}
