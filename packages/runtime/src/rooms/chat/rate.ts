/**
 * The room's chat rate (docs/rooms.md, Chat): a token bucket per room, `burst` at once, then one
 * more every `refillMs`, on the injected clock. `take` answers 0 when it took a token, else how
 * long until one is free. One process keeps its buckets in memory (`RateLimits`); nodes of a
 * cluster share each room's bucket on its room record (`StoredRateLimits`), taken in one atomic
 * update, so a room's rate is the room's whichever node a message reaches.
 *
 * @example
 * const rates = new RateLimits(() => clock.now(), 20, 1000);
 * if ((await rates.take(room)) > 0) throw tooMany();
 */
import type { Store } from '../../store/types.js';
import type { RoomRecord } from '../records.js';

/** Buckets held before full ones are swept. */
const SWEEP_AT = 1000;

export interface Bucket {
  readonly tokens: number;
  readonly at: number;
}

/** Takes a token from `bucket` (full when absent): the bucket after, and 0 or how long until one is free. */
export function takeToken(
  bucket: Bucket | undefined,
  now: number,
  burst: number,
  refillMs: number,
): { bucket: Bucket; wait: number } {
  const tokens = Math.min(burst, (bucket?.tokens ?? burst) + (now - (bucket?.at ?? now)) / refillMs);
  if (tokens < 1) return { bucket: { tokens, at: now }, wait: Math.ceil((1 - tokens) * refillMs) };
  return { bucket: { tokens: tokens - 1, at: now }, wait: 0 };
}

export interface RoomRates {
  take(room: RoomRecord): Promise<number>;
}

export class RateLimits implements RoomRates {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly now: () => number,
    private readonly burst: number,
    private readonly refillMs: number,
  ) {}

  async take(room: RoomRecord): Promise<number> {
    const now = this.now();
    const { bucket, wait } = takeToken(this.#buckets.get(room.sid), now, this.burst, this.refillMs);
    this.#buckets.set(room.sid, bucket);
    if (wait === 0 && this.#buckets.size > SWEEP_AT) this.#sweep(now);
    return wait;
  }

  /** Full buckets need no memory: rooms quiet long enough to refill are forgotten. */
  #sweep(now: number): void {
    for (const [key, held] of this.#buckets)
      if (held.tokens + (now - held.at) / this.refillMs >= this.burst) this.#buckets.delete(key);
  }
}

/** A room's bucket on its record (`chatRate`), shared by every node that reads the store. */
export class StoredRateLimits implements RoomRates {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly burst: number,
    private readonly refillMs: number,
  ) {}

  async take(room: RoomRecord): Promise<number> {
    const now = this.now();
    let wait = 0;
    await this.store.update<RoomRecord>('room', room.accountSid, room.sid, (current) => {
      const taken = takeToken(current.chatRate, now, this.burst, this.refillMs);
      wait = taken.wait;
      return { ...current, chatRate: taken.bucket };
    });
    return wait;
  }
}
