/**
 * The worker's 20 ms frame clock. Frame n is due at start + n × 20 ms; each wake-up runs every
 * frame that is due, so a slow wake-up is caught up by timestamp and the stream never drifts.
 * Lateness (how long after its due time a frame ran) goes into a histogram for the p99 the
 * benchmark reports; frames more than a frame period late are counted. After more than
 * `MAX_CATCH_UP` frames behind (a stall), the clock skips ahead rather than bursting.
 *
 * @example
 * const clock = new FrameClock((now) => tick(now));
 * clock.start(); ... clock.stop();
 */
export const FRAME_MS = 20;
const MAX_CATCH_UP = 10;
const BUCKET_MS = 0.1;
const BUCKETS = 2000; // up to 200 ms

export class FrameClock {
  readonly #histogram = new Uint32Array(BUCKETS + 1);
  #start = 0;
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;
  frames = 0;
  lateFrames = 0;
  skippedFrames = 0;
  maxLatenessMs = 0;

  constructor(
    readonly tick: (nowMs: number) => void,
    readonly now: () => number = () => performance.now(),
    /** Told how many frames were skipped, so streams can jump their timestamps over the gap. */
    readonly onSkip: (frames: number) => void = () => {},
  ) {}

  start(): void {
    if (this.#timer) return;
    this.reset();
    this.#schedule();
  }

  /** Frame 0 is due now. */
  reset(): void {
    this.#start = this.now();
    this.#frame = 0;
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    const due = this.#start + this.#frame * FRAME_MS;
    this.#timer = setTimeout(
      () => {
        this.runDue();
        if (this.#timer) this.#schedule();
      },
      Math.max(0, due - this.now()),
    );
  }

  /** Runs every frame that is due by `now()` (the timer calls this; tests call it with a fake clock). */
  runDue(): void {
    let now = this.now();
    let ran = 0;
    for (;;) {
      const due = this.#start + this.#frame * FRAME_MS;
      if (now < due) break;
      if (ran >= MAX_CATCH_UP) {
        const skip = Math.floor((now - due) / FRAME_MS) + 1;
        this.#frame += skip;
        this.skippedFrames += skip;
        this.onSkip(skip);
        break;
      }
      const lateness = now - due;
      this.#record(lateness);
      this.tick(due);
      this.#frame++;
      ran++;
      now = this.now();
    }
  }

  #record(lateness: number): void {
    this.frames++;
    if (lateness > FRAME_MS) this.lateFrames++;
    if (lateness > this.maxLatenessMs) this.maxLatenessMs = lateness;
    const i = Math.min(BUCKETS, Math.floor(lateness / BUCKET_MS));
    this.#histogram[i] = (this.#histogram[i] as number) + 1;
  }

  /** Lateness at quantile q (0..1) in ms since the last `resetStats`. */
  quantile(q: number): number {
    let total = 0;
    for (const c of this.#histogram) total += c;
    if (total === 0) return 0;
    const target = Math.ceil(total * q);
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.#histogram[i] as number;
      if (seen >= target) return (i + 1) * BUCKET_MS;
    }
    return BUCKETS * BUCKET_MS;
  }

  resetStats(): void {
    this.#histogram.fill(0);
    this.frames = 0;
    this.lateFrames = 0;
    this.skippedFrames = 0;
    this.maxLatenessMs = 0;
  }
}
