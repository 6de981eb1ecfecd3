/**
 * A caller in a queue, on its own call's side: it waits (its Enqueue's wait music) until an agent
 * takes it (the handoff: who took it, and when their bridge ends), its call ends, or the queue is
 * lost (its node died, in a cluster). The queue itself keeps only its Waiting entry (queues.ts).
 *
 * @example
 * const member = new QueueMember(callSid, leg, clock, whisper, ended);
 * queue.join(member);
 * const { agentCallSid, bridged } = await member.handedOff;
 */
import type { Clock } from '../clock/clock.js';
import type { MediaLeg } from '../media/types.js';
import type { Waiting } from './queues.js';

/** What a dequeued member learns: who took it, and when the bridge is over. */
export interface Handoff {
  readonly agentCallSid: string;
  /** Settles when the agent's bridge with the member has ended. */
  readonly bridged: Promise<void>;
}

export class QueueMember implements Waiting {
  readonly enqueuedAt: number;
  private readonly gone = new AbortController();
  /** Aborts when the queue is lost while the member waits (its node died, in a cluster). */
  readonly lost: AbortSignal = this.gone.signal;
  private settle!: (handoff: Handoff) => void;
  /** Settles when an agent takes this member. */
  readonly handedOff = new Promise<Handoff>((resolve) => {
    this.settle = resolve;
  });
  private taken = false;

  constructor(
    readonly callSid: string,
    readonly leg: MediaLeg,
    clock: Clock,
    /** Runs a document on the member's call before the bridge (Dial Queue `url`). */
    readonly whisper: (url: string, method: 'GET' | 'POST') => Promise<boolean>,
    /** Aborts when the member's call ends however it ends (also through REST): the agent's bridge ends with it. */
    readonly ended: AbortSignal,
  ) {
    this.enqueuedAt = clock.now();
  }

  get isTaken(): boolean {
    return this.taken;
  }

  /** The agent takes the member; `bridged` settles when the agent's bridge ends. */
  take(agentCallSid: string, bridged: Promise<void>): void {
    this.taken = true;
    this.settle({ agentCallSid, bridged });
  }

  /** The bridge may start (after the whisper): the member's leg is the agent's to bridge already. */
  async connect(): Promise<void> {}

  /** The queue is gone (its node died): the member's wait ends (QueueResult `system-error`). */
  lose(): void {
    if (!this.taken) this.gone.abort(new Error('the queue is gone'));
  }
}
