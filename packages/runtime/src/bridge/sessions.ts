/**
 * The bridge's sessions by id, counted per account, so that each account stays within its own
 * limit and no account can fill the server's: one tenant's devices degrade only that tenant. With
 * a shared cap (a cluster's), the account's limit holds across the nodes too: each session holds a
 * unit of it while open.
 */
import { DeviceError } from '@patchbay/sdk/protocol';
import type { SharedSessionCap } from '../limits/shared-session-cap.js';
import type { VerifiedToken } from './access-tokens.js';
import { DeviceSession } from './session.js';

export class SessionTable {
  private readonly byId = new Map<string, DeviceSession>();
  private readonly perAccount = new Map<string, number>();

  constructor(private readonly shared?: SharedSessionCap) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: string): DeviceSession | undefined {
    return this.byId.get(id);
  }

  has(session: DeviceSession): boolean {
    return this.byId.get(session.id) === session;
  }

  values(): IterableIterator<DeviceSession> {
    return this.byId.values();
  }

  ofAccount(accountSid: string): DeviceSession[] {
    return [...this.byId.values()].filter((session) => session.accountSid === accountSid);
  }

  /** Why a new session for `token` may not open, if it may not: its account's limit first, then the server's. */
  refusal(token: VerifiedToken, accountLimit: number, serverLimit: number): DeviceError | undefined {
    if ((this.perAccount.get(token.accountSid) ?? 0) >= accountLimit)
      return new DeviceError(
        'AccountLimitExceeded',
        `account ${token.accountSid} has ${accountLimit} device sessions, as many as its limit`,
      );
    if (this.byId.size >= serverLimit)
      return new DeviceError('TemporarilyUnavailable', 'this server has as many devices as it takes');
    return undefined;
  }

  /**
   * A new session for `token` within the limits (its unit of the shared cap taken), added; a
   * refusal is thrown as a DeviceError: AccountLimitExceeded past the account's limit here or
   * across the cluster, TemporarilyUnavailable when the server is full or the cluster cannot count.
   */
  async open(
    token: VerifiedToken,
    limits: { readonly perAccount: number; readonly total: number },
    now: number,
    resumes?: string,
  ): Promise<DeviceSession> {
    const refusal = this.refusal(token, limits.perAccount, limits.total);
    if (refusal) throw refusal;
    const session = new DeviceSession(token, now);
    if (this.shared && !(await this.takeShared(this.shared, token, limits.perAccount, session, resumes)))
      throw new DeviceError(
        'AccountLimitExceeded',
        `account ${token.accountSid} has ${limits.perAccount} device sessions across the cluster, as many as its limit`,
      );
    // Other sessions may have opened here meanwhile.
    const late = this.refusal(token, limits.perAccount, limits.total);
    if (late) {
      this.shared?.give(session.id);
      throw late;
    }
    this.add(session);
    return session;
  }

  /**
   * Takes the shared unit of a new session; at the limit, the session the device names (held on
   * another node, where it can no longer come back) is ended for this one.
   */
  private async takeShared(
    shared: SharedSessionCap,
    token: VerifiedToken,
    limit: number,
    session: DeviceSession,
    resumes: string | undefined,
  ): Promise<boolean> {
    try {
      const take = () => shared.take(token.accountSid, limit, session.id);
      if (await take()) return true;
      if (resumes === undefined || !(await shared.reclaim?.(token.accountSid, token.identity, resumes))) return false;
      return await take();
    } catch {
      throw new DeviceError('TemporarilyUnavailable', "the cluster cannot count the account's device sessions now");
    }
  }

  add(session: DeviceSession): void {
    this.byId.set(session.id, session);
    this.perAccount.set(session.accountSid, (this.perAccount.get(session.accountSid) ?? 0) + 1);
  }

  /** Stops the shared cap answering other nodes. */
  close(): void {
    this.shared?.close?.();
  }

  /** False when the session was not open. */
  delete(session: DeviceSession): boolean {
    if (!this.byId.delete(session.id)) return false;
    this.shared?.give(session.id);
    const left = (this.perAccount.get(session.accountSid) ?? 1) - 1;
    if (left > 0) this.perAccount.set(session.accountSid, left);
    else this.perAccount.delete(session.accountSid);
    return true;
  }
}
