/**
 * Per-source request limits against scanners (friendly-scanner floods of OPTIONS/REGISTER/INVITE):
 * a token bucket per source address. Within the rate a request passes; up to twice the rate it is
 * answered 503 with Retry-After; beyond that it is dropped, so a flood is not amplified by our
 * answers. The table of sources is bounded.
 *
 * @example
 * const limiter = new RateLimiter(20, timers);
 * if (limiter.check(source.address) === 'drop') return;
 */
import type { Timers } from './timers.js';

export type RateVerdict = 'ok' | 'throttle' | 'drop';

const MAX_SOURCES = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly timers: Timers,
  ) {}

  check(address: string): RateVerdict {
    const now = this.timers.now();
    let b = this.buckets.get(address);
    if (!b) {
      if (this.buckets.size >= MAX_SOURCES) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = { tokens: this.perSecond, at: now };
      this.buckets.set(address, b);
    }
    // Tokens refill continuously; the balance may go down to -perSecond (the throttled band).
    b.tokens = Math.min(this.perSecond, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 'ok';
    }
    if (b.tokens > 1 - this.perSecond) {
      b.tokens -= 1;
      return 'throttle';
    }
    return 'drop';
  }
}
