/**
 * Recording what a leg hears, for Record: it ends on `silenceTimeoutMs` of silence (energy
 * based), on a finish key, at `maxLengthMs`, or on hang-up; trimSilence cuts silent frames off
 * both ends of the result.
 *
 * @example
 * const r = new Recorder(op, { maxLengthMs: 5000, silenceTimeoutMs: 2000, finishOnKey: '#', trimSilence: true });
 * r.push(frame, silent); if (r.done) post(r.result());
 */
import { trimSilence } from '../dsp/energy.js';
import type { RecordRequest, RecordResult } from '../messages.js';
import { PcmChunks } from './frames.js';

/** A recording is bounded whatever is asked: four hours. */
const MAX_RECORD_MS = 4 * 3600 * 1000;

export class Recorder {
  readonly #chunks: PcmChunks;
  readonly #silenceFrames: number;
  #endedBy: RecordResult['endedBy'] | undefined;
  #key: string | undefined;
  #silentRun = 0;

  constructor(
    readonly op: number,
    readonly options: RecordRequest,
  ) {
    this.#chunks = new PcmChunks(Math.min(options.maxLengthMs, MAX_RECORD_MS) * 8);
    this.#silenceFrames =
      options.silenceTimeoutMs > 0 ? Math.ceil(options.silenceTimeoutMs / 20) : Number.POSITIVE_INFINITY;
  }

  get done(): boolean {
    return this.#endedBy !== undefined;
  }

  push(frame: Int16Array, silent: boolean): void {
    if (this.#endedBy) return;
    this.#chunks.append(frame);
    this.#silentRun = silent ? this.#silentRun + 1 : 0;
    if (this.#chunks.full) this.#endedBy = 'max-length';
    else if (this.#silentRun >= this.#silenceFrames) this.#endedBy = 'silence';
  }

  key(digit: string): void {
    if (this.#endedBy || !this.options.finishOnKey.includes(digit)) return;
    this.#endedBy = 'key';
    this.#key = digit;
  }

  result(endedBy?: RecordResult['endedBy']): RecordResult {
    const all = this.#chunks.toPcm();
    const pcm = this.options.trimSilence ? trimSilence(all).slice() : all;
    return {
      pcm,
      durationMs: Math.round(pcm.length / 8),
      endedBy: this.#endedBy ?? endedBy ?? 'hangup',
      ...(this.#key !== undefined ? { key: this.#key } : {}),
    };
  }
}
