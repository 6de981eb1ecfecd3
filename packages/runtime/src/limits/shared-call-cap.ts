/**
 * A cap on an account's live calls shared beyond one runtime: a cluster's (cluster/nodes-limits.ts,
 * the bus's counters). An inbound call takes its unit before anything of it exists, so a call past
 * the cap is refused as on one node (busy, no call record); the runtime's admission then finds the
 * unit already the call's and takes no other.
 *
 * @example
 * const refusal = await shared.reserve(account.sid, cap, sid);
 * if (refusal) reject('busy'); else startInbound(sid);
 */
import type { PatchbayError } from '../errors.js';

export interface SharedCallCap {
  /**
   * Takes a unit of the account's live calls for call `sid`, at most `cap` across all: the
   * refusal (`concurrency-limit`, 10004) when they are all taken, nothing taken then. Never
   * rejects: when the count cannot be asked, resolves undefined with nothing taken (the
   * admission asks again, and fails the call if it still cannot). A unit taken is the call's:
   * given back once, when the call ends, or by `release` when it never starts.
   */
  reserve(accountSid: string, cap: number, sid: string): Promise<PatchbayError | undefined>;
  /** Gives back the unit of call `sid` reserved but never started (nothing when it holds none). */
  release(sid: string): void;
}
