/**
 * Energy-based voice activity: a frame is voiced when its RMS passes a threshold; voice starts
 * after two voiced frames and ends after `hangoverMs` of silence, which is what Record's silence
 * timeout and barge-in need. `trimSilence` cuts silent frames off both ends of a recording.
 *
 * @example
 * const vad = new VoiceActivity();
 * const change = vad.push(frame); // 'start' | 'end' | undefined
 */
import { FRAME_SAMPLES, rms } from './goertzel.js';

/** About -40 dBFS: line noise on a quiet phone stays under it, speech goes well over. */
export const VOICE_RMS = 330;

export class VoiceActivity {
  #voicedRun = 0;
  #silentRun = 0;
  #speaking = false;
  readonly #hangoverFrames: number;

  constructor(
    readonly threshold = VOICE_RMS,
    hangoverMs = 400,
  ) {
    this.#hangoverFrames = Math.max(1, Math.round(hangoverMs / 20));
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  /** Consecutive silent frames so far. */
  get silentFrames(): number {
    return this.#silentRun;
  }

  push(frame: Int16Array): 'start' | 'end' | undefined {
    if (rms(frame) >= this.threshold) {
      this.#voicedRun++;
      this.#silentRun = 0;
      if (!this.#speaking && this.#voicedRun >= 2) {
        this.#speaking = true;
        return 'start';
      }
      return undefined;
    }
    this.#voicedRun = 0;
    this.#silentRun++;
    if (this.#speaking && this.#silentRun >= this.#hangoverFrames) {
      this.#speaking = false;
      return 'end';
    }
    return undefined;
  }
}

/** The part of `pcm` from its first to its last voiced frame (an empty array when all silent). */
export function trimSilence(pcm: Int16Array, threshold = VOICE_RMS): Int16Array {
  const frames = Math.ceil(pcm.length / FRAME_SAMPLES);
  let first = -1;
  let last = -1;
  for (let f = 0; f < frames; f++) {
    const start = f * FRAME_SAMPLES;
    if (rms(pcm, start, Math.min(FRAME_SAMPLES, pcm.length - start)) >= threshold) {
      if (first < 0) first = f;
      last = f;
    }
  }
  if (first < 0) return pcm.subarray(0, 0);
  return pcm.subarray(first * FRAME_SAMPLES, Math.min(pcm.length, (last + 1) * FRAME_SAMPLES));
}
