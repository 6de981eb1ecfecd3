/**
 * What a node does for its own calls when nodes die (or it is cut off from the bus): a caller of
 * this node waiting in a queue whose holder died is moved to the queue's new holder (placed as
 * any queue is, which adopts the stored queue: same QueueSid, same MaxSize), with the time it
 * first joined, so callers moved over keep their order; its wait (hold music, `waitUrl`) goes on
 * meanwhile. Only a caller the new holder cannot take (the queue is full there, no node can hold
 * it, the new holder does not answer) goes on with its Enqueue action, `system-error`. An agent
 * waiting at a holder that died asks the new holder. Pairs bridged with a node that died end.
 *
 * @example
 * bus.on('node-down', ({ node }) => dropHolders(cluster, (other) => other === node));
 */
import type { Clock } from '../clock/clock.js';
import type { WaitStatus } from '../queue/access.js';
import type { QueueMember } from '../queue/queues.js';
import type { Bus, NodeId } from './bus.js';
import type { MemberEnd, RemoteMember } from './queue-pairs.js';
import { type EnqueueBody, METHODS, type MemberBody, type WaitingBody } from './queue-wire.js';

/** A caller of this node waiting in a queue, and the node holding that queue. */
export interface Local {
  readonly member: QueueMember;
  readonly holder: NodeId;
  readonly key: string;
  readonly accountSid: string;
  readonly name: string;
  /** When the caller joined, by its holder's clock (strictly ordered there); its own node's time when not known. */
  readonly joinedAt?: number;
  /** Settles when the caller's move to a new holder is over (true: it is in the queue there). */
  readonly moving?: Promise<boolean>;
}

/** An agent's wait was at a holder that died: it asks the queue's new holder. */
export const MOVED = 'moved';

/** An agent of this node waiting for a member at `holder`. */
export interface AgentWait {
  readonly holder: NodeId;
  readonly offered: (member: WaitingBody | undefined | typeof MOVED) => void;
}

/** What moving needs of its node's queue cluster (queue-cluster.ts). */
export interface MoveHost {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly locals: Map<string, Local>;
  readonly waits: Map<string, AgentWait>;
  readonly remotes: Map<string, RemoteMember>;
  readonly ends: Map<string, MemberEnd>;
  holderOf(accountSid: string, name: string): Promise<NodeId>;
  /** Puts a call in the queue at `holder` (this node's holder directly). */
  enqueueAt(holder: NodeId, body: EnqueueBody): Promise<{ full: boolean; enqueuedAt?: number }>;
  tell(node: NodeId, method: string, body: unknown): void;
  /** Where a caller stands at `holder`: null when the queue is not there, rejects when it does not answer. */
  statusAt(holder: NodeId, body: MemberBody): Promise<WaitStatus | null>;
}

/**
 * Where a caller of this node stands in its queue, asked of its holder; across a move, of the new
 * holder once the caller is in it. Undefined when the queue is gone (the caller is then lost, its
 * Enqueue goes on with `system-error`) or the caller was taken meanwhile (position 0 on its way).
 * A holder that does not answer is waited on for `withinMs` to be declared dead, then asked anew.
 */
export async function standing(
  host: MoveHost,
  body: MemberBody,
  member: QueueMember,
  withinMs: number,
): Promise<WaitStatus | undefined> {
  for (let asked = 0; asked < 2; asked++) {
    await host.locals.get(member.callSid)?.moving;
    const local = host.locals.get(member.callSid);
    if (!local) break;
    const status = await host.statusAt(local.holder, body).catch(() => undefined);
    if (status) return status;
    if (status === null || member.isTaken || !(await movedFrom(host, member.callSid, local.holder, withinMs))) break;
  }
  if (!member.isTaken) member.lose();
  return undefined;
}

