/**
 * A member's call bridged to an agent whose call runs on another node: a pair of trunk ends, one
 * on each node, as a conference caller's (conference-trunk.ts): RTP between the two nodes' media
 * engines with real media (the endpoints cross in the take and its answer), frames over the bus
 * on the simulated network.
 * On the agent's node the member is a `RemoteMember`: its leg is the trunk, its whisper and its
 * bridge are requests to the member's node, so `<Dial><Queue>` is the same as on one node. On the
 * member's node a `MemberEnd` holds the caller's side: the waiting `QueueMember` taken, its leg
 * bridged to the trunk once the whisper is over, and released (QueueResult `bridged`) when the
 * agent's bridge ends or the agent's node dies.
 */

import type { Bridge, MediaAdapter, MediaLeg } from '../media/types.js';
import type { Offered } from '../queue/access.js';
import type { QueueMember } from '../queue/queues.js';
import type { NodeId } from './bus.js';
import { openEnd, type TrunkEnd } from './conference-trunk.js';
import { rtpEndpoint } from './conference-wire.js';
import {
  type FrameBody,
  METHODS,
  type PairBody,
  type TakeAnswer,
  type TakeBody,
  type WaitingBody,
  type WhisperBody,
  type WhisperedBody,
} from './queue-wire.js';

export interface PairParts {
  readonly media: MediaAdapter;
  /** Sends to another node in the background (a failure is that node's death, handled as such). */
  readonly tell: (node: NodeId, method: string, body: unknown) => void;
}

/** This node's end of a pair's trunk, RTP when the media adapter has it (the agent's node chooses). */
export function pairEnd(
  parts: PairParts,
  node: NodeId,
  pair: string,
  callSid: string,
  rtp: boolean,
): Promise<TrunkEnd> {
  return openEnd(
    parts.media,
    `trunk:${node}/${callSid}`,
    (frame) => parts.tell(node, METHODS.frame, { pair, frame } satisfies FrameBody),
    rtp,
  );
}

/** The agent's node's view of a member whose call runs on `node`. */
export class RemoteMember implements Offered {
  readonly leg: MediaLeg;
  private readonly gone = new AbortController();
  readonly ended: AbortSignal = this.gone.signal;
  private whispering: ((proceed: boolean) => void) | undefined;

  constructor(
    private readonly parts: PairParts,
    readonly pair: string,
    readonly callSid: string,
    readonly node: NodeId,
    /** This node's end of the trunk (pairEnd). */
    readonly end: TrunkEnd,
    private readonly release: () => void,
  ) {
    this.leg = end.leg;
  }

  whisper(url: string, method: 'GET' | 'POST'): Promise<boolean> {
    if (this.ended.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.whispering = resolve;
      this.parts.tell(this.node, METHODS.whisper, { pair: this.pair, url, method } satisfies WhisperBody);
    });
  }

  whispered(proceed: boolean): void {
    this.whispering?.(proceed);
    this.whispering = undefined;
  }

  async connect(): Promise<void> {
    this.parts.tell(this.node, METHODS.connect, { pair: this.pair } satisfies PairBody);
  }

  take(_agentCallSid: string, bridged: Promise<void>): void {
    void bridged.then(() => {
      this.parts.tell(this.node, METHODS.bridged, { pair: this.pair } satisfies PairBody);
      this.close();
    });
  }

  deliver(frame: unknown): void {
    this.end.deliver(frame);
  }

  /** The member's call ended, or its node died: the agent's bridge ends as with a caller who hung up. */
  hangup(): void {
    this.whispered(false);
    if (this.gone.signal.aborted) return;
    this.gone.abort(new Error('the queued call ended'));
    this.end.remoteHangup();
  }

  close(): void {
    this.release();
    void this.leg.hangup();
  }
}

/** The member's node's side of a pair: the caller taken by an agent on `agentNode`. */
export class MemberEnd {
  private bridge: Bridge | undefined;
  private release!: () => void;
  private closed = false;

