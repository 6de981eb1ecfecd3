/**
 * Tone and energy measurements for tests and checks: the Goertzel algorithm gives the level of
 * one frequency without a whole FFT, RMS the level of everything. Levels are in dBFS (a
 * full-scale sine reads 0 dB by Goertzel and −3 dB by RMS).
 *
 * @example
 * goertzelDb(samples, 8000, 440) > -20; // a 440 Hz tone is there
 */
type Samples = Int16Array | Float32Array;

function scaleOf(samples: Samples): number {
  return samples instanceof Int16Array ? 32768 : 1;
}

/** The amplitude (0..1 of full scale) of `frequency` in `samples`, Hann-windowed. */
export function goertzel(samples: Samples, sampleRate: number, frequency: number): number {
  const n = samples.length;
  if (n === 0) return 0;
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  const scale = scaleOf(samples);
  let previous = 0;
  let before = 0;
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const window = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    windowSum += window;
    const current = ((samples[i] as number) / scale) * window + coefficient * previous - before;
    before = previous;
    previous = current;
  }
  const power = previous * previous + before * before - coefficient * previous * before;
  return (2 * Math.sqrt(Math.max(0, power))) / windowSum;
}

/** `goertzel` in dB relative to full scale (−Infinity for silence). */
export function goertzelDb(samples: Samples, sampleRate: number, frequency: number): number {
  return 20 * Math.log10(goertzel(samples, sampleRate, frequency));
}

/** Root mean square level, 0..1 of full scale. */
export function rms(samples: Samples): number {
  if (samples.length === 0) return 0;
  const scale = scaleOf(samples);
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const value = (samples[i] as number) / scale;
    sum += value * value;
  }
  return Math.sqrt(sum / samples.length);
}

/** `rms` in dBFS. */
export function rmsDb(samples: Samples): number {
  return 20 * Math.log10(rms(samples));
}
