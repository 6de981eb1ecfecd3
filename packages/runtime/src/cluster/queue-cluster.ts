/**
 * Queues across the nodes of a cluster. A queue (account + name) lives on one node at a time,
 * placed by load when it is first used (placement.ts, as conferences are); a caller whose call
 * runs elsewhere waits in it from its own node (its `waitUrl` runs there, with the position and
 * sizes read from the holder), and an agent's `<Dial><Queue>` on any node takes the front member
 * and is bridged to it through a pair of trunk legs (queue-pairs.ts; none when both calls run on
 * one node). A holder that dies takes its queues' order with it: their callers elsewhere move to
 * the queue placed afresh, which adopts the stored queue (queue-move.ts, queue/records.ts).
 *
 * @example
 * const cluster = new QueueCluster({ bus, clock, media, registry, liveCalls });
 * registry.placement = cluster; // createRuntime({ bus }) does both
 */
import type { Clock } from '../clock/clock.js';
import type { MediaAdapter } from '../media/types.js';
import type { Enqueued, EnqueueRequest, NextRequest, Offered, QueueAccess, WaitStatus } from '../queue/access.js';
import type { QueueMember, QueueRegistry, QueueSnapshot } from '../queue/queues.js';
import { type Bus, DEFAULT_LEASE_MS, type NodeDown, type NodeId, type Unsubscribe } from './bus.js';
import { carriesTrunks } from './conference-trunk.js';
import { NodeLoad, place } from './placement.js';
import { awaitOffer, claimOffered } from './queue-agent.js';
import { type Joined, QueueHolder } from './queue-holder.js';
import { type AgentWait, dropHolders, type Local, MOVED, type MoveHost, standing } from './queue-move.js';
import { type MemberEnd, type RemoteMember, takenBy } from './queue-pairs.js';
import { serveQueueMethods } from './queue-serve.js';
import {
  type EnqueueBody,
  METHODS,
  type MemberBody,
  type NextAnswer,
  type NextBody,
  type OfferBody,
  queueKey,
  type TakeAnswer,
  type TakeBody,
  type WaitingBody,
} from './queue-wire.js';

export interface QueueClusterParts {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly media: MediaAdapter;
  readonly registry: QueueRegistry;
  /** This node's live calls (its load; the conference cluster publishes it). */
  readonly liveCalls: () => number;
  /** How long a placement key lives without renewal. @default DEFAULT_LEASE_MS */
  readonly ttlMs?: number;
  /** How long a node has to answer a request. @default 5000 */
  readonly requestTimeoutMs?: number;
}

export class QueueCluster implements QueueAccess, MoveHost {
  readonly holder: QueueHolder;
  private readonly load: NodeLoad;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  /** Callers of this node waiting in a queue, by call SID. */
  readonly locals = new Map<string, Local>();
  /** Agents of this node waiting for a member, by wait id. */
  readonly waits = new Map<string, AgentWait>();
  /** Members on other nodes taken by agents of this node, by pair id. */
  readonly remotes = new Map<string, RemoteMember>();
  /** Callers of this node taken by agents on other nodes, by pair id. */
  readonly ends = new Map<string, MemberEnd>();
  private ids = 0;
  private readonly stops: Unsubscribe[] = [];

  constructor(private readonly parts: QueueClusterParts) {
    const { bus } = parts;
    this.ttlMs = parts.ttlMs ?? DEFAULT_LEASE_MS;
    this.timeoutMs = parts.requestTimeoutMs ?? 5000;
    this.load = new NodeLoad(bus, parts.liveCalls, this.ttlMs);
    this.holder = new QueueHolder({
      bus,
      clock: parts.clock,
      registry: parts.registry,
      ttlMs: this.ttlMs,
      offer: (node, body) =>
        node === bus.nodeId
          ? Promise.resolve(this.offered(body))
          : this.ask<{ taken: boolean }>(node, METHODS.offer, body).then((answer) => answer.taken),
    });
    this.stops.push(serveQueueMethods(bus, this));
    const onDown = ({ node }: NodeDown) => this.nodeDown(node);
    const onPartitioned = () => this.partitioned();
    bus.on('node-down', onDown);
    bus.on('partitioned', onPartitioned);
    this.stops.push(() => {
      bus.off('node-down', onDown);
      bus.off('partitioned', onPartitioned);
    });
  }

