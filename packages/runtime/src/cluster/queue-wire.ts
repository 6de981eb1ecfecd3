/**
 * What nodes say to each other about queues split across them (cluster/queue-cluster.ts): the
 * methods, their bodies as they cross the bus, and the checks a body passes before it is used
 * (a body that does not parse is refused with `queue-relay-invalid`, 91355, and changes nothing).
 *
 * Three roles, any two of them (or all three) on one node: the **holder** keeps the queue's order;
 * the **member's node** runs the waiting caller's call; the **agent's node** runs the call whose
 * `<Dial><Queue>` takes it. Requests are all quick: nothing waits on the bus for a caller or an
 * agent (an agent waiting for a member is offered one later, a whisper says when it is over).
 */
import { createHash } from 'node:crypto';
import { PatchbayError } from '../errors.js';
import type { RtpEndpoint } from '../media/types.js';
import { rtpEndpoint } from './conference-wire.js';

export const METHODS = {
  /** Member's node → holder: put this call at the back (answer `Enqueued`). */
  enqueue: 'queue.enqueue',
  /** Member's node → holder: where the call stands (answer `WaitStatus`, or null when the queue is gone). */
  status: 'queue.status',
  /** Member's node → holder: the call left without being taken. */
  leave: 'queue.leave',
  /** Agent's node → holder: the front member now, or offer one when it comes (answer `NextAnswer`). */
  next: 'queue.next',
  /** Agent's node → holder: the agent stopped waiting. */
  cancel: 'queue.cancel',
  /** Holder → agent's node: a member for a waiting agent (answer `{ taken }`; not taken, it goes back to the front). */
  offer: 'queue.offer',
  /** Agent's node → member's node: the agent takes the call (answer `{ ok }`; not ok, the call is gone). */
  take: 'queue.take',
  /** Agent's node → member's node: run the Queue `url` document on the call. */
  whisper: 'queue.whisper',
  /** Member's node → agent's node: the whisper is over. */
  whispered: 'queue.whispered',
  /** Agent's node → member's node: bridge the call to its trunk now. */
  connect: 'queue.connect',
  /** Either way: media for the other end of a member's trunk. */
  frame: 'queue.frame',
  /** Agent's node → member's node: the agent's bridge is over (the Enqueue resumes, `bridged`). */
  bridged: 'queue.bridged',
  /** Member's node → agent's node: the member's call ended. */
  hangup: 'queue.hangup',
  /** Any node → any node: the queues this node holds, for a REST list. */
  list: 'queue.list',
} as const;

/** The shared key naming the node that holds an account's queue (names of any text). */
export function queueKey(accountSid: string, name: string): string {
  return `queue:${accountSid}:${createHash('sha256').update(name).digest('hex').slice(0, 32)}`;
}

export interface QueueName {
  readonly accountSid: string;
  readonly name: string;
}

export interface EnqueueBody extends QueueName {
  readonly callSid: string;
  readonly maxSize?: number;
  /**
   * When the caller first joined (ms since the epoch, its node's clock): only for a caller moved
   * from a holder that died, which the new holder puts among the others by it.
   */
  readonly enqueuedAt?: number;
}

export interface MemberBody extends QueueName {
  readonly callSid: string;
}

export interface NextBody extends QueueName {
  /** The agent's wait, named by its node (`<node>/<n>`). */
  readonly wait: string;
  readonly timeoutMs: number;
}

/** A member as the holder hands it out: its call and the node that runs it. */
export interface WaitingBody {
  readonly callSid: string;
  readonly node: string;
}

export type NextAnswer = { readonly member: WaitingBody } | { readonly waiting: true };

export interface OfferBody {
  readonly wait: string;
  readonly member: WaitingBody;
}

/** A member's call bridged to an agent on another node: named by the agent's node (`<node>/<n>`). */
export interface PairBody {
  readonly pair: string;
}

export interface TakeBody extends PairBody {
  readonly callSid: string;
  readonly agentCallSid: string;
  /** The agent's node's RTP end (real media); absent: frames over the bus. */
  readonly rtp?: RtpEndpoint;
}

/** The member's node's answer to a take: taken, and its RTP end when the agent's was RTP. */
export interface TakeAnswer {
  readonly ok: boolean;
  readonly rtp?: RtpEndpoint;
}

export interface WhisperBody extends PairBody {
  readonly url: string;
  readonly method: 'GET' | 'POST';
}

export interface WhisperedBody extends PairBody {
  readonly proceed: boolean;
}

export interface FrameBody extends PairBody {
  readonly frame: unknown;
}

const SID = /^CA[0-9a-f]{32}$/;
const ACCOUNT = /^AC[0-9a-f]{32}$/;
const text = (value: unknown, max: number) => typeof value === 'string' && value.length > 0 && value.length <= max;

/** Checks a body from another node, field by field; throws `queue-relay-invalid` (91355). */
export function parse<T>(method: string, body: unknown, fields: Record<string, (value: unknown) => boolean>): T {
  const record = body as Record<string, unknown> | null;
  const bad =
    record === null || typeof record !== 'object'
      ? 'the body'
      : Object.keys(fields).find((field) => !fields[field]?.(record[field]));
  if (bad !== undefined)
    throw new PatchbayError('queue-relay-invalid', `${method}: ${bad} is not valid (${JSON.stringify(body)})`);
  return body as T;
}

/** Field checks for the bodies above. */
export const is = {
  account: (value: unknown) => typeof value === 'string' && ACCOUNT.test(value),
  name: (value: unknown) => text(value, 256),
  call: (value: unknown) => typeof value === 'string' && SID.test(value),
  id: (value: unknown) => text(value, 300),
  method: (value: unknown) => value === 'GET' || value === 'POST',
  url: (value: unknown) => text(value, 4096) && /^https?:\/\//.test(String(value)),
  size: (value: unknown) => value === undefined || (Number.isInteger(value) && Number(value) >= 1),
  ms: (value: unknown) => Number.isInteger(value) && Number(value) >= 0,
  /** A time, or absent. */
  at: (value: unknown) => value === undefined || (Number.isInteger(value) && Number(value) >= 0),
  flag: (value: unknown) => typeof value === 'boolean',
  /** An RTP endpoint, or absent (frames over the bus). */
  rtp: (value: unknown) => {
    if (value === undefined) return true;
    try {
      rtpEndpoint(value, 'rtp');
      return true;
    } catch {
      return false;
    }
  },
  any: () => true,
};

export const NAME_FIELDS = { accountSid: is.account, name: is.name };
export const MEMBER_FIELDS = { ...NAME_FIELDS, callSid: is.call };
