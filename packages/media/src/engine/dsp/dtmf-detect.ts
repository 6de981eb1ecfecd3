/**
 * In-band DTMF detection by Goertzel over 20 ms frames, for peers that send key tones as audio
 * instead of RFC 4733 events. A key counts when its row and column tones are the strongest of
 * their groups by a margin, loud enough, within twist limits, and carry most of the frame's
 * energy (so speech and music rarely pass); it must hold for two frames (40 ms) and is reported
 * once until the tone stops.
 *
 * @example
 * const det = new DtmfDetector();
 * const digit = det.push(frame); // '7' once per key press
 */
import { goertzel, rms } from './goertzel.js';
import { DTMF_HIGH, DTMF_KEYPAD, DTMF_LOW } from './tone.js';

const MIN_AMPLITUDE = 400;
const DOMINANCE = 2.5;
const MAX_TWIST = 4;
const ENERGY_SHARE = 0.6;

function strongest(frame: Int16Array, freqs: readonly number[]): { index: number; amp: number; second: number } {
  let index = -1;
  let amp = 0;
  let second = 0;
  for (let i = 0; i < freqs.length; i++) {
    const a = goertzel(frame, freqs[i] as number);
    if (a > amp) {
      second = amp;
      amp = a;
      index = i;
    } else if (a > second) second = a;
  }
  return { index, amp, second };
}

/** The key whose tone fills this frame, or undefined. Pure. */
export function detectDtmfFrame(frame: Int16Array): string | undefined {
  const low = strongest(frame, DTMF_LOW);
  const high = strongest(frame, DTMF_HIGH);
  if (low.index < 0 || high.index < 0) return undefined;
  if (low.amp < MIN_AMPLITUDE || high.amp < MIN_AMPLITUDE) return undefined;
  if (low.amp < low.second * DOMINANCE || high.amp < high.second * DOMINANCE) return undefined;
  if (low.amp > high.amp * MAX_TWIST || high.amp > low.amp * MAX_TWIST) return undefined;
  const total = rms(frame);
  if ((low.amp * low.amp + high.amp * high.amp) / 2 < ENERGY_SHARE * total * total) return undefined;
  return (DTMF_KEYPAD[low.index] as string)[high.index];
}

export class DtmfDetector {
  #candidate: string | undefined;
  #frames = 0;
  #reported = false;

  /** Feeds one frame; returns a digit the frame a key press is confirmed. */
  push(frame: Int16Array): string | undefined {
    const d = detectDtmfFrame(frame);
    if (d !== this.#candidate) {
      this.#candidate = d;
      this.#frames = d ? 1 : 0;
      this.#reported = false;
      return undefined;
    }
    if (!d) return undefined;
    this.#frames++;
    if (this.#frames >= 2 && !this.#reported) {
      this.#reported = true;
      return d;
    }
    return undefined;
  }
}
