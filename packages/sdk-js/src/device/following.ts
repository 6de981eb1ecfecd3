/**
 * The identities a device follows (`device.subscribe`): their latest presence, kept across
 * reconnects and followed again when the server starts a new session.
 *
 * @example
 * const following = new Following((type, identities) => request(type, { identities }));
 * await following.subscribe(['bob']);
 */

/** Presence of a followed identity. */
export interface Presence {
  readonly identity: string;
  readonly status: 'online' | 'offline';
  readonly registrations: number;
  /** When last seen, ms since the epoch (0: never). */
  readonly lastSeenAt: number;
}

export class Following {
  /** Identities followed, with their latest presence. */
  private readonly followed = new Map<string, Presence | undefined>();

  constructor(
    private readonly request: (type: 'subscribe' | 'unsubscribe', identities: string[]) => Promise<unknown>,
  ) {}

  async subscribe(identities: readonly string[]): Promise<void> {
    const fresh = identities.filter((identity) => !this.followed.has(identity));
    if (fresh.length === 0) return;
    for (const identity of fresh) this.followed.set(identity, undefined);
    try {
      await this.request('subscribe', fresh);
    } catch (error) {
      for (const identity of fresh) this.followed.delete(identity);
      throw error;
    }
  }

  async unsubscribe(identities: readonly string[]): Promise<void> {
    const known = identities.filter((identity) => this.followed.delete(identity));
    if (known.length > 0) await this.request('unsubscribe', known);
  }

  presenceOf(identity: string): Presence | undefined {
    return this.followed.get(identity);
  }

  /** A new session: follows everything again (nothing to do when nothing is followed). */
  resubscribe(): Promise<unknown> | undefined {
    return this.followed.size > 0 ? this.request('subscribe', [...this.followed.keys()]) : undefined;
  }

  /** Keeps a presence the server sent; false if this device does not follow that identity. */
  update(presence: Presence): boolean {
    if (!this.followed.has(presence.identity)) return false;
    this.followed.set(presence.identity, presence);
    return true;
  }
}
