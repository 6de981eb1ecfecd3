/**
 * FIFO call queues, named per account. A caller joins with `<Enqueue>` and waits; an agent
 * takes the caller at the front with `<Dial><Queue>`, which hands the member over: the member's
 * wait stops, the agent bridges the two legs, and the member's Enqueue resumes when the bridge
 * ends (QueueResult `bridged`).
 */
import type { Clock } from '../clock/clock.js';
import { newSid } from '../sid.js';
import { LocalQueues, type QueueAccess } from './access.js';
import type { QueueRecords, StoredQueue } from './records.js';

export { type Handoff, QueueMember } from './member.js';

/**
 * A caller waiting in a queue, as the queue keeps it: its call, when it joined, and (in a
 * cluster) the node its call runs on when that is not the queue's node.
 */
export interface Waiting {
  readonly callSid: string;
  readonly enqueuedAt: number;
  readonly node?: string;
}

export interface QueueSnapshot {
  readonly sid: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly accountSid: string;
  readonly friendlyName: string;
  readonly maxSize: number;
  readonly currentSize: number;
  /** Average seconds the members waiting now have waited (the hosted service's `average_wait_time`). */
  readonly averageWaitTime: number;
}

/** A member as the REST API shows it. */
export interface MemberSnapshot {
  readonly callSid: string;
  /** 1-based. */
  readonly position: number;
  readonly enqueuedAt: number;
}

export class CallQueue {
  readonly sid: string;
  readonly createdAt: number;
  updatedAt: number;
  private readonly members: Waiting[] = [];
  private readonly agents: Array<(member: Waiting) => void> = [];
  /** The last join's time: joins are stamped strictly later than it (see `stamp`). */
  private lastJoin = 0;

  constructor(
    readonly accountSid: string,
    readonly friendlyName: string,
    public maxSize: number,
    private readonly clock: Clock,
    /** The queue as stored, when it is read back (a restart, a holder placed afresh). */
    stored?: Pick<StoredQueue, 'sid' | 'createdAt' | 'updatedAt'>,
  ) {
    this.sid = stored?.sid ?? newSid('QU');
    this.createdAt = stored?.createdAt ?? clock.now();
    this.updatedAt = stored?.updatedAt ?? this.createdAt;
  }

  get size(): number {
    return this.members.length;
  }

  /** The waiting member with this call, if any. */
  entry(callSid: string): Waiting | undefined {
    return this.members.find((member) => member.callSid === callSid);
  }

  /** 1-based position of a member's call, 0 when not waiting. */
  position(callSid: string): number {
    return this.members.findIndex((member) => member.callSid === callSid) + 1;
  }

  /**
   * The average of how long each member waiting now has waited, in seconds, as the hosted
   * service's `average_wait_time` ("of the members in this queue, calculated at the time of the
   * request") and `AvgQueueTime`; 0 for an empty queue. A member moved to a new holder (a
   * cluster) keeps when it first joined, so the figure goes on there.
   */
  averageWaitSeconds(): number {
    if (this.members.length === 0) return 0;
    const now = this.clock.now();
    const total = this.members.reduce((sum, member) => sum + (now - member.enqueuedAt), 0);
    return Math.round(total / this.members.length / 1000);
  }

  snapshot(): QueueSnapshot {
    return {
      sid: this.sid,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      accountSid: this.accountSid,
      friendlyName: this.friendlyName,
      maxSize: this.maxSize,
      currentSize: this.size,
      averageWaitTime: this.averageWaitSeconds(),
    };
  }

  /** The members waiting, front first. */
  waiting(): MemberSnapshot[] {
    return this.members.map((member, index) => ({
      callSid: member.callSid,
      position: index + 1,
      enqueuedAt: member.enqueuedAt,
    }));
  }

  /** Adds a member at the back, or hands it straight to a waiting agent. */
  join(member: Waiting): void {
    const agent = this.agents.shift();
    if (agent) {
      agent(member);
    } else {
      this.members.push(member);
    }
  }

  /**
   * When a member joining now joined, strictly after the last join (by a millisecond, when two
   * join in one): in a cluster the time alone orders the callers moved to a new holder.
   */
  stamp(): number {
    this.lastJoin = Math.max(this.clock.now(), this.lastJoin + 1);
    return this.lastJoin;
  }

