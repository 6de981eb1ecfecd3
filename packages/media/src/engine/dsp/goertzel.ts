/**
 * The Goertzel algorithm: the amplitude of one frequency in a block of samples, in sample units
 * (a full-scale sine at that frequency gives about 32767). Cheaper than an FFT when a handful of
 * frequencies matter (DTMF's eight, a test's tone).
 *
 * @example
 * goertzel(frame, 440) // ≈ 8000 for an 8000-amplitude 440 Hz tone
 */
export const SAMPLE_RATE = 8000;
export const FRAME_SAMPLES = 160;

export function goertzel(samples: Int16Array, frequency: number, offset = 0, count = samples.length - offset): number {
  if (count <= 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * frequency) / SAMPLE_RATE);
  let s1 = 0;
  let s2 = 0;
  for (let i = offset, end = offset + count; i < end; i++) {
    const s0 = (samples[i] as number) + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / count;
}

/** Root mean square of a block, in sample units. */
export function rms(samples: Int16Array, offset = 0, count = samples.length - offset): number {
  if (count <= 0) return 0;
  let sum = 0;
  for (let i = offset, end = offset + count; i < end; i++) {
    const s = samples[i] as number;
    sum += s * s;
  }
  return Math.sqrt(sum / count);
}
