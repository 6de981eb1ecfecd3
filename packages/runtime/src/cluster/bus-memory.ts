/**
 * The in-process bus: the default, for one node. Nothing leaves the process; a publish is a loop
 * over this process's subscribers, a counter is a number. Several buses may share one `BusHub`
 * to act as several nodes in one process (tests of what the cluster does with two runtimes),
 * with the same lease rules as the Redis bus on the hub's clock.
 *
 * @example
 * const bus = new InProcessBus({ nodeId: 'local' }); // one node
 * const hub = new BusHub(clock);
 * const a = new InProcessBus({ nodeId: 'a', hub }), b = new InProcessBus({ nodeId: 'b', hub });
 */
import { EventEmitter } from 'eventemitter3';
import { type Clock, systemClock } from '../clock/clock.js';
import {
  type Bus,
  type BusEvents,
  type BusOptions,
  busTimeout,
  checkMs,
  checkName,
  DEFAULT_LEASE_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  encodeBody,
  type NodeId,
  type NodeInfo,
  nodeGone,
  partitionedError,
  type RemoteFailure,
  type RequestOptions,
  remoteFailure,
  type Unsubscribe,
} from './bus.js';
import { BusHandlers, type MethodHandler, type TopicHandler } from './bus-handlers.js';
import { claimNodeId } from './node-id.js';

interface Member {
  readonly bus: InProcessBus;
  readonly info: NodeInfo;
  seenAt: number;
}

/** What several in-process buses share: members, keys, counters. */
export class BusHub {
  readonly members = new Map<NodeId, Member>();
  readonly keys = new Map<string, { value: string; expiresAt: number }>();
  readonly counters = new Map<string, Map<NodeId, number>>();
  readonly windows = new Map<string, { count: number; endsAt: number }>();
  /** Member sets: each member with its own expiry (ms). */
  readonly sets = new Map<string, Map<string, number>>();

  constructor(readonly clock: Clock = systemClock) {}

  key(key: string): string | undefined {
    const entry = this.keys.get(key);
    if (entry && entry.expiresAt <= this.clock.now()) this.keys.delete(key);
    return this.keys.get(key)?.value;
  }

  /** Declares members whose lease ran out down; `sweeper` is the survivor that noticed first. */
  sweep(sweeper: NodeId, leaseMs: number): void {
    const now = this.clock.now();
    for (const [id, member] of this.members) {
      if (id !== sweeper && now - member.seenAt > leaseMs) this.down(id, sweeper);
    }
  }

  down(id: NodeId, claimer: NodeId | undefined): void {
    if (!this.members.delete(id)) return;
    for (const counter of this.counters.values()) counter.delete(id);
    for (const member of this.members.values())
      member.bus.emit('node-down', { node: id, claimed: member.bus.nodeId === claimer });
  }
}

export class InProcessBus extends EventEmitter<BusEvents> implements Bus {
  readonly kind = 'in-process';
  readonly nodeId: NodeId;
  private readonly hub: BusHub;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly handlers = new BusHandlers();
  private stopHeartbeat: (() => void) | undefined;
  private started = false;
  private isConnected = true;

