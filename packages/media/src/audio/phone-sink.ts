/**
 * Audio on its way to 8 kHz Int16, a piece at a time: each piece is resampled, clipped to 16
 * bits and kept, with a bound on the total. Long files are converted in slices with a turn of the
 * event loop between them (`pcmToPhone`), so decoding a ten-minute prompt never stalls the control
 * plane for more than a few milliseconds at a time, and an abort stops the work between slices.
 *
 * @example
 * const phone = await pcmToPhone(mono, 22050, { signal });
 */
import { AudioFormatError } from './errors.js';
import { PHONE_RATE, toInt16 } from './pcm.js';
import { Resampler } from './resample.js';

/** Ten minutes at 8 kHz. */
export const DEFAULT_MAX_SAMPLES = PHONE_RATE * 600;

export interface PhoneOptions {
  /** Most samples (at 8 kHz) kept; more is an `audio-too-long` error. @default 10 minutes */
  readonly maxSamples?: number;
  /** Stops the conversion between slices, rejecting with its reason. */
  readonly signal?: AbortSignal;
}

export function yieldToEventLoop(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => setImmediate(() => (signal?.aborted ? reject(signal.reason) : resolve())));
}

export class PhoneSink {
  private readonly pieces: Int16Array[] = [];
  private total = 0;
  private resampler: Resampler | undefined;
  private readonly maxSamples: number;

  constructor(
    options: PhoneOptions,
    private readonly where: string,
  ) {
    this.maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
  }

  /** Whether any audio has arrived. */
  get started(): boolean {
    return this.resampler !== undefined;
  }

  /** Adds mono samples at `rate` (which must not change from piece to piece). */
  push(pcm: Float32Array, rate: number): void {
    if (this.resampler && this.resampler.fromRate !== rate)
      throw new AudioFormatError('audio-unsupported', 'the sample rate changes mid-stream', this.where);
    this.resampler ??= new Resampler(rate, PHONE_RATE);
    this.keep(this.resampler.push(pcm));
  }

  /** The whole conversion. */
  finish(): Int16Array {
    if (this.resampler) this.keep(this.resampler.flush());
    const out = new Int16Array(this.total);
    let offset = 0;
    for (const piece of this.pieces) {
      out.set(piece, offset);
      offset += piece.length;
    }
    return out;
  }

  private keep(pcm: Float32Array): void {
    this.total += pcm.length;
    if (this.total > this.maxSamples)
      throw new AudioFormatError('audio-too-long', `more than ${this.maxSamples / PHONE_RATE} s of audio`, this.where);
    if (pcm.length > 0) this.pieces.push(toInt16(pcm));
  }
}

/** One-second slices at the source rate. */
const SLICE_SECONDS = 1;

/** Mono samples at any rate to 8 kHz Int16, in slices that leave the event loop free between them. */
export async function pcmToPhone(mono: Float32Array, rate: number, options: PhoneOptions = {}): Promise<Int16Array> {
  const expected = Math.ceil(mono.length * (PHONE_RATE / rate));
  const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
  if (expected > maxSamples)
    throw new AudioFormatError('audio-too-long', `more than ${maxSamples / PHONE_RATE} s of audio`, 'pcmToPhone');
  const sink = new PhoneSink(options, 'pcmToPhone');
  const slice = rate * SLICE_SECONDS;
  for (let at = 0; at < mono.length; at += slice) {
    if (at > 0) await yieldToEventLoop(options.signal);
    sink.push(mono.subarray(at, at + slice), rate);
  }
  return sink.finish();
}
