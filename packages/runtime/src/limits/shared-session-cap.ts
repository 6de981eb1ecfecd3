/**
 * A cap on an account's device sessions shared beyond one bridge: a cluster's
 * (cluster/devices-limits.ts, the bus's counters). The bridge's session table takes a unit for each
 * new session (a resumed one keeps its own) and gives it back once when the session ends.
 *
 * @example
 * if (!(await shared.take(account, limit, session.id))) refuse('AccountLimitExceeded');
 * // ... the session ends:
 * shared.give(session.id);
 */
export interface SharedSessionCap {
  /**
   * Takes a unit of the account's device sessions for session `id`, at most `limit` across all;
   * false when they are all taken. Rejects when the count cannot be asked.
   */
  take(accountSid: string, limit: number, id: string): Promise<boolean>;
  /** Gives back session `id`'s unit, once (nothing when it holds none). */
  give(id: string): void;
  /**
   * Ends session `session` of the account and identity where it is held elsewhere (its device
   * came back here instead), freeing its unit; true when one ended.
   */
  reclaim?(accountSid: string, identity: string, session: string): Promise<boolean>;
  /** Stops answering others. */
  close?(): void;
}
