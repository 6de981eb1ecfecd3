/**
 * The call timer: shows how long a call has been connected (m:ss, then h:mm:ss), counted from
 * the moment it connected rather than by adding ticks, so a throttled background tab stays right.
 *
 * @example
 * const timer = new CallTimer((text) => { element.textContent = text; });
 * timer.start(); // on accept
 * timer.stop();  // on disconnect; returns the duration in ms
 */

/** `65_000` → `1:05`; `3_725_000` → `1:02:05`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export class CallTimer {
  private startedAt: number | undefined;
  private interval: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly show: (text: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.stop();
    this.startedAt = this.now();
    this.show(formatDuration(0));
    // Ticking four times a second keeps the display within a quarter second of the truth.
    this.interval = setInterval(() => this.show(formatDuration(this.elapsed())), 250);
  }

  /** Stops counting; the last value stays shown. Returns how long the call lasted. */
  stop(): number {
    const elapsed = this.elapsed();
    clearInterval(this.interval);
    this.interval = undefined;
    this.startedAt = undefined;
    return elapsed;
  }

  private elapsed(): number {
    return this.startedAt === undefined ? 0 : this.now() - this.startedAt;
  }
}
