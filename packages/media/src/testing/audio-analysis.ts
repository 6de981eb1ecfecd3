/**
 * The ears of the media tests: what a party heard, measured from its recording. Each phone sends
 * a tone of its own frequency, so "A hears B and not itself" is a question about frequencies
 * (Goertzel: one DFT bin at exactly the frequency asked for); digits are in-band DTMF pairs;
 * speech is energy in the voice band. Pure functions on 16-bit PCM; power is the mean square in
 * full-scale units (a full-scale sine has power 0.5).
 *
 * @example
 * const pcm = await phoneA.heard();
 * expect(hearsTone(pcm, 900)).toBe(true);   // B's tone
 * expect(hearsTone(pcm, 600)).toBe(false);  // not its own
 * expect(detectDtmf(pcm)).toBe('123');
 */
export { readWav, toneWav } from './wav.js';

const FULL_SCALE = 32768;

/** Power floor below which a window counts as silence: -50 dBFS. */
const TONE_FLOOR = 1e-5;
/** Voice-band activity threshold: -45 dBFS RMS after the 300 Hz high-pass. */
const SPEECH_FLOOR_DB = -45;
/** What speechEnergy reports as rmsDb when nothing was active. */
export const SILENCE_DB = -100;

/** Power (mean square) of the component at `frequency` in pcm[start, start + n), optionally windowed. */
function goertzel(
  pcm: Int16Array,
  start: number,
  n: number,
  coeff: number,
  window?: Float64Array,
  windowSum = n,
): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = ((pcm[start + i] ?? 0) / FULL_SCALE) * (window ? (window[i] ?? 0) : 1);
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const magnitude2 = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * magnitude2) / (windowSum * windowSum);
}

/** Mean square of pcm[start, start + n), weighted like the Goertzel window so the two compare. */
function power(pcm: Int16Array, start: number, n: number, window?: Float64Array, windowSquares = n): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = ((pcm[start + i] ?? 0) / FULL_SCALE) * (window ? (window[i] ?? 0) : 1);
    sum += x * x;
  }
  return n === 0 ? 0 : sum / windowSquares;
}

const coefficient = (frequency: number, sampleRate: number) => 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);

/** A Hann window with its sum and sum of squares (for normalizing). */
function hann(n: number): { window: Float64Array; sum: number; squares: number } {
  const window = new Float64Array(n);
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / Math.max(1, n - 1));
    window[i] = w;
    sum += w;
    squares += w * w;
  }
  return { window, sum, squares };
}

/**
 * Power of the component at `frequency` over the whole of pcm (a full-scale sine at that exact
 * frequency gives 0.5). No window: for long signals the bin is narrow (sampleRate / length).
 */
export function goertzelPower(pcm: Int16Array, frequency: number, sampleRate = 8000): number {
  return goertzel(pcm, 0, pcm.length, coefficient(frequency, sampleRate));
}

/**
 * The share of the signal's power at each frequency (0..1), over Hann windows of `windowMs`
 * (@default 50, a bin about 40 Hz wide, tolerant of small frequency error). A clean tone gives
 * about 1 at its frequency; two equal tones about 0.5 each; silence 0 everywhere.
 */
export function toneLevels(
  pcm: Int16Array,
  frequencies: number[],
  options: { sampleRate?: number; windowMs?: number } = {},
): Record<number, number> {
  const { sampleRate = 8000, windowMs = 50 } = options;
  const n = Math.max(8, Math.round((windowMs / 1000) * sampleRate));
  const { window, sum, squares } = hann(n);
  const coeffs = frequencies.map((f) => coefficient(f, sampleRate));
  const tones = new Float64Array(frequencies.length);
  let total = 0;
  for (let start = 0; start + n <= pcm.length; start += n) {
    total += power(pcm, start, n, window, squares);
    coeffs.forEach((c, k) => {
      tones[k] = (tones[k] ?? 0) + goertzel(pcm, start, n, c, window, sum);
    });
  }
  const levels: Record<number, number> = {};
  frequencies.forEach((f, k) => {
    levels[f] = total > 0 ? Math.min(1, (tones[k] ?? 0) / total) : 0;
  });
  return levels;
}

/**
 * Whether `frequency` is heard for at least `minMs` (@default 200) without a break: in each 40 ms
 * window it carries at least `minShare` (@default 0.25) of the power and the window is above
 * -50 dBFS. A share, not a majority, so a tone mixed with one or two others still counts.
 */
