/**
 * A member's call bridged to an agent whose call runs on another node: a pair of trunk legs, one
 * on each node, whose media crosses the bus (as a conference caller's does, conference-guest.ts).
 * On the agent's node the member is a `RemoteMember`: its leg is the trunk, its whisper and its
 * bridge are requests to the member's node, so `<Dial><Queue>` is the same as on one node. On the
 * member's node a `MemberEnd` holds the caller's side: the waiting `QueueMember` taken, its leg
 * bridged to the trunk once the whisper is over, and released (QueueResult `bridged`) when the
 * agent's bridge ends or the agent's node dies.
 */

import type { Bridge, MediaAdapter, TrunkLeg } from '../media/types.js';
import type { Offered } from '../queue/access.js';
import type { QueueMember } from '../queue/queues.js';
import type { NodeId } from './bus.js';
import {
  type FrameBody,
  METHODS,
  type PairBody,
  type TakeBody,
  type WhisperBody,
  type WhisperedBody,
} from './queue-wire.js';

export interface PairParts {
  readonly media: MediaAdapter;
  /** Sends to another node in the background (a failure is that node's death, handled as such). */
  readonly tell: (node: NodeId, method: string, body: unknown) => void;
}

/** The agent's node's view of a member whose call runs on `node`. */
export class RemoteMember implements Offered {
  readonly leg: TrunkLeg;
  private readonly gone = new AbortController();
  readonly ended: AbortSignal = this.gone.signal;
  private whispering: ((proceed: boolean) => void) | undefined;

  constructor(
    private readonly parts: PairParts,
    readonly pair: string,
    readonly callSid: string,
    readonly node: NodeId,
    private readonly release: () => void,
  ) {
    if (!parts.media.trunkLeg) throw new Error(`media ${parts.media.name} has no trunk legs`);
    this.leg = parts.media.trunkLeg({
      address: `trunk:${node}/${callSid}`,
      send: (frame) => parts.tell(node, METHODS.frame, { pair, frame } satisfies FrameBody),
    });
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
    this.leg.deliver(frame);
  }

  /** The member's call ended, or its node died: the agent's bridge ends as with a caller who hung up. */
  hangup(): void {
    this.whispered(false);
    if (this.gone.signal.aborted) return;
    this.gone.abort(new Error('the queued call ended'));
    this.leg.remoteHangup();
  }

  close(): void {
    this.release();
    void this.leg.hangup();
  }
}

/** The member's node's side of a pair: the caller taken by an agent on `agentNode`. */
export class MemberEnd {
  private readonly trunk: TrunkLeg;
  private bridge: Bridge | undefined;
  private release!: () => void;
  private closed = false;

  constructor(
    private readonly parts: PairParts,
    readonly agentNode: NodeId,
    private readonly body: TakeBody,
    private readonly member: QueueMember,
    private readonly forget: () => void,
  ) {
    if (!parts.media.trunkLeg) throw new Error(`media ${parts.media.name} has no trunk legs`);
    this.trunk = parts.media.trunkLeg({
      address: `trunk:${agentNode}/${body.callSid}`,
      send: (frame) => parts.tell(agentNode, METHODS.frame, { pair: body.pair, frame } satisfies FrameBody),
    });
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
    this.bridge = this.parts.media.bridge(this.member.leg, this.trunk);
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
    void this.trunk.hangup();
    this.release();
  }
}
