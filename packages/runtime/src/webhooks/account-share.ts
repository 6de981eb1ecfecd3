/**
 * Each account's share of the callback deliveries in flight, so one account's slow or dead
 * status callback URL holds up only its own callbacks: an account never has more than its share
 * in flight, and the rest of the slots go to the others. Counts only: the queue asks `full`
 * before it starts a delivery, and reads `held` more rows past the callbacks of full accounts.
 *
 * @example
 * const share = new AccountShare(8);
 * if (!share.full(callback.accountSid)) share.started(callback.accountSid);
 */
export class AccountShare {
  private readonly inFlight = new Map<string, number>();
  private readonly pending = new Map<string, number>();

  /** @param perAccount deliveries one account may have in flight at once */
  constructor(readonly perAccount: number) {}

  /** A callback of `account` is in the outbox. */
  queued(account: string): void {
    this.pending.set(account, (this.pending.get(account) ?? 0) + 1);
  }

  /** A callback of `account` left the outbox (delivered or given up). */
  finished(account: string): void {
    const left = (this.pending.get(account) ?? 0) - 1;
    if (left > 0) this.pending.set(account, left);
    else this.pending.delete(account);
  }

  full(account: string): boolean {
    return (this.inFlight.get(account) ?? 0) >= this.perAccount;
  }

  started(account: string): void {
    this.inFlight.set(account, (this.inFlight.get(account) ?? 0) + 1);
  }

  ended(account: string): void {
    const left = (this.inFlight.get(account) ?? 0) - 1;
    if (left > 0) this.inFlight.set(account, left);
    else this.inFlight.delete(account);
  }

  /** Whether `account` has callbacks waiting beyond those in flight. */
  waiting(account: string): boolean {
    return (this.pending.get(account) ?? 0) > (this.inFlight.get(account) ?? 0);
  }

  /** Callbacks of accounts at their share: a read of the outbox must see past them. */
  get held(): number {
    let held = 0;
    for (const [account, count] of this.inFlight) if (count >= this.perAccount) held += this.pending.get(account) ?? 0;
    return held;
  }
}