  /** The node holding the account's queue of this name, placing it by load when it is nowhere. */
  holderOf(accountSid: string, name: string): Promise<NodeId> {
    return place(this.parts.bus, this.load, queueKey(accountSid, name), this.ttlMs);
  }

  /** Sends to another node in the background (its death, if that is why it fails, is handled as such). */
  tell(node: NodeId, method: string, body: unknown): void {
    void this.parts.bus.request(node, method, body, { timeoutMs: this.timeoutMs }).catch(() => undefined);
  }

  ask<T>(node: NodeId, method: string, body: unknown): Promise<T> {
    return this.parts.bus.request<T>(node, method, body, { timeoutMs: this.timeoutMs });
  }

  get bus(): Bus {
    return this.parts.bus;
  }

  get clock(): Clock {
    return this.parts.clock;
  }

  enqueueAt(holder: NodeId, body: EnqueueBody): Promise<Joined> {
    return this.toHolder(holder, METHODS.enqueue, body, () => this.holder.enqueue(body, this.parts.bus.nodeId));
  }

  /** Asks the holder: this node's holder directly, another node's over the bus. */
  private toHolder<T>(holder: NodeId, method: string, body: unknown, here: () => T | Promise<T>): Promise<T> {
    return holder === this.parts.bus.nodeId ? Promise.resolve(here()) : this.ask<T>(holder, method, body);
  }

  async enqueue({ accountSid, name, maxSize, member }: EnqueueRequest): Promise<Enqueued> {
    let holder: NodeId;
    try {
      holder = await this.holderOf(accountSid, name);
    } catch (error) {
      return { unplaced: String((error as Error).message) };
    }
    const body: EnqueueBody = {
      accountSid,
      name,
      callSid: member.callSid,
      ...(maxSize === undefined ? {} : { maxSize }),
    };
    // Known before the holder answers: an agent may take the member at once.
    this.locals.set(member.callSid, { member, holder, key: queueKey(accountSid, name), accountSid, name });
    try {
      const answer = await this.enqueueAt(holder, body);
      if (answer.full) this.forget(member);
      else this.joinedAt(member, answer.enqueuedAt);
      return answer;
    } catch (error) {
      this.forget(member);
      return { unplaced: `queue "${name}" on node ${holder} could not be reached: ${String(error)}` };
    }
  }

  status(accountSid: string, name: string, member: QueueMember): Promise<WaitStatus | undefined> {
    return standing(this, { accountSid, name, callSid: member.callSid }, member, this.ttlMs);
  }

  /** Where a caller stands at `holder`: null when the queue is not there, rejects when it does not answer. */
  statusAt(holder: NodeId, body: MemberBody): Promise<WaitStatus | null> {
    return this.toHolder(holder, METHODS.status, body, () => this.holder.status(body));
  }

  leave(accountSid: string, name: string, member: QueueMember): void {
    const local = this.locals.get(member.callSid);
    if (local?.member !== member) return;
    this.forget(member);
    const body: MemberBody = { accountSid, name, callSid: member.callSid };
    if (local.holder === this.parts.bus.nodeId) this.holder.leave(body);
    else this.tell(local.holder, METHODS.leave, body);
  }

  /** Keeps when the holder says the member joined: a move to a new holder keeps its place by it. */
  private joinedAt(member: QueueMember, at: number | undefined): void {
    const local = this.locals.get(member.callSid);
    if (local?.member === member && at !== undefined) this.locals.set(member.callSid, { ...local, joinedAt: at });
  }

