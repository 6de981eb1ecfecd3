/**
 * What a leg sends instead of its connection while an operation runs: PCM (play), a tone, or
 * digits (RFC 4733 event frames when negotiated, else DTMF tones; 'w' pauses 500 ms). Each fills
 * one frame per tick; `finished` turns true once its last frame was produced.
 *
 * @example
 * const p = new PcmPlayback(op, pcm);
 * const kind = p.fill(frame, event); // 'audio' | 'event' | 'done'
 */
import { digitToEvent } from '../../rtp/dtmf4733.js';
import { FRAME_SAMPLES } from '../dsp/goertzel.js';
import { dtmfFrequencies, ToneGenerator, type ToneSpec } from '../dsp/tone.js';

/** The RFC 4733 packet to send this frame. */
export interface EventFrame {
  event: number;
  /** Duration so far in timestamp units. */
  duration: number;
  end: boolean;
  /** First packet of the event (marker bit, new timestamp). */
  start: boolean;
  /** Copies to send (RFC 4733 §2.5.1.4: the end packet three times). */
  repeats: number;
}

export type FillResult = 'audio' | 'event' | 'done';

export interface Playback {
  readonly op: number;
  readonly finished: boolean;
  fill(out: Int16Array, event: EventFrame): FillResult;
}

export class PcmPlayback implements Playback {
  #position = 0;
  finished = false;

  constructor(
    readonly op: number,
    readonly pcm: Int16Array,
    readonly loop = false,
  ) {
    if (pcm.length === 0) this.finished = true;
  }

  fill(out: Int16Array): FillResult {
    if (this.finished) return 'done';
    const n = Math.min(FRAME_SAMPLES, this.pcm.length - this.#position);
    out.set(this.pcm.subarray(this.#position, this.#position + n));
    if (n < FRAME_SAMPLES) out.fill(0, n);
    this.#position += n;
    if (this.#position >= this.pcm.length) {
      if (this.loop) this.#position = 0;
      else this.finished = true;
    }
    return 'audio';
  }
}

export class TonePlayback implements Playback {
  readonly #gen: ToneGenerator;
  finished = false;

  constructor(
    readonly op: number,
    spec: ToneSpec,
  ) {
    this.#gen = new ToneGenerator(spec);
  }

  fill(out: Int16Array): FillResult {
    if (this.finished) return 'done';
    if (!this.#gen.fill(out)) {
      this.finished = true;
      return 'done';
    }
    return 'audio';
  }
}

const DIGIT_FRAMES = 5; // 100 ms per key
const GAP_FRAMES = 3; // 60 ms between keys
const PAUSE_FRAMES = 25; // 'w': 500 ms
const END_REPEATS = 3; // RFC 4733 §2.5.1.4: the end packet is sent three times

interface Step {
  readonly kind: 'event' | 'tone' | 'gap';
  readonly frames: number;
  readonly event: number;
  readonly tone?: ToneGenerator;
}

/** Sends digits; `telephoneEvent` chooses RFC 4733 over in-band tones. Unknown characters are skipped. */
export class DigitsPlayback implements Playback {
  readonly #steps: Step[] = [];
  #step = 0;
  #frame = 0;
  finished = false;

  constructor(
    readonly op: number,
    digits: string,
    readonly telephoneEvent: boolean,
  ) {
    for (const ch of digits.slice(0, 256)) {
      if (ch === 'w' || ch === 'W') {
        this.#steps.push({ kind: 'gap', frames: PAUSE_FRAMES, event: 0 });
        continue;
      }
      const event = digitToEvent(ch);
      const frequencies = dtmfFrequencies(ch);
      if (event === undefined || !frequencies) continue;
      if (telephoneEvent) this.#steps.push({ kind: 'event', frames: DIGIT_FRAMES + 1, event });
      else {
        const tone = new ToneGenerator({ frequencies, onMs: DIGIT_FRAMES * 20, amplitude: 7000 });
        this.#steps.push({ kind: 'tone', frames: DIGIT_FRAMES, event, tone });
      }
      this.#steps.push({ kind: 'gap', frames: GAP_FRAMES, event: 0 });
    }
    if (this.#steps.length === 0) this.finished = true;
  }

  fill(out: Int16Array, event: EventFrame): FillResult {
    const step = this.#steps[this.#step];
    if (this.finished || !step) return 'done';
    const frame = this.#frame++;
    if (this.#frame >= step.frames) {
      this.#step++;
      this.#frame = 0;
      if (this.#step >= this.#steps.length) this.finished = true;
    }
    if (step.kind === 'event') {
      event.event = step.event;
      event.start = frame === 0;
      event.end = frame === DIGIT_FRAMES;
      event.duration = Math.min(frame + 1, DIGIT_FRAMES) * FRAME_SAMPLES;
      event.repeats = event.end ? END_REPEATS : 1;
      return 'event';
    }
    if (step.tone) step.tone.fill(out);
    else out.fill(0);
    return 'audio';
  }
}
