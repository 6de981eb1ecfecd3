/**
 * Per-account REST limits: how many of an account's requests are handled at once (the hosted
 * API's kind of limit, 100 by default there and here), and optionally how many it may start a
 * second. Past either, the request is answered 429 with code 20429 and `Retry-After`, before its
 * body is read, so one account's flood (or its slow bodies) costs the others nothing.
 *
 * @example
 * const release = limiter.enter(account.sid, resolveLimits(account.limits, defaults));
 * try { await handle(); } finally { release(); }
 */
import type { AccountLimits } from '../limits/account-limits.js';
import { RestError } from './http.js';

interface AccountUse {
  inFlight: number;
  /** Requests it may still start now (a token bucket refilled at its rate). */
  budget: number;
  at: number;
}

export class ApiLimiter {
  private readonly accounts = new Map<string, AccountUse>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one of the account's slots; returns what frees it. Throws the 429 when there is none. */
  enter(accountSid: string, limits: Pick<AccountLimits, 'apiConcurrency' | 'apiRequestsPerSecond'>): () => void {
    const now = this.now();
    const rate = limits.apiRequestsPerSecond;
    let use = this.accounts.get(accountSid);
    if (!use) {
      use = { inFlight: 0, budget: rate, at: now };
      this.accounts.set(accountSid, use);
    }
    if (use.inFlight >= limits.apiConcurrency)
      throw tooMany(`account ${accountSid} has ${limits.apiConcurrency} requests in progress, its limit`, 1);
    if (rate > 0) {
      use.budget = Math.min(rate, use.budget + ((now - use.at) / 1000) * rate);
      use.at = now;
      if (use.budget < 1) {
        const wait = Math.ceil((1 - use.budget) / rate);
        throw tooMany(`account ${accountSid} made more than ${rate} requests a second, its limit`, wait);
      }
      use.budget -= 1;
    }
    use.inFlight += 1;
    let released = false;
    return () => {
      if (released || !use) return;
      released = true;
      use.inFlight -= 1;
      // An idle account with a full budget holds nothing: forget it, so the map stays small.
      if (use.inFlight === 0 && (rate === 0 || use.budget + ((this.now() - use.at) / 1000) * rate >= rate))
        this.accounts.delete(accountSid);
    };
  }
}

function tooMany(message: string, retryAfterSeconds: number): RestError {
  return new RestError(429, 20429, `Too Many Requests: ${message}`, { 'retry-after': String(retryAfterSeconds) });
}