  /**
   * Puts back a member that waited in this queue on a node that died (cluster/queue-move.ts):
   * among the members by when each first joined, so callers moved over keep their order.
   */
  rejoin(member: Waiting): void {
    if (this.agents.length > 0) {
      this.join(member);
      return;
    }
    this.lastJoin = Math.max(this.lastJoin, member.enqueuedAt);
    let at = this.members.length;
    while (at > 0 && (this.members[at - 1] as Waiting).enqueuedAt > member.enqueuedAt) at--;
    this.members.splice(at, 0, member);
  }

  /**
   * Puts back at the front a member handed to an agent that could not take it (in a cluster, the
   * agent gave up or its node died while the member was on its way): the next agent gets it.
   */
  requeue(member: Waiting): void {
    const agent = this.agents.shift();
    if (agent) agent(member);
    else this.members.unshift(member);
  }

  /** Removes a member's call that left (Leave, hang-up, redirect); the member, if it was waiting. */
  remove(callSid: string): Waiting | undefined {
    const index = this.members.findIndex((member) => member.callSid === callSid);
    if (index < 0) return undefined;
    const [member] = this.members.splice(index, 1) as [Waiting];
    return member;
  }

  /** The member at the front; waits up to `timeoutMs` for one to arrive. */
  next(timeoutMs: number, signal: AbortSignal): Promise<Waiting | undefined> {
    const first = this.members.shift();
    if (first) {
      return Promise.resolve(first);
    }
    return new Promise((resolve) => {
      const done = (member: Waiting | undefined) => {
        cancel();
        signal.removeEventListener('abort', onAbort);
        const index = this.agents.indexOf(take);
        if (index >= 0) this.agents.splice(index, 1);
        resolve(member);
      };
      const take = (member: Waiting) => done(member);
      const onAbort = () => done(undefined);
      const cancel = this.clock.setTimer(() => done(undefined), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.agents.push(take);
    });
  }
}

/** The queues of one runtime, by name. */
export class QueueRegistry {
  private readonly queues = new Map<string, CallQueue>();
  private readonly bySid = new Map<string, CallQueue>();
  /** The verbs' way to this node's queues. */
  readonly local: LocalQueues = new LocalQueues(this);
  /** Where queues live when not all on this node (a cluster's queues, cluster/queue-cluster.ts). */
  placement: QueueAccess | undefined;
  /** Where the queues' resources are kept, when they are (queue/records.ts). */
  records: QueueRecords | undefined;

  /** @param defaultMaxSize members a queue holds unless Enqueue says otherwise @default 100 */
  constructor(
    private readonly clock: Clock,
    private readonly defaultMaxSize = 100,
  ) {}

  /** The account's queue with this name, created when first used. */
  open(accountSid: string, name: string): CallQueue {
    const key = `${accountSid}:${name}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new CallQueue(accountSid, name, this.defaultMaxSize, this.clock);
      this.queues.set(key, queue);
      this.bySid.set(queue.sid, queue);
    }
    return queue;
  }

  /** Holds a stored queue again (same SID and MaxSize, empty); the one held already of its name, if any. */
  adopt(stored: StoredQueue): CallQueue {
    const key = `${stored.accountSid}:${stored.friendlyName}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new CallQueue(stored.accountSid, stored.friendlyName, stored.maxSize, this.clock, stored);
      this.queues.set(key, queue);
      this.bySid.set(queue.sid, queue);
    }
    return queue;
  }

  get(accountSid: string, name: string): CallQueue | undefined {
    return this.queues.get(`${accountSid}:${name}`);
  }

  /** A queue by SID, only within `accountSid`. */
  find(sid: string, accountSid: string): CallQueue | undefined {
    const queue = this.bySid.get(sid);
    return queue?.accountSid === accountSid ? queue : undefined;
  }

  /** Removes an empty queue; false when members are waiting. */
  remove(queue: CallQueue): boolean {
    if (queue.size > 0) return false;
    this.queues.delete(`${queue.accountSid}:${queue.friendlyName}`);
    this.bySid.delete(queue.sid);
    return true;
  }

  list(accountSid?: string): QueueSnapshot[] {
    return [...this.queues.values()]
      .filter((queue) => accountSid === undefined || queue.accountSid === accountSid)
      .map((queue) => queue.snapshot());
  }
}