/** Nodes are gone (`gone` says which): this node's callers, agents and pairs with them move on. */
export function dropHolders(host: MoveHost, gone: (node: NodeId) => boolean): void {
  // One after the other, the longest waiting first: the first to join gets the room there is.
  const moves = [...host.locals.values()]
    .filter((local) => gone(local.holder) && !local.moving)
    .sort((x, y) => x.member.enqueuedAt - y.member.enqueuedAt);
  let before: Promise<unknown> = Promise.resolve();
  for (const local of moves) {
    void host.bus.deleteKey(local.key, local.holder).catch(() => undefined);
    const { member } = local;
    let moving: Promise<boolean> = Promise.resolve(false);
    const after = before;
    moving = after
      .then(() => move(host, local, () => moving))
      .then((moved) => {
        const now = host.locals.get(member.callSid);
        if (now?.member === member) {
          const { moving: _done, ...settled } = now;
          if (moved) host.locals.set(member.callSid, settled);
          else host.locals.delete(member.callSid);
        }
        if (!moved) member.lose();
        return moved;
      });
    before = moving;
    host.locals.set(member.callSid, { ...local, moving });
    for (const wake of watchers(host).get(member.callSid) ?? []) wake();
  }
  for (const [wait, entry] of [...host.waits]) {
    if (!gone(entry.holder)) continue;
    host.waits.delete(wait);
    entry.offered(MOVED);
  }
  for (const remote of [...host.remotes.values()]) if (gone(remote.node)) remote.hangup();
  for (const end of [...host.ends.values()]) if (gone(end.agentNode)) end.close();
}

/** Who waits, per host and caller, to learn that the caller's holder died (`movedFrom`). */
const watching = new WeakMap<MoveHost, Map<string, Set<() => void>>>();
const watchers = (host: MoveHost) => {
  const map = watching.get(host) ?? new Map<string, Set<() => void>>();
  watching.set(host, map);
  return map;
};

/**
 * The holder `asked` did not answer about a caller of this node: true once the caller moves (or
 * moved) from it, its death declared; false when that does not come within `withinMs` (the
 * holder is alive but failing, or the caller left).
 */
async function movedFrom(host: MoveHost, callSid: string, asked: NodeId, withinMs: number): Promise<boolean> {
  const moved = () => {
    const local = host.locals.get(callSid);
    return local !== undefined && (local.moving !== undefined || local.holder !== asked);
  };
  if (moved()) return true;
  const map = watchers(host);
  const set = map.get(callSid) ?? new Set();
  map.set(callSid, set);
  await new Promise<void>((resolve) => {
    const stop = host.clock.setTimer(wake, withinMs);
    function wake() {
      stop();
      set.delete(wake);
      if (set.size === 0 && map.get(callSid) === set) map.delete(callSid);
      resolve();
    }
    set.add(wake);
  });
  return moved();
}

/** Puts the caller in its queue on the queue's new holder; false when it could not be. */
async function move(host: MoveHost, local: Local, moving: () => Promise<boolean>): Promise<boolean> {
  const { member, accountSid, name } = local;
  const still = () => host.locals.get(member.callSid)?.member === member && !member.isTaken && !member.ended.aborted;
  let holder: NodeId;
  try {
    holder = await host.holderOf(accountSid, name);
  } catch {
    return false;
  }
  if (!still()) return true;
  const joinedAt = local.joinedAt ?? member.enqueuedAt;
  const body: EnqueueBody = { accountSid, name, callSid: member.callSid, enqueuedAt: joinedAt };
  // Known at its new holder before it answers: an agent may take the caller at once.
  host.locals.set(member.callSid, { ...local, holder, joinedAt, moving: moving() });
  const answer = await host.enqueueAt(holder, body).catch(() => undefined);
  if (!answer || answer.full) return false;
  // The caller left (hung up, was redirected) while it moved: out of the new holder's queue too.
  if (host.locals.get(member.callSid)?.member !== member && !member.isTaken)
    host.tell(holder, METHODS.leave, { accountSid, name, callSid: member.callSid });
  return true;
}
