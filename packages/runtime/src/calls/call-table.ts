/**
 * The runtime's calls in memory: every live session, and the records of the most recent ended
 * calls (`keep` of them). A session leaves as soon as it is over, taking its legs, timers and
 * documents with it, so a long-running server holds what is live plus a bounded tail; the full
 * history belongs in a store.
 */
import { PatchbayError } from '../errors.js';
import type { CallSession } from '../interpreter/session.js';
import type { CallRecord, CallStatus, Direction } from './call.js';

/** Drops the oldest entries (a Map iterates in insertion order) beyond `keep`. */
export function evictOldest<V>(map: Map<string, V>, keep: number): void {
  for (const key of map.keys()) {
    if (map.size <= keep) return;
    map.delete(key);
  }
}

export class CallTable {
  private readonly live = new Map<string, CallSession>();
  private readonly finished = new Map<string, CallRecord>();
  /** Live calls per account (per-account concurrency limits). */
  private readonly perAccount = new Map<string, number>();

  constructor(private readonly keep: number) {}

  add(session: CallSession): void {
    this.live.set(session.sid, session);
    const account = session.account.sid;
    this.perAccount.set(account, (this.perAccount.get(account) ?? 0) + 1);
    void session.ended.then((record) => {
      const left = (this.perAccount.get(account) ?? 1) - 1;
      if (left > 0) this.perAccount.set(account, left);
      else this.perAccount.delete(account);
      this.live.delete(session.sid);
      this.finished.set(session.sid, record);
      evictOldest(this.finished, this.keep);
    });
  }

  /** How many calls of the account are live. */
  liveFor(accountSid: string): number {
    return this.perAccount.get(accountSid) ?? 0;
  }

  /** The live session, if the call is still going. */
  session(sid: string): CallSession | undefined {
    return this.live.get(sid);
  }

  /** The final record of a call that ended recently. */
  over(sid: string): CallRecord | undefined {
    return this.finished.get(sid);
  }

  get(sid: string): CallRecord | undefined {
    return this.live.get(sid)?.snapshot() ?? this.finished.get(sid);
  }

  /** Live and recently ended calls, oldest first. */
  list(filter: { status?: CallStatus; direction?: Direction } = {}): CallRecord[] {
    return [...this.finished.values(), ...[...this.live.values()].map((session) => session.snapshot())]
      .sort((a, b) => a.createdAt - b.createdAt)
      .filter(
        (call) =>
          (filter.status === undefined || call.status === filter.status) &&
          (filter.direction === undefined || call.direction === filter.direction),
      );
  }

  ended(sid: string): Promise<CallRecord> {
    const session = this.live.get(sid);
    if (session) return session.ended;
    const over = this.finished.get(sid);
    if (over) return Promise.resolve(over);
    return Promise.reject(new PatchbayError('call-not-found', `no call ${sid}`));
  }

  liveSessions(): IterableIterator<CallSession> {
    return this.live.values();
  }
}
