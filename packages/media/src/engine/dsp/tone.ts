/**
 * Tone generation into preallocated frames: sums of sines with on/off cadence (beep, North
 * American ringback 440+480 Hz 2 s on 4 s off, DTMF pairs), phase kept across frames so a tone
 * has no clicks at frame edges.
 *
 * @example
 * const gen = new ToneGenerator(RINGBACK);
 * while (gen.fill(frame)) send(frame); // ringback loops until stopped
 */
import { SAMPLE_RATE } from './goertzel.js';

export interface ToneSpec {
  readonly frequencies: readonly number[];
  readonly onMs: number;
  /** @default 0 */
  readonly offMs?: number;
  /** Repeat the on/off cycle until stopped. @default false */
  readonly loop?: boolean;
  /** Amplitude of each frequency. @default 6000 */
  readonly amplitude?: number;
}

export const BEEP_HZ = 1000;
export const BEEP: ToneSpec = { frequencies: [BEEP_HZ], onMs: 400, amplitude: 8000 };
export const RINGBACK: ToneSpec = { frequencies: [440, 480], onMs: 2000, offMs: 4000, loop: true, amplitude: 4000 };

const DTMF_ROWS = [697, 770, 852, 941] as const;
const DTMF_COLS = [1209, 1336, 1477, 1633] as const;
const KEYPAD = ['123A', '456B', '789C', '*0#D'];

/** The row and column frequencies of a key, or undefined for a non-key. */
export function dtmfFrequencies(digit: string): [number, number] | undefined {
  const d = digit.toUpperCase();
  for (let r = 0; r < 4; r++) {
    const c = (KEYPAD[r] as string).indexOf(d);
    if (c >= 0 && d.length === 1) return [DTMF_ROWS[r] as number, DTMF_COLS[c] as number];
  }
  return undefined;
}

export const DTMF_LOW = DTMF_ROWS;
export const DTMF_HIGH = DTMF_COLS;
export const DTMF_KEYPAD = KEYPAD;

export class ToneGenerator {
  readonly #steps: Float64Array;
  readonly #phases: Float64Array;
  readonly #amplitude: number;
  readonly #onSamples: number;
  readonly #cycleSamples: number;
  readonly #loop: boolean;
  #position = 0;

  constructor(spec: ToneSpec) {
    this.#steps = Float64Array.from(spec.frequencies, (f) => (2 * Math.PI * f) / SAMPLE_RATE);
    this.#phases = new Float64Array(spec.frequencies.length);
    this.#amplitude = spec.amplitude ?? 6000;
    this.#onSamples = Math.round((spec.onMs * SAMPLE_RATE) / 1000);
    this.#cycleSamples = this.#onSamples + Math.round(((spec.offMs ?? 0) * SAMPLE_RATE) / 1000);
    this.#loop = spec.loop ?? false;
  }

  /** Writes the next frame; returns false (and writes silence) once a non-looping tone is over. */
  fill(out: Int16Array): boolean {
    if (!this.#loop && this.#position >= this.#cycleSamples) {
      out.fill(0);
      return false;
    }
    const n = this.#steps.length;
    for (let i = 0; i < out.length; i++) {
      const inCycle = this.#loop ? this.#position % this.#cycleSamples : this.#position;
      let v = 0;
      if (inCycle < this.#onSamples) {
        for (let k = 0; k < n; k++) {
          v += Math.sin(this.#phases[k] as number);
          this.#phases[k] = ((this.#phases[k] as number) + (this.#steps[k] as number)) % (2 * Math.PI);
        }
      }
      out[i] = v * this.#amplitude;
      this.#position++;
    }
    return true;
  }
}
