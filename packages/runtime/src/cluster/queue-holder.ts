/**
 * The holder's side of a queue split across nodes: the queue (its order, its size, its average
 * wait, its SID) lives in this node's registry, exactly as on one node, with each member's call
 * named by the node that runs it. Agents waiting for a member are offered one when it comes; a
 * member offered to an agent that no longer waits goes back to the front. The holder renews the
 * placement key of every queue it holds while it holds it.
 */
import type { Clock } from '../clock/clock.js';
import { sizeQueue, type WaitStatus, waitStatusOf } from '../queue/access.js';
import type { QueueRegistry } from '../queue/queues.js';
import { openQueue } from '../queue/records.js';
import type { Bus, NodeId } from './bus.js';
import {
  type EnqueueBody,
  type MemberBody,
  type NextAnswer,
  type NextBody,
  type OfferBody,
  queueKey,
  type WaitingBody,
} from './queue-wire.js';

/** The holder's answer to an enqueue: and when the member joined, by the holder's clock (kept for a move). */
export interface Joined {
  readonly sid: string;
  readonly maxSize: number;
  readonly full: boolean;
  readonly enqueuedAt?: number;
}

export interface HolderParts {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly registry: QueueRegistry;
  readonly ttlMs: number;
  /** Offers a member to a waiting agent on `node`; resolves true when the agent took it. */
  readonly offer: (node: NodeId, body: OfferBody) => Promise<boolean>;
}

/** An agent waiting for a member, on its node. */
interface AgentWait {
  readonly node: NodeId;
  readonly stop: AbortController;
}

export class QueueHolder {
  private readonly waits = new Map<string, AgentWait>();
  private stopBeat: () => void = () => undefined;

  constructor(private readonly parts: HolderParts) {
    const beat = () => {
      void this.renew();
      // On the bus's clock: the holder's keys' TTLs run on it (cluster/bus.ts).
      this.stopBeat = parts.bus.clock.setTimer(beat, Math.max(1, Math.floor(parts.ttlMs / 3)));
    };
    beat();
  }

  /**
   * Puts a call in the queue (the stored queue of that name when this node did not hold it): at
   * the back, or, for a caller moved from a holder that died (`enqueuedAt`), where its first
   * join puts it among the others.
   */
  async enqueue(body: EnqueueBody, from: NodeId): Promise<Joined> {
    const { registry } = this.parts;
    const queue = await openQueue(registry, body.accountSid, body.name, () => undefined);
    await sizeQueue(registry, queue, body.maxSize);
    const answer = { sid: queue.sid, maxSize: queue.maxSize };
    const there = queue.entry(body.callSid);
    if (there) return { ...answer, full: false, enqueuedAt: there.enqueuedAt };
    if (queue.size >= queue.maxSize) return { ...answer, full: true };
    const member = { callSid: body.callSid, node: from, enqueuedAt: body.enqueuedAt ?? queue.stamp() };
    if (body.enqueuedAt === undefined) queue.join(member);
    else queue.rejoin(member);
    return { ...answer, full: false, enqueuedAt: member.enqueuedAt };
  }

  status(body: MemberBody): WaitStatus | null {
    const queue = this.parts.registry.get(body.accountSid, body.name);
    // Position 0: handed to an agent, whose take is on its way to the member's node.
    return queue ? waitStatusOf(queue, body.callSid) : null;
  }

  leave(body: MemberBody): void {
    this.parts.registry.get(body.accountSid, body.name)?.remove(body.callSid);
  }

  /** The front member now, or a wait that is offered the next member to come. */
  async next(body: NextBody, from: NodeId): Promise<NextAnswer> {
    const queue = await openQueue(this.parts.registry, body.accountSid, body.name, () => undefined);
    const never = new AbortController().signal;
    const first = queue.size > 0 ? await queue.next(0, never) : undefined;
    if (first) return { member: toBody(first, this.parts.bus.nodeId) };
    const stop = new AbortController();
    this.waits.set(body.wait, { node: from, stop });
    // The agent's node times its own wait and cancels it; this bound only keeps a lost wait from living forever.
    void queue.next(body.timeoutMs + 60_000, stop.signal).then(async (member) => {
      this.waits.delete(body.wait);
      if (!member) return;
      const taken = await this.parts
        .offer(from, { wait: body.wait, member: toBody(member, this.parts.bus.nodeId) })
        .catch(() => false);
      if (!taken) queue.requeue(member);
    });
    return { waiting: true };
  }

  cancel(wait: string): void {
    this.waits.get(wait)?.stop.abort();
    this.waits.delete(wait);
  }

  /** Nodes died (or this one is cut off): their members' calls are gone, their agents wait no more. */
  nodeDown(gone: (node: NodeId) => boolean): void {
    for (const [wait, agent] of [...this.waits]) if (gone(agent.node)) this.cancel(wait);
    for (const snapshot of this.parts.registry.list()) {
      const queue = this.parts.registry.find(snapshot.sid, snapshot.accountSid);
      if (!queue) continue;
      for (const { callSid } of queue.waiting()) {
        const node = queue.entry(callSid)?.node;
        if (node !== undefined && gone(node)) queue.remove(callSid);
      }
    }
  }

  /** Renews the placement key of every queue held here (claimed again if it ran out meanwhile). */
  private async renew(): Promise<void> {
    const { bus, registry, ttlMs } = this.parts;
    for (const queue of registry.list()) {
      const key = queueKey(queue.accountSid, queue.friendlyName);
      await (async () => (await bus.renewKey(key, bus.nodeId, ttlMs)) || bus.claimKey(key, bus.nodeId, ttlMs))().catch(
        () => false,
      );
    }
  }

  close(): void {
    this.stopBeat();
    for (const wait of [...this.waits.keys()]) this.cancel(wait);
  }
}

const toBody = (member: { callSid: string; node?: string }, self: NodeId): WaitingBody => ({
  callSid: member.callSid,
  node: member.node ?? self,
});
