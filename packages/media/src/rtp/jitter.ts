/**
 * A fixed-depth jitter buffer over RTP sequence numbers: packets are stored in preallocated slots,
 * played out in order once `depthFrames` are queued (default 3, i.e. 60 ms; never below the
 * 40 ms MEDIA.md asks for), late and duplicate packets are dropped and counted, a gap becomes a
 * `LOST` frame for the decoder to conceal, and an underrun re-buffers. When more than twice the
 * depth piles up (a sender whose clock runs fast, a burst after a stall) the oldest frames are
 * dropped so delay cannot grow without bound. A jump far ahead (a new stream after hold, a
 * restarted sender) resets it.
 *
 * @example
 * const jb = new JitterBuffer();
 * jb.push(header.sequence, datagram, header.payloadOffset, header.payloadLength);
 * const n = jb.pop(frameBytes); // >= 0 bytes, LOST, or WAITING
 */
import { seqDelta } from './packet.js';

export const LOST = -1;
export const WAITING = -2;

export interface JitterOptions {
  /** Frames queued before playout starts. @default 3 (60 ms at 20 ms frames); at least 2. */
  readonly depthFrames?: number;
  /** Slots; packets further ahead than this reset the buffer. @default 32 */
  readonly capacity?: number;
  /** Largest payload kept; longer payloads are cut. @default 320 */
  readonly maxPayload?: number;
}

export class JitterBuffer {
  readonly depth: number;
  readonly capacity: number;
  readonly maxPayload: number;
  readonly #data: Uint8Array;
  readonly #seq: Int32Array;
  readonly #len: Uint16Array;
  #next = -1;
  #count = 0;
  #started = false;
  late = 0;
  duplicates = 0;
  lost = 0;
  resets = 0;
  /** Frames dropped to bring the delay back down. */
  trimmed = 0;

  constructor(options: JitterOptions = {}) {
    this.depth = Math.max(2, options.depthFrames ?? 3);
    this.capacity = Math.max(this.depth * 2, options.capacity ?? 32);
    this.maxPayload = options.maxPayload ?? 320;
    this.#data = new Uint8Array(this.capacity * this.maxPayload);
    this.#seq = new Int32Array(this.capacity).fill(-1);
    this.#len = new Uint16Array(this.capacity);
  }

  /** Frames waiting to be played. */
  get size(): number {
    return this.#count;
  }

  reset(): void {
    this.#seq.fill(-1);
    this.#count = 0;
    this.#next = -1;
    this.#started = false;
  }

  push(
    sequence: number,
    source: Uint8Array,
    offset: number,
    length: number,
  ): 'queued' | 'late' | 'duplicate' | 'reset' {
    let result: 'queued' | 'reset' = 'queued';
    if (this.#next < 0) this.#next = sequence;
    let d = seqDelta(this.#next, sequence);
    if (d < 0) {
      if (this.#started || -d >= this.capacity / 2) {
        this.late++;
        return 'late';
      }
      this.#next = sequence;
      d = 0;
    }
    if (d >= this.capacity) {
      this.reset();
      this.resets++;
      this.#next = sequence;
      result = 'reset';
    }
    const slot = sequence % this.capacity;
    if (this.#seq[slot] === sequence) {
      this.duplicates++;
      return 'duplicate';
    }
    if ((this.#seq[slot] as number) < 0) this.#count++;
    this.#seq[slot] = sequence;
    const n = Math.min(length, this.maxPayload);
    this.#len[slot] = n;
    this.#data.set(source.subarray(offset, offset + n), slot * this.maxPayload);
    if (!this.#started && this.#count >= this.depth) this.#started = true;
    return result;
  }

  #discardHead(): void {
    const slot = this.#next % this.capacity;
    if (this.#seq[slot] === this.#next) {
      this.#seq[slot] = -1;
      this.#count--;
      this.trimmed++;
    }
    this.#next = (this.#next + 1) & 0xffff;
  }

  /** Drops `frames` frames of playout, for a clock that skipped ahead after a stall. */
  skip(frames: number): void {
    if (!this.#started) return;
    for (let i = 0; i < frames && this.#count > 0; i++) this.#discardHead();
  }

  /** Copies the next frame into `out` and returns its length, or `LOST` (a gap) or `WAITING`. */
  pop(out: Uint8Array): number {
    if (!this.#started) return WAITING;
    while (this.#count > this.depth * 2 + 1) this.#discardHead();
    const slot = this.#next % this.capacity;
    const expected = this.#next;
    this.#next = (this.#next + 1) & 0xffff;
    if (this.#seq[slot] === expected) {
      const n = this.#len[slot] as number;
      const start = slot * this.maxPayload;
      out.set(this.#data.subarray(start, start + n));
      this.#seq[slot] = -1;
      this.#count--;
      if (this.#count === 0) this.#started = false;
      return n;
    }
    this.lost++;
    if (this.#count === 0) this.#started = false;
    return LOST;
  }
}
