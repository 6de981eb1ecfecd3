/**
 * Presence subscriptions: which sessions follow which identities (within their account), and
 * the `presence` messages they get, once on subscribing and on every change.
 */
import { DeviceError, LIMITS } from '@patchbay/sdk/protocol';
import type { PresenceRecord } from './presence.js';
import type { DeviceSession } from './session.js';

type PresenceMessage = {
  readonly type: 'presence';
  readonly identity: string;
  readonly status: 'online' | 'offline';
  readonly registrations: number;
  readonly lastSeenAt: number;
};

function presenceMessage(record: PresenceRecord): PresenceMessage {
  return {
    type: 'presence',
    identity: record.identity,
    status: record.status,
    registrations: record.registrations,
    lastSeenAt: record.lastSeenAt,
  };
}

const key = (accountSid: string, identity: string) => `${accountSid} ${identity}`;

export class Followers {
  /** Sessions following each identity, by `account identity`. */
  private readonly watchers = new Map<string, Set<DeviceSession>>();

  constructor(
    private readonly push: (session: DeviceSession, message: PresenceMessage) => void,
    /** An identity's first follower here (told `told`), or its last one gone: on a cluster, its changes elsewhere are heard meanwhile. */
    private readonly watch?: (accountSid: string, identity: string, watching: boolean, told?: PresenceRecord) => void,
  ) {}

  /** An identity's presence changed: every follower hears of it. */
  notify(record: PresenceRecord): void {
    for (const watcher of this.watchers.get(key(record.accountSid, record.identity)) ?? [])
      this.push(watcher, presenceMessage(record));
  }

  /** `session` follows these identities: their presence now (from `current`), then every change. */
  follow(
    session: DeviceSession,
    identities: readonly string[],
    current: (identity: string) => PresenceRecord | undefined,
  ): void {
    const fresh = identities.filter((identity) => !session.following.has(identity));
    if (session.following.size + fresh.length > LIMITS.maxSubscriptions)
      throw new DeviceError('TooManyRequests', `a session follows at most ${LIMITS.maxSubscriptions} identities`);
    for (const identity of fresh) {
      session.following.add(identity);
      const watchKey = key(session.accountSid, identity);
      let watchers = this.watchers.get(watchKey);
      if (!watchers) {
        watchers = new Set();
        this.watchers.set(watchKey, watchers);
      }
      watchers.add(session);
      const record: PresenceRecord = current(identity) ?? {
        accountSid: session.accountSid,
        identity,
        status: 'offline',
        registrations: 0,
        lastSeenAt: 0,
      };
      this.push(session, presenceMessage(record));
      if (watchers.size === 1) this.watch?.(session.accountSid, identity, true, record);
    }
  }

  unfollow(session: DeviceSession, identity: string): void {
    if (!session.following.delete(identity)) return;
    const watchKey = key(session.accountSid, identity);
    const watchers = this.watchers.get(watchKey);
    watchers?.delete(session);
    if (watchers?.size !== 0) return;
    this.watchers.delete(watchKey);
    this.watch?.(session.accountSid, identity, false);
  }

  /** The session is ending: it follows nobody. */
  dropAll(session: DeviceSession): void {
    for (const identity of [...session.following]) this.unfollow(session, identity);
  }
}
