/**
 * A bound on work running at once (espeak-ng processes: a burst of calls must not fork hundreds).
 * Waiters queue in order; one whose signal aborts leaves the queue, rejecting with the reason.
 *
 * @example
 * const slots = new Slots(4);
 * const release = await slots.acquire(signal);
 * try { await work(); } finally { release(); }
 */
export class Slots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`limit must be at least 1 (${limit})`);
  }

  /** Waits for a free slot; the returned function frees it (once). */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        this.running++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.running--;
          this.waiting.shift()?.();
        });
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason);
      };
      if (this.running < this.limit) return grant();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  /** Work running now. */
  get busy(): number {
    return this.running;
  }

  /** Waiters queued now. */
  get queued(): number {
    return this.waiting.length;
  }
}