  private forget(member: QueueMember): void {
    if (this.locals.get(member.callSid)?.member === member) this.locals.delete(member.callSid);
  }

  async next({ accountSid, name, agentCallSid, timeoutMs, signal }: NextRequest): Promise<Offered | undefined> {
    const { clock, bus } = this.parts;
    const deadline = clock.now() + timeoutMs;
    let holder: NodeId;
    try {
      holder = await this.holderOf(accountSid, name);
    } catch {
      return undefined;
    }
    while (!signal.aborted && clock.now() < deadline) {
      const wait = `${bus.nodeId}/${++this.ids}`;
      const body: NextBody = { accountSid, name, wait, timeoutMs: deadline - clock.now() };
      const offered = new Promise<WaitingBody | undefined | typeof MOVED>((resolve) =>
        this.waits.set(wait, { holder, offered: resolve }),
      );
      const answer = await this.toHolder<NextAnswer>(holder, METHODS.next, body, () =>
        this.holder.next(body, bus.nodeId),
      ).catch(() => undefined);
      if (!answer) {
        this.waits.delete(wait);
        return undefined;
      }
      const member = 'member' in answer ? answer.member : await awaitOffer(this, wait, offered, deadline, signal);
      this.waits.delete(wait);
      if (member === MOVED) {
        // Its holder died: the agent waits on at the queue's new holder.
        holder = await this.holderOf(accountSid, name).catch(() => '');
        if (holder === '') return undefined;
        continue;
      }
      if (!member) return undefined;
      const taken = await claimOffered(this, member, agentCallSid, () => `${bus.nodeId}/${++this.ids}`);
      if (taken) return taken;
      // The member's call went meanwhile: the next one.
    }
    return undefined;
  }

  /** The holder offers a member to a waiting agent of this node: taken unless the agent gave up. */
  offered({ wait, member }: OfferBody): boolean {
    const entry = this.waits.get(wait);
    if (!entry) return false;
    this.waits.delete(wait);
    entry.offered(member);
    return true;
  }

  /** An agent on `from` takes a caller of this node. */
  take(body: TakeBody, from: NodeId): Promise<TakeAnswer> {
    const waiting = () => {
      const local = this.locals.get(body.callSid);
      return local && !local.member.isTaken && !local.member.ended.aborted ? local.member : undefined;
    };
    if (!waiting() || !carriesTrunks(this.parts.media)) return Promise.resolve({ ok: false });
    return takenBy(this, body, from, waiting, () => this.locals.delete(body.callSid));
  }

  /** The account's queues this node holds (a REST list gathers every node's). */
  listHere(accountSid: string): QueueSnapshot[] {
    return this.parts.registry.list(accountSid);
  }

  /** The account's queues on every live node (a node that does not answer is left out). */
  async listAll(accountSid: string): Promise<QueueSnapshot[]> {
    const { bus } = this.parts;
    const others = (await bus.nodes()).map((node) => node.id).filter((node) => node !== bus.nodeId);
    const lists = await Promise.all(
      others.map((node) => this.ask<QueueSnapshot[]>(node, METHODS.list, { accountSid }).catch(() => [])),
    );
    return [this.listHere(accountSid), ...lists].flat();
  }

  get media(): MediaAdapter {
    return this.parts.media;
  }

  /** A node died: its callers and agents leave the queues here; this node's move from its queues. */
  private nodeDown(node: NodeId): void {
    this.holder.nodeDown((other) => other === node);
    dropHolders(this, (other) => other === node);
  }

  /** This node lost the bus: every other node is gone for it. */
  private partitioned(): void {
    const self = this.parts.bus.nodeId;
    this.holder.nodeDown((other) => other !== self);
    dropHolders(this, (other) => other !== self);
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.holder.close();
    for (const remote of [...this.remotes.values()]) remote.hangup();
    for (const end of [...this.ends.values()]) end.close();
  }
}
