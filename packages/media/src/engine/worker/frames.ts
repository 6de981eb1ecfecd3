/**
 * Buffers of frames without per-frame allocation: `FrameQueue` is a small ring that carries
 * frames between workers (a bridged or mixed leg living on another worker). Two workers' clocks
 * tick at unrelated phases, so it plays out only once `prime` frames are queued (and re-primes
 * after running dry) instead of alternating between silence and doubled frames; it is bounded so
 * a stalled peer cannot grow it; `PcmChunks` collects a recording in one-second chunks up to a limit.
 *
 * @example
 * queue.push(pcm); if (queue.pop(frame)) use(frame);
 * chunks.append(frame); const pcm = chunks.toPcm();
 */
import { FRAME_SAMPLES } from '../dsp/goertzel.js';

export class FrameQueue {
  readonly #frames: Int16Array[];
  #head = 0;
  #count = 0;
  #started = false;

  constructor(
    readonly capacity = 5,
    readonly prime = 2,
  ) {
    this.#frames = Array.from({ length: capacity }, () => new Int16Array(FRAME_SAMPLES));
  }

  get size(): number {
    return this.#count;
  }

  /** Queues a copy; when full the oldest frame is dropped (latency stays bounded). */
  push(pcm: Int16Array): void {
    if (this.#count === this.capacity) {
      this.#head = (this.#head + 1) % this.capacity;
      this.#count--;
    }
    const slot = this.#frames[(this.#head + this.#count) % this.capacity] as Int16Array;
    slot.set(pcm.length > FRAME_SAMPLES ? pcm.subarray(0, FRAME_SAMPLES) : pcm);
    if (pcm.length < FRAME_SAMPLES) slot.fill(0, pcm.length);
    this.#count++;
  }

  /** Copies the oldest frame into `out`; false (and silence) while priming or empty. */
  pop(out: Int16Array): boolean {
    if (!this.#started && this.#count >= this.prime) this.#started = true;
    if (!this.#started || this.#count === 0) {
      this.#started = false;
      out.fill(0);
      return false;
    }
    out.set(this.#frames[this.#head] as Int16Array);
    this.#head = (this.#head + 1) % this.capacity;
    this.#count--;
    return true;
  }

  clear(): void {
    this.#count = 0;
    this.#started = false;
  }
}

const CHUNK = 8000;

export class PcmChunks {
  readonly #chunks: Int16Array[] = [];
  #length = 0;

  constructor(readonly maxSamples: number) {}

  get length(): number {
    return this.#length;
  }

  get full(): boolean {
    return this.#length >= this.maxSamples;
  }

  append(frame: Int16Array): void {
    let offset = 0;
    while (offset < frame.length && this.#length < this.maxSamples) {
      const at = this.#length % CHUNK;
      if (at === 0) this.#chunks.push(new Int16Array(CHUNK));
      const chunk = this.#chunks[this.#chunks.length - 1] as Int16Array;
      const n = Math.min(CHUNK - at, frame.length - offset, this.maxSamples - this.#length);
      chunk.set(frame.subarray(offset, offset + n), at);
      offset += n;
      this.#length += n;
    }
  }

  toPcm(): Int16Array {
    const out = new Int16Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      const n = Math.min(CHUNK, this.#length - at);
      out.set(c.subarray(0, n), at);
      at += n;
    }
    return out;
  }
}
