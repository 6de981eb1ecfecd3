/**
 * An agent's side of `<Dial><Queue>` across nodes, once it waits at the queue's holder: waiting
 * for the holder's offer (until the deadline or the agent's end), then taking the member offered,
 * from this node directly or through a pair of trunk legs from the member's node (queue-pairs.ts).
 *
 * @example
 * const member = await awaitOffer(cluster, wait, offered, deadline, signal);
 * const taken = member && member !== MOVED ? await claimOffered(cluster, member, agentCallSid, nextId) : undefined;
 */

import type { Clock } from '../clock/clock.js';
import type { Offered } from '../queue/access.js';
import type { Bus } from './bus.js';
import { carriesTrunks } from './conference-trunk.js';
import type { QueueHolder } from './queue-holder.js';
import type { AgentWait, Local, MOVED } from './queue-move.js';
import { type PairHost, takeFrom } from './queue-pairs.js';
import { METHODS, type WaitingBody } from './queue-wire.js';

/** What an agent's wait needs of its node's queue cluster (queue-cluster.ts). */
export interface AgentHost extends PairHost {
  readonly bus: Bus;
  readonly clock: Clock;
  /** This node's queues (the holder of those placed here). */
  readonly holder: QueueHolder;
  /** Callers of this node waiting in a queue, by call SID. */
  readonly locals: Map<string, Local>;
  /** Agents of this node waiting for a member, by wait id. */
  readonly waits: Map<string, AgentWait>;
}

/**
 * Waits for an offer until the deadline or the agent's end. A wait given up is forgotten first
 * (an offer arriving after that is refused, and the holder puts the member back at the front),
 * then cancelled at the holder.
 */
export async function awaitOffer(
  host: AgentHost,
  wait: string,
  offered: Promise<WaitingBody | undefined | typeof MOVED>,
  deadline: number,
  signal: AbortSignal,
): Promise<WaitingBody | undefined | typeof MOVED> {
  const entry = host.waits.get(wait);
  // Offered already, between the holder's answer and now.
  if (!entry) return offered;
  const giveUp = () => {
    if (host.waits.get(wait) !== entry) return;
    host.waits.delete(wait);
    entry.offered(undefined);
    if (entry.holder === host.bus.nodeId) host.holder.cancel(wait);
    else host.tell(entry.holder, METHODS.cancel, { wait });
  };
  const stopTimer = host.clock.setTimer(giveUp, Math.max(0, deadline - host.clock.now()));
  signal.addEventListener('abort', giveUp, { once: true });
  if (signal.aborted) giveUp();
  const member = await offered;
  stopTimer();
  signal.removeEventListener('abort', giveUp);
  return member;
}

/**
 * Takes a member the holder handed out, from its node; undefined when its call is gone. `pairId`
 * names the pair of trunk legs, asked only when the member's call runs on another node.
 */
export async function claimOffered(
  host: AgentHost,
  member: WaitingBody,
  agentCallSid: string,
  pairId: () => string,
): Promise<Offered | undefined> {
  const { bus, media } = host;
  if (member.node === bus.nodeId) {
    const local = host.locals.get(member.callSid);
    if (!local || local.member.isTaken || local.member.ended.aborted) return undefined;
    host.locals.delete(member.callSid);
    return local.member;
  }
  if (!carriesTrunks(media)) return undefined;
  return takeFrom(host, pairId(), member, agentCallSid);
}