  constructor(
    private readonly parts: PairParts,
    readonly agentNode: NodeId,
    private readonly body: TakeBody,
    private readonly member: QueueMember,
    /** This node's end of the trunk (pairEnd), connected to the agent's when RTP. */
    private readonly trunk: TrunkEnd,
    private readonly forget: () => void,
  ) {
    member.take(
      body.agentCallSid,
      new Promise<void>((resolve) => {
        this.release = resolve;
      }),
    );
    // The caller's call ends however it ends: the agent's bridge ends with it.
    const onEnd = () => {
      parts.tell(agentNode, METHODS.hangup, { pair: body.pair } satisfies PairBody);
      this.close();
    };
    if (member.ended.aborted) onEnd();
    else member.ended.addEventListener('abort', onEnd, { once: true });
  }

  whisper({ url, method }: WhisperBody): void {
    void this.member
      .whisper(url, method)
      .catch(() => false)
      .then((proceed) =>
        this.parts.tell(this.agentNode, METHODS.whispered, { pair: this.body.pair, proceed } satisfies WhisperedBody),
      );
  }

  connect(): void {
    if (this.closed || this.bridge) return;
    this.bridge = this.parts.media.bridge(this.member.leg, this.trunk.leg);
  }

  deliver(frame: unknown): void {
    this.trunk.deliver(frame);
  }

  /** The agent's bridge is over (or the agent's node died): the caller's Enqueue resumes. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.forget();
    void this.bridge?.close();
    void this.trunk.leg.hangup();
    this.release();
  }
}

/** What a pair needs of its node's queue cluster (queue-cluster.ts). */
export interface PairHost extends PairParts {
  /** Pairs this node's agents took from other nodes, by pair name. */
  readonly remotes: Map<string, RemoteMember>;
  /** Pairs an agent elsewhere took of this node's callers, by pair name. */
  readonly ends: Map<string, MemberEnd>;
  ask<T>(node: NodeId, method: string, body: unknown): Promise<T>;
}

/**
 * The agent's node takes a member whose call runs on `member.node`: this node's trunk end opened
 * (RTP when the media has it), its endpoint sent with the take, the member's node's endpoint
 * connected from the answer. Undefined when the member was not taken (gone, or taken meanwhile).
 */
export async function takeFrom(
  host: PairHost,
  pair: string,
  member: WaitingBody,
  agentCallSid: string,
): Promise<RemoteMember | undefined> {
  const end = await pairEnd(host, member.node, pair, member.callSid, host.media.openTrunk !== undefined);
  const remote = new RemoteMember(host, pair, member.callSid, member.node, end, () => host.remotes.delete(pair));
  host.remotes.set(pair, remote);
  const body: TakeBody = { pair, callSid: member.callSid, agentCallSid, ...(end.rtp ? { rtp: end.rtp } : {}) };
  const answer: TakeAnswer = await host.ask<TakeAnswer>(member.node, METHODS.take, body).catch(() => ({ ok: false }));
  if (answer.ok && (!end.rtp || answer.rtp)) {
    if (answer.rtp) end.connect(rtpEndpoint(answer.rtp, `${METHODS.take} answer from ${member.node}`));
    return remote;
  }
  remote.close();
  return undefined;
}

/**
 * The member's node: an agent on `from` takes a caller still `waiting` here (checked again once
 * the trunk end is open). The end is of the agent's kind: a node that cannot carry it refuses,
 * and the agent waits on.
 */
export async function takenBy(
  host: PairHost,
  body: TakeBody,
  from: NodeId,
  waiting: () => QueueMember | undefined,
  taken: () => void,
): Promise<TakeAnswer> {
  const trunk = await pairEnd(host, from, body.pair, body.callSid, body.rtp !== undefined).catch(() => undefined);
  const member = waiting();
  if (!trunk || !member) {
    await trunk?.leg.hangup();
    return { ok: false };
  }
  if (body.rtp) trunk.connect(body.rtp);
  taken();
  host.ends.set(body.pair, new MemberEnd(host, from, body, member, trunk, () => host.ends.delete(body.pair)));
  return { ok: true, ...(trunk.rtp ? { rtp: trunk.rtp } : {}) };
}