export function hearsTone(
  pcm: Int16Array,
  frequency: number,
  options: { minMs?: number; sampleRate?: number; minShare?: number } = {},
): boolean {
  const { minMs = 200, sampleRate = 8000, minShare = 0.25 } = options;
  const windowMs = 40;
  const n = Math.round((windowMs / 1000) * sampleRate);
  const { window, sum, squares } = hann(n);
  const coeff = coefficient(frequency, sampleRate);
  let run = 0;
  for (let start = 0; start + n <= pcm.length; start += n) {
    const total = power(pcm, start, n, window, squares);
    const tone = goertzel(pcm, start, n, coeff, window, sum);
    run = total > TONE_FLOOR && tone >= minShare * total ? run + windowMs : 0;
    if (run >= minMs) return true;
  }
  return false;
}

const DTMF_LOW = [697, 770, 852, 941] as const;
const DTMF_HIGH = [1209, 1336, 1477, 1633] as const;
const DTMF_KEYS = ['123A', '456B', '789C', '*0#D'] as const;
/** Largest power ratio between the two tones of a digit (8 dB, the usual twist limit). */
const MAX_TWIST = 6.3;

/** The digit in one window, or '' when there is none. */
function dtmfWindow(pcm: Int16Array, start: number, n: number, low: number[], high: number[]): string {
  const total = power(pcm, start, n);
  if (total < TONE_FLOOR * 10) return '';
  const best = (coeffs: number[]) => {
    let index = 0;
    let value = 0;
    coeffs.forEach((c, k) => {
      const p = goertzel(pcm, start, n, c);
      if (p > value) [index, value] = [k, p];
    });
    return { index, value };
  };
  const l = best(low);
  const h = best(high);
  if (l.value < 0.15 * total || h.value < 0.15 * total || l.value + h.value < 0.5 * total) return '';
  if (l.value > MAX_TWIST * h.value || h.value > MAX_TWIST * l.value) return '';
  return DTMF_KEYS[l.index]?.[h.index] ?? '';
}

/**
 * The in-band DTMF digits heard, in order, each key press once. Windows of 25.6 ms (205 samples
 * at 8 kHz, the classic choice) every 12.8 ms; a digit counts once seen in two windows in a row
 * (tones of 40 ms are caught), and again only after a window without it.
 */
export function detectDtmf(pcm: Int16Array, sampleRate = 8000): string {
  const n = Math.round(0.025625 * sampleRate);
  const hop = Math.max(1, Math.floor(n / 2));
  const low = DTMF_LOW.map((f) => coefficient(f, sampleRate));
  const high = DTMF_HIGH.map((f) => coefficient(f, sampleRate));
  let digits = '';
  let previous = '';
  let held = '';
  for (let start = 0; start + n <= pcm.length; start += hop) {
    const digit = dtmfWindow(pcm, start, n, low, high);
    if (digit !== held) held = '';
    if (digit && digit === previous && !held) {
      digits += digit;
      held = digit;
    }
    previous = digit;
  }
  return digits;
}

/**
 * Voice-band energy: 20 ms frames after a 300 Hz high-pass (hum and DC are not speech); a frame
 * above -45 dBFS RMS is active. Returns the active time and the RMS level over the active frames
 * (SILENCE_DB when none were active). Tells speech or noise from silence, not speech from noise.
 */
export function speechEnergy(pcm: Int16Array, sampleRate = 8000): { activeMs: number; rmsDb: number } {
  const n = Math.round(0.02 * sampleRate);
  const rc = 1 / (2 * Math.PI * 300);
  const a = rc / (rc + 1 / sampleRate);
  const threshold = 10 ** (SPEECH_FLOOR_DB / 10);
  let y = 0;
  let xPrevious = 0;
  let active = 0;
  let activePower = 0;
  for (let start = 0; start + n <= pcm.length; start += n) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = (pcm[start + i] ?? 0) / FULL_SCALE;
      y = a * (y + x - xPrevious);
      xPrevious = x;
      sum += y * y;
    }
    const framePower = sum / n;
    if (framePower > threshold) {
      active++;
      activePower += framePower;
    }
  }
  return {
    activeMs: active * 20,
    rmsDb: active === 0 ? SILENCE_DB : Math.max(SILENCE_DB, 10 * Math.log10(activePower / active)),
  };
}
