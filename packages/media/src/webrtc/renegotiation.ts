/**
 * How often one device leg may renegotiate (an ICE restart after its network changed): each one
 * costs a new peer connection, a UDP port and a DTLS handshake, so a device sending offers in a
 * loop is refused with `renegotiation-limit` past `max` in any `windowMs`, and its call keeps the
 * session it has. A sliding window over the last `max` times, on an injectable clock.
 *
 * @example
 * const limit = new RenegotiationLimit();   // 5 a minute
 * limit.take('webrtc-3');                   // throws WebRtcError 'renegotiation-limit' past that
 */
import { WebRtcError } from './errors.js';

export interface RenegotiationLimitOptions {
  /** Renegotiations allowed per window. @default 5 */
  readonly max?: number;
  /** @default 60000 */
  readonly windowMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export const DEFAULT_RENEGOTIATIONS_PER_MINUTE = 5;

export class RenegotiationLimit {
  readonly max: number;
  readonly windowMs: number;
  readonly #now: () => number;
  readonly #times: number[] = [];

  constructor(options: RenegotiationLimitOptions = {}) {
    this.max = options.max ?? DEFAULT_RENEGOTIATIONS_PER_MINUTE;
    this.windowMs = options.windowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    if (!Number.isInteger(this.max) || this.max < 1 || this.max > 1000 || !(this.windowMs >= 1000)) {
      throw new WebRtcError(
        'invalid-options',
        'renegotiation limit: max 1..1000, windowMs >= 1000',
        'RenegotiationLimit',
      );
    }
  }

  /** Counts one renegotiation, or throws when the window is full (nothing counted then). */
  take(where: string): void {
    const now = this.#now();
    while (this.#times.length > 0 && (this.#times[0] as number) <= now - this.windowMs) this.#times.shift();
    if (this.#times.length >= this.max) {
      throw new WebRtcError(
        'renegotiation-limit',
        `more than ${this.max} renegotiations in ${this.windowMs / 1000} s; the call keeps its current session`,
        where,
      );
    }
    this.#times.push(now);
  }
}
