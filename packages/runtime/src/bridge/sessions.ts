/**
 * The bridge's sessions by id, counted per account, so that each account stays within its own
 * limit and no account can fill the server's: one tenant's devices degrade only that tenant.
 */
import { DeviceError } from '@patchbay/sdk/protocol';
import type { VerifiedToken } from './access-tokens.js';
import type { DeviceSession } from './session.js';

export class SessionTable {
  private readonly byId = new Map<string, DeviceSession>();
  private readonly perAccount = new Map<string, number>();

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

  add(session: DeviceSession): void {
    this.byId.set(session.id, session);
    this.perAccount.set(session.accountSid, (this.perAccount.get(session.accountSid) ?? 0) + 1);
  }

  /** False when the session was not open. */
  delete(session: DeviceSession): boolean {
    if (!this.byId.delete(session.id)) return false;
    const left = (this.perAccount.get(session.accountSid) ?? 1) - 1;
    if (left > 0) this.perAccount.set(session.accountSid, left);
    else this.perAccount.delete(session.accountSid);
    return true;
  }
}
