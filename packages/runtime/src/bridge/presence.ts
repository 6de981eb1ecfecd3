/**
 * Who is online: the registrations of each identity, per account, and when each identity was
 * last seen. Offline identities are remembered (the most recent 10,000) so "last seen" answers
 * after a device has gone.
 */

export interface PresenceRecord {
  readonly accountSid: string;
  readonly identity: string;
  readonly status: 'online' | 'offline';
  readonly registrations: number;
  /** Now while online; when the last registration ended, once offline (ms). */
  readonly lastSeenAt: number;
}

interface Registrant {
  readonly accountSid: string;
  readonly identity: string;
}

interface Entry<S> {
  readonly sessions: Set<S>;
  lastSeenAt: number;
}

const REMEMBERED_OFFLINE = 10_000;

export class Presence<S extends Registrant = Registrant> {
  private readonly accounts = new Map<string, Map<string, Entry<S>>>();
  /** Offline identities, oldest first, as `account identity` keys. */
  private readonly offline = new Map<string, [string, string]>();

  constructor(
    private readonly now: () => number,
    private readonly changed: (record: PresenceRecord) => void,
  ) {}

  private entry(accountSid: string, identity: string): Entry<S> | undefined {
    return this.accounts.get(accountSid)?.get(identity);
  }

  add(session: S): void {
    let identities = this.accounts.get(session.accountSid);
    if (!identities) {
      identities = new Map();
      this.accounts.set(session.accountSid, identities);
    }
    let entry = identities.get(session.identity);
    if (!entry) {
      entry = { sessions: new Set(), lastSeenAt: this.now() };
      identities.set(session.identity, entry);
    }
    entry.sessions.add(session);
    this.offline.delete(`${session.accountSid} ${session.identity}`);
    this.changed(this.record(session.accountSid, session.identity, entry));
  }

  remove(session: S): void {
    const entry = this.entry(session.accountSid, session.identity);
    if (!entry?.sessions.delete(session)) return;
    entry.lastSeenAt = this.now();
    if (entry.sessions.size === 0) {
      this.offline.set(`${session.accountSid} ${session.identity}`, [session.accountSid, session.identity]);
      if (this.offline.size > REMEMBERED_OFFLINE) this.forgetOldest();
    }
    this.changed(this.record(session.accountSid, session.identity, entry));
  }

  private forgetOldest(): void {
    const [key, [accountSid, identity]] = this.offline.entries().next().value as [string, [string, string]];
    this.offline.delete(key);
    const identities = this.accounts.get(accountSid);
    identities?.delete(identity);
    if (identities?.size === 0) this.accounts.delete(accountSid);
  }

  count(accountSid: string, identity: string): number {
    return this.entry(accountSid, identity)?.sessions.size ?? 0;
  }

  sessions(accountSid: string, identity: string): S[] {
    return [...(this.entry(accountSid, identity)?.sessions ?? [])];
  }

  private record(accountSid: string, identity: string, entry: Entry<S>): PresenceRecord {
    const online = entry.sessions.size > 0;
    return {
      accountSid,
      identity,
      status: online ? 'online' : 'offline',
      registrations: entry.sessions.size,
      lastSeenAt: online ? this.now() : entry.lastSeenAt,
    };
  }

  /** One identity (empty when never seen), or every identity of the account, online first. */
  list(accountSid: string, identity?: string): PresenceRecord[] {
    const identities = this.accounts.get(accountSid);
    if (!identities) return [];
    if (identity !== undefined) {
      const entry = identities.get(identity);
      return entry ? [this.record(accountSid, identity, entry)] : [];
    }
    return [...identities]
      .map(([name, entry]) => this.record(accountSid, name, entry))
      .sort((a, b) => (a.status === b.status ? a.identity.localeCompare(b.identity) : a.status === 'online' ? -1 : 1));
  }
}
