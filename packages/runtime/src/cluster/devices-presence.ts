/**
 * Device presence across nodes: which nodes hold registered devices of an (account, identity),
 * or carry a device's commands. A node adds itself to the member set on the bus while it holds
 * something there, renews the entry well within its TTL, and removes it when it holds it no
 * more; a node that dies renews nothing, so it stops being listed within the TTL (and at once
 * for callers that look, since only live members of the cluster are answered).
 *
 * @example
 * const presence = new ClusterPresence(bus, clock);
 * bridge.events.on('presence', (record) => presence.changed(record));
 * await presence.nodes('AC…', 'alice'); // ['node-a', 'node-c']
 */
import { createHash } from 'node:crypto';
import type { PresenceRecord } from '../bridge/presence.js';
import type { Clock } from '../clock/clock.js';
import { type Bus, DEFAULT_LEASE_MS, type NodeId } from './bus.js';

/** The member set of an identity: the identity hashed, since identities may hold any character. */
export function presenceSet(accountSid: string, identity: string): string {
  const hashed = createHash('sha256').update(identity).digest('base64url').slice(0, 32);
  return `devices:${accountSid}:${hashed}`;
}

export interface ClusterPresenceOptions {
  /** How long an entry lives without renewal: a dead node is listed at most this long. @default 10000 */
  readonly ttlMs?: number;
  /** Reports a failed write to the bus (the next renewal tries again). */
  readonly onError?: (error: unknown) => void;
}

export class ClusterPresence {
  /** Sets this node is a member of: identities with registrations here. */
  private readonly held = new Set<string>();
  private readonly ttlMs: number;
  private stopRenewal: () => void = () => {};
  private closed = false;

  constructor(
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly options: ClusterPresenceOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_MS;
    this.renewLater();
  }

  /** A registration count changed on this node (the bridge's presence event). */
  changed(record: PresenceRecord): void {
    this.hold(presenceSet(record.accountSid, record.identity), record.registrations > 0);
  }

  /** This node holds something of `set` (or holds it no more). */
  hold(set: string, holding: boolean): void {
    if (this.closed) return;
    if (holding) {
      if (this.held.has(set)) return;
      this.held.add(set);
      this.write(this.bus.addMember(set, this.bus.nodeId, this.ttlMs));
    } else if (this.held.delete(set)) this.write(this.bus.removeMember(set, this.bus.nodeId));
  }

  /** The other live nodes holding registrations of the identity. */
  nodes(accountSid: string, identity: string): Promise<NodeId[]> {
    return this.holders(presenceSet(accountSid, identity));
  }

  /** The other live nodes holding something of `set`. */
  async holders(set: string): Promise<NodeId[]> {
    const [members, live] = await Promise.all([this.bus.members(set), this.bus.nodes()]);
    const alive = new Set(live.map((node) => node.id));
    return members.filter((node) => node !== this.bus.nodeId && alive.has(node));
  }

  /** Stops renewing and removes this node's entries (a node that leaves). */
  async close(): Promise<void> {
    this.closed = true;
    this.stopRenewal();
    const sets = [...this.held];
    this.held.clear();
    await Promise.all(sets.map((set) => this.bus.removeMember(set, this.bus.nodeId).catch(() => false)));
  }

  private renewLater(): void {
    // On the bus's clock: the members' TTLs run on it (cluster/bus.ts).
    this.stopRenewal = this.bus.clock.setTimer(
      () => {
        for (const set of this.held) this.write(this.bus.addMember(set, this.bus.nodeId, this.ttlMs));
        if (!this.closed) this.renewLater();
      },
      Math.max(1, Math.floor(this.ttlMs / 3)),
    );
  }

  private write(done: Promise<unknown>): void {
    done.catch((error: unknown) => this.options.onError?.(error));
  }
}
