/**
 * A token bucket per key (a room): `burst` at once, then one more every `refillMs`, on the
 * injected clock. `take` answers 0 when it took a token, else how long until one is free.
 *
 * @example
 * const rates = new RateLimits(() => clock.now(), 20, 1000);
 * if (rates.take(room.sid) > 0) throw tooMany();
 */
/** Buckets held before full ones are swept. */
const SWEEP_AT = 1000;

export class RateLimits {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly now: () => number,
    private readonly burst: number,
    private readonly refillMs: number,
  ) {}

  take(key: string): number {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.burst, at: now };
    const tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) / this.refillMs);
    if (tokens < 1) {
      this.#buckets.set(key, { tokens, at: now });
      return Math.ceil((1 - tokens) * this.refillMs);
    }
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.#buckets.size > SWEEP_AT) this.#sweep(now);
    return 0;
  }

  /** Full buckets need no memory: rooms quiet long enough to refill are forgotten. */
  #sweep(now: number): void {
    for (const [key, held] of this.#buckets)
      if (held.tokens + (now - held.at) / this.refillMs >= this.burst) this.#buckets.delete(key);
  }
}