  constructor(options: BusOptions & { hub?: BusHub; clock?: Clock }) {
    super();
    this.nodeId = checkName(options.nodeId, 'node id');
    this.hub = options.hub ?? new BusHub(options.clock);
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(this.leaseMs / 3));
  }

  /** The hub's clock: its keys, members and leases run on it. */
  get clock(): Clock {
    return this.hub.clock;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { nodeId, leaseMs, heartbeatMs } = this;
    const { clock } = this.hub;
    // A member under this id whose lease has not run out (another bus: this one is not listed yet).
    const holder = () => {
      const member = this.hub.members.get(nodeId);
      const ageMs = clock.now() - (member?.seenAt ?? 0);
      return member && ageMs <= leaseMs ? { beatAt: member.seenAt, ageMs } : undefined;
    };
    await claimNodeId({ nodeId, clock, leaseMs, heartbeatMs }, async () => holder()).catch((error: unknown) => {
      this.started = false;
      throw error;
    });
    const now = this.hub.clock.now();
    this.hub.members.set(this.nodeId, { bus: this, info: { id: this.nodeId, startedAt: now }, seenAt: now });
    for (const member of this.hub.members.values()) if (member.bus !== this) member.bus.emit('node-up', this.nodeId);
    // Alone in the hub (the default single node), there is nobody to watch and nothing to renew.
    this.beat();
  }

  private beat(): void {
    this.stopHeartbeat = this.hub.clock.setTimer(() => {
      const me = this.hub.members.get(this.nodeId);
      if (!me || me.bus !== this) return;
      me.seenAt = this.hub.clock.now();
      this.hub.sweep(this.nodeId, this.leaseMs);
      this.beat();
    }, this.heartbeatMs);
  }

  async close(options: { leave?: boolean } = {}): Promise<void> {
    this.stopHeartbeat?.();
    this.stopHeartbeat = undefined;
    this.handlers.clear();
    if (!this.started) return;
    this.started = false;
    // Leaving: the others hear it now (nobody has to take over: the node ended its own work).
    if (options.leave !== false) {
      if (this.hub.members.get(this.nodeId)?.bus === this) this.hub.down(this.nodeId, undefined);
    } else {
      // Killed: it stays a member, silent, until its lease runs out.
      this.isConnected = false;
    }
  }

  async publish(topic: string, body: unknown): Promise<void> {
    this.live('publish');
    const text = encodeBody(body, `publish ${checkName(topic, 'topic')}`);
    for (const member of this.hub.members.values()) member.bus.deliver(topic, text, this.nodeId);
  }

  private deliver(topic: string, text: string, from: NodeId): void {
    const handlers = this.handlers.heard(topic);
    if (handlers.length === 0) return;
    // Like a socket: heard after the publisher's turn, each handler with its own copy.
    queueMicrotask(() => {
      for (const handler of handlers) handler(JSON.parse(text), from);
    });
  }

  async subscribe(topic: string, handler: TopicHandler): Promise<Unsubscribe> {
    const { stop } = this.handlers.listen(topic, handler);
    return () => void stop();
  }

  serve(method: string, handler: MethodHandler): Unsubscribe {
    return this.handlers.serve(method, handler);
  }

  async request<T>(node: NodeId, method: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    this.live(`request ${method}`);
    const text = encodeBody(body, `request ${method}`);
    const target = this.hub.members.get(node);
    if (!target) throw nodeGone(node, method);
    if (!target.bus.connected) {
      // A member that stopped without leaving: like a dead socket, silence until the timeout.
      const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      await new Promise<void>((resolve) => this.hub.clock.setTimer(resolve, timeoutMs));
      throw this.hub.members.has(node) ? busTimeout(node, method, timeoutMs) : nodeGone(node, method);
    }
    return target.bus.answer(method, text, this.nodeId) as Promise<T>;
  }

  private answer(method: string, text: string, from: NodeId): Promise<unknown> {
    return this.handlers
      .answer(method, JSON.parse(text), from)
      .catch((failure: RemoteFailure) => Promise.reject(remoteFailure(this.nodeId, method, failure)));
  }

  async setKey(key: string, value: string, ttlMs: number): Promise<void> {
    this.hub.keys.set(checkName(key, 'key'), { value, expiresAt: this.hub.clock.now() + checkMs(ttlMs, 'TTL') });
  }

  async claimKey(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.hub.key(checkName(key, 'key')) !== undefined) return false;
    await this.setKey(key, value, ttlMs);
    return true;
  }

  async getKey(key: string): Promise<string | undefined> {
    return this.hub.key(checkName(key, 'key'));
  }

  async deleteKey(key: string, ifValue?: string): Promise<boolean> {
    const current = this.hub.key(checkName(key, 'key'));
    if (current === undefined || (ifValue !== undefined && current !== ifValue)) return false;
    return this.hub.keys.delete(key);
  }

  async renewKey(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.hub.key(checkName(key, 'key')) !== value) return false;
    await this.setKey(key, value, ttlMs);
    return true;
  }

  async take(counter: string, limit: number): Promise<boolean> {
    this.live('take');
    const shares = this.hub.counters.get(checkName(counter, 'counter')) ?? new Map<NodeId, number>();
    this.hub.counters.set(counter, shares);
    if (sum(shares) >= limit) return false;
    shares.set(this.nodeId, (shares.get(this.nodeId) ?? 0) + 1);
    return true;
  }

  async give(counter: string): Promise<void> {
    const shares = this.hub.counters.get(checkName(counter, 'counter'));
    const mine = shares?.get(this.nodeId) ?? 0;
    if (!shares || mine <= 0) return;
    if (mine === 1) shares.delete(this.nodeId);
    else shares.set(this.nodeId, mine - 1);
    if (shares.size === 0) this.hub.counters.delete(counter);
  }

  async count(counter: string): Promise<number> {
    const shares = this.hub.counters.get(checkName(counter, 'counter'));
    return shares ? sum(shares) : 0;
  }

  async hit(counter: string, windowMs: number): Promise<number> {
    this.live('hit');
    const now = this.hub.clock.now();
    let window = this.hub.windows.get(checkName(counter, 'counter'));
    if (!window || window.endsAt <= now) {
      // Windows are keyed per account and second: drop the ended ones before they pile up.
      if (this.hub.windows.size > 10_000)
        for (const [key, old] of this.hub.windows) if (old.endsAt <= now) this.hub.windows.delete(key);
      window = { count: 0, endsAt: now + checkMs(windowMs, 'window') };
      this.hub.windows.set(counter, window);
    }
    window.count += 1;
    return window.count;
  }

  async nodes(): Promise<readonly NodeInfo[]> {
    return [...this.hub.members.values()].map((member) => member.info);
  }

  async addMember(set: string, member: string, ttlMs: number): Promise<void> {
    // A node that stopped (or lost the others) renews nothing: its entries run out, as on Redis.
    this.live('addMember');
    const members = this.hub.sets.get(checkName(set, 'set')) ?? new Map<string, number>();
    this.hub.sets.set(set, members);
    members.set(checkName(member, 'member'), this.hub.clock.now() + checkMs(ttlMs, 'TTL'));
  }

  async removeMember(set: string, member: string): Promise<boolean> {
    const members = this.hub.sets.get(checkName(set, 'set'));
    const removed = members?.delete(member) ?? false;
    if (members?.size === 0) this.hub.sets.delete(set);
    return removed;
  }

  async members(set: string): Promise<string[]> {
    const members = this.hub.sets.get(checkName(set, 'set'));
    if (!members) return [];
    const now = this.hub.clock.now();
    for (const [member, expiresAt] of members) if (expiresAt <= now) members.delete(member);
    if (members.size === 0) this.hub.sets.delete(set);
    return [...members.keys()].sort();
  }

  private live(what: string): void {
    if (!this.isConnected) throw partitionedError(this.nodeId, what);
  }
}

function sum(shares: ReadonlyMap<NodeId, number>): number {
  let total = 0;
  for (const share of shares.values()) total += share;
  return total;
}
