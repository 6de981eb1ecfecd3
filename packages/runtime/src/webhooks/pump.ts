/**
 * A pump that runs one round at a time: asked to run while a round is on, it runs once more
 * after that round (however often it was asked), so work that arrived meanwhile is seen. It also
 * keeps the background work it is given, so `drain()` waits for all of it and the rounds.
 *
 * @example
 * const pump = new Pump(() => deliverDue(), () => closed);
 * pump.track(store.add(item));
 * pump.run();
 * await pump.drain();
 */
export class Pump {
  private readonly work = new Set<Promise<void>>();
  private pumping: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly round: () => Promise<void>,
    /** Whether to run no rounds (closed, or paused). */
    private readonly stopped: () => boolean,
  ) {}

  /** Keeps `promise` until it settles (its failure is dropped), for `drain()`. */
  track(promise: Promise<void>): void {
    const tracked = promise.catch(() => undefined).finally(() => this.work.delete(tracked));
    this.work.add(tracked);
  }

  run(): void {
    if (this.stopped()) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.round().finally(() => {
      this.pumping = undefined;
      if (this.again) {
        this.again = false;
        this.run();
      }
    });
  }

  /** Resolves once no tracked work and no round is left. */
  async drain(): Promise<void> {
    while (this.work.size > 0 || this.pumping) {
      await Promise.all([...this.work, this.pumping]);
    }
  }
}
