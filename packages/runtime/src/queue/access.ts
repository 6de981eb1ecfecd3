/**
 * How `<Enqueue>` and `<Dial><Queue>` reach a queue, wherever it lives: on this node (the
 * registry's own queues) or, in a cluster, on the node holding it (cluster/queue-cluster.ts).
 * The verbs are the same either way; what differs is where the queue's order is kept and where
 * the member's call runs.
 *
 * @example
 * const access = queueAccess(context.queues);
 * const joined = await access.enqueue({ accountSid, name, member });
 * const member = await access.next({ accountSid, name, agentCallSid, timeoutMs, signal });
 */
import type { MediaLeg } from '../media/types.js';
import type { CallQueue, QueueMember, QueueRegistry } from './queues.js';
import { openQueue, saveQueue } from './records.js';

/** Where a waiting member stands, for its `waitUrl` (QueuePosition, CurrentQueueSize, ...). */
export interface WaitStatus {
  readonly sid: string;
  readonly position: number;
  readonly size: number;
  readonly maxSize: number;
  readonly averageWaitSeconds: number;
}

/** What a waiting call's `waitUrl` is told of its queue (a call no longer in it is at position 0). */
export function waitStatusOf(queue: CallQueue, callSid: string): WaitStatus {
  return {
    sid: queue.sid,
    position: queue.position(callSid),
    size: queue.size,
    maxSize: queue.maxSize,
    averageWaitSeconds: queue.averageWaitSeconds(),
  };
}

/** The queue took the member (or was full), or it could not be reached. */
export type Enqueued =
  | { readonly sid: string; readonly maxSize: number; readonly full: boolean }
  | { readonly unplaced: string };

/** What an agent takes from a queue: the member's call, wherever it runs. */
export interface Offered {
  readonly callSid: string;
  /** The member's media, as the agent's node bridges it (the member's leg, or a trunk to its node). */
  readonly leg: MediaLeg;
  /** Runs a document on the member's call before the bridge (Dial Queue `url`); false when the call went. */
  whisper(url: string, method: 'GET' | 'POST'): Promise<boolean>;
  /** The whisper is over and the bridge starts. */
  connect(): Promise<void>;
  /** Aborts when the member's call ends, however it ends. */
  readonly ended: AbortSignal;
  /** The agent takes the member; `bridged` settles when the agent's bridge with it has ended. */
  take(agentCallSid: string, bridged: Promise<void>): void;
}

export interface EnqueueRequest {
  readonly accountSid: string;
  readonly name: string;
  /** Enqueue's `maxQueueSize`, when given. */
  readonly maxSize?: number | undefined;
  readonly member: QueueMember;
}

export interface NextRequest {
  readonly accountSid: string;
  readonly name: string;
  readonly agentCallSid: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

export interface QueueAccess {
  enqueue(request: EnqueueRequest): Promise<Enqueued>;
  /** Where the member stands; undefined when its queue is gone. */
  status(accountSid: string, name: string, member: QueueMember): Promise<WaitStatus | undefined>;
  /** The member left without being taken (Leave, hang-up, redirect, the queue lost). */
  leave(accountSid: string, name: string, member: QueueMember): void;
  /** The member at the front, waiting up to `timeoutMs` for one; undefined when none came. */
  next(request: NextRequest): Promise<Offered | undefined>;
}

/** The queues of this node, for a single node (and a cluster's queues this node holds). */
export class LocalQueues implements QueueAccess {
  /** The members whose calls run here, by call SID. */
  private readonly members = new Map<string, QueueMember>();

  constructor(private readonly registry: QueueRegistry) {}

  async enqueue({ accountSid, name, maxSize, member }: EnqueueRequest): Promise<Enqueued> {
    const queue = await openQueue(this.registry, accountSid, name, () => undefined);
    await sizeQueue(this.registry, queue, maxSize);
    if (queue.size >= queue.maxSize) return { sid: queue.sid, maxSize: queue.maxSize, full: true };
    this.members.set(member.callSid, member);
    queue.join(member);
    return { sid: queue.sid, maxSize: queue.maxSize, full: false };
  }

  async status(accountSid: string, name: string, member: QueueMember): Promise<WaitStatus | undefined> {
    const queue = this.registry.get(accountSid, name);
    return queue && waitStatusOf(queue, member.callSid);
  }

  leave(accountSid: string, name: string, member: QueueMember): void {
    if (this.members.get(member.callSid) === member) this.members.delete(member.callSid);
    this.registry.get(accountSid, name)?.remove(member.callSid);
  }

  async next({ accountSid, name, timeoutMs, signal }: NextRequest): Promise<Offered | undefined> {
    const queue = await openQueue(this.registry, accountSid, name, () => undefined);
    const waiting = await queue.next(timeoutMs, signal);
    if (!waiting) return undefined;
    const member = this.members.get(waiting.callSid);
    this.members.delete(waiting.callSid);
    return member;
  }
}

/** Enqueue's `maxQueueSize`, when it changes the queue's MaxSize: kept, and stored (a store that fails does not stop the caller). */
export async function sizeQueue(registry: QueueRegistry, queue: CallQueue, maxSize: number | undefined): Promise<void> {
  if (maxSize === undefined || maxSize === queue.maxSize) return;
  queue.maxSize = maxSize;
  await saveQueue(registry, queue).catch(() => undefined);
}

/** Where the registry's verbs reach their queues: the cluster's when there is one, else here. */
export function queueAccess(registry: QueueRegistry): QueueAccess {
  return registry.placement ?? registry.local;
}
