/**
 * Answers the other nodes' queue requests (cluster/queue-wire.ts) for one node's QueueCluster:
 * each body is checked before it is used (91355 when it does not parse), then handed to the
 * role it is for: the holder, the member's node or the agent's node.
 */
import type { Bus, Unsubscribe } from './bus.js';
import type { QueueCluster } from './queue-cluster.js';
import {
  type EnqueueBody,
  type FrameBody,
  is,
  MEMBER_FIELDS,
  METHODS,
  type MemberBody,
  NAME_FIELDS,
  type NextBody,
  type OfferBody,
  type PairBody,
  parse,
  type QueueName,
  type TakeBody,
  type WhisperBody,
  type WhisperedBody,
} from './queue-wire.js';

const PAIR = { pair: is.id };
const WAITING = (value: unknown) => {
  const member = value as { callSid?: unknown; node?: unknown } | null;
  return member !== null && typeof member === 'object' && is.call(member.callSid) && is.id(member.node);
};

/** Serves every queue method on `bus` for `cluster`; returns what stops it. */
export function serveQueueMethods(bus: Bus, cluster: QueueCluster): Unsubscribe {
  const { holder } = cluster;
  const handlers: Record<string, (body: unknown, from: string) => unknown> = {
    [METHODS.enqueue]: (body, from) =>
      holder.enqueue(
        parse<EnqueueBody>(METHODS.enqueue, body, { ...MEMBER_FIELDS, maxSize: is.size, enqueuedAt: is.at }),
        from,
      ),
    [METHODS.status]: (body) => holder.status(parse<MemberBody>(METHODS.status, body, MEMBER_FIELDS)),
    [METHODS.leave]: (body) => holder.leave(parse<MemberBody>(METHODS.leave, body, MEMBER_FIELDS)),
    [METHODS.next]: (body, from) =>
      holder.next(parse<NextBody>(METHODS.next, body, { ...NAME_FIELDS, wait: is.id, timeoutMs: is.ms }), from),
    [METHODS.cancel]: (body) => holder.cancel(parse<{ wait: string }>(METHODS.cancel, body, { wait: is.id }).wait),
    [METHODS.offer]: (body) => ({
      taken: cluster.offered(parse<OfferBody>(METHODS.offer, body, { wait: is.id, member: WAITING })),
    }),
    [METHODS.take]: (body, from) =>
      cluster.take(
        parse<TakeBody>(METHODS.take, body, { ...PAIR, callSid: is.call, agentCallSid: is.call, rtp: is.rtp }),
        from,
      ),
    [METHODS.whisper]: (body) => {
      const whisper = parse<WhisperBody>(METHODS.whisper, body, { ...PAIR, url: is.url, method: is.method });
      cluster.ends.get(whisper.pair)?.whisper(whisper);
    },
    [METHODS.whispered]: (body) => {
      const { pair, proceed } = parse<WhisperedBody>(METHODS.whispered, body, { ...PAIR, proceed: is.flag });
      cluster.remotes.get(pair)?.whispered(proceed);
    },
    [METHODS.connect]: (body) => cluster.ends.get(parse<PairBody>(METHODS.connect, body, PAIR).pair)?.connect(),
    [METHODS.frame]: (body) => {
      const { pair, frame } = parse<FrameBody>(METHODS.frame, body, { ...PAIR, frame: is.any });
      (cluster.ends.get(pair) ?? cluster.remotes.get(pair))?.deliver(frame);
    },
    [METHODS.bridged]: (body) => cluster.ends.get(parse<PairBody>(METHODS.bridged, body, PAIR).pair)?.close(),
    [METHODS.hangup]: (body) => cluster.remotes.get(parse<PairBody>(METHODS.hangup, body, PAIR).pair)?.hangup(),
    [METHODS.list]: (body) =>
      cluster.listHere(parse<Pick<QueueName, 'accountSid'>>(METHODS.list, body, { accountSid: is.account }).accountSid),
  };
  const stops = Object.entries(handlers).map(([method, handler]) => bus.serve(method, handler));
  return () => {
    for (const stop of stops) stop();
  };
}
