/**
 * A long-poll device's requests relayed to the node holding its session. The balancer sends a
 * device's polls to one node by its address (docs/cluster.md, the `patchbay_poll` upstream); a
 * device whose address changes (a new network) reaches another node with its next poll. Before,
 * that node answered 404, the device said hello again and opened a new session there, and the
 * old session's calls ended once its resume window ran out. Now the node reached asks the live
 * nodes which one holds the session (the session id, as on one node, is what a poll presents),
 * remembers it, and hands the poll there over the bus: a GET waits there as it would have here
 * (at most a heartbeat), a POST's messages are carried out there, and the answer comes back as
 * the device's HTTP answer. A hello resuming the session is relayed as a WebSocket's is
 * (devices-relay.ts). If no live node holds it, the device is answered 404 and says hello again.
 *
 * @example
 * const relay = new PollRelay(bus, { session, answer, heartbeatMs }, onError);
 * const answer = await relay.forward(sessionId, { method: 'GET', after: 12 }, signal); // undefined: no node holds it
 */
import type { ServerMessage } from '@patchbay/sdk/protocol';
import { z } from 'zod';
import type { PollAnswer, PollRequest } from '../bridge/poll.js';
import type { DeviceSession } from '../bridge/session.js';
import type { Bus, NodeDown, NodeId, Unsubscribe } from './bus.js';
import { holderAmong, parseBody } from './devices-wire.js';

const METHODS = {
  /** Reached node → every other node: do you hold this session? */
  holds: 'devices.poll.holds',
  /** Reached node → holder: a device's poll. */
  poll: 'devices.poll.request',
} as const;

const TIMEOUT_MS = 3000;
/** Sessions whose holder (or that no node holds them) a node remembers at most (the oldest forgotten first). */
const REMEMBERED = 10_000;
/** How long a session no live node held is answered 404 without asking again. */
const MISSING_MS = 2000;
/** A session id as the bridge makes them (16 random bytes, base64url): anything else is nobody's. */
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;
const sessionBody = z.object({ session: z.string().min(1).max(64) });
const pollBody = z.object({
  session: z.string().min(1).max(64),
  request: z.union([
    z.object({ method: z.literal('GET'), after: z.number() }),
    z.object({ method: z.literal('POST'), body: z.unknown() }),
  ]),
});
const pollReply = z.union([
  z.object({ held: z.literal(false) }),
  z.object({ held: z.literal(true), status: z.number().int(), messages: z.array(z.looseObject({ type: z.string() })) }),
]);

/** What the relay asks of the device bridge on the node holding a session. */
export interface PolledBridge {
  readonly heartbeatMs: number;
  session(id: string): DeviceSession | undefined;
  /** Answers a poll for a session held here, as the device's own would be. */
  answer(session: DeviceSession, request: PollRequest, signal: AbortSignal): Promise<PollAnswer>;
}

export class PollRelay {
  /** Where a session polled through this node lives. */
  private readonly holders = new Map<string, NodeId>();
  /**
   * Sessions no live node held, until when: a device polling a dead node's session, or someone
   * trying ids, costs the other nodes one question per id and MISSING_MS, not one per poll.
   */
  private readonly missing = new Map<string, number>();
  /** Polls relayed here, waiting, by the node they came from (ended if it dies). */
  private readonly waiting = new Map<NodeId, Set<AbortController>>();
  private readonly stops: Unsubscribe[] = [];

  constructor(
    private readonly bus: Bus,
    private readonly bridge: PolledBridge,
    private readonly onError?: (error: unknown) => void,
  ) {
    this.stops.push(
      bus.serve(METHODS.holds, (body, from) => {
        const { session } = parseBody(sessionBody, body, METHODS.holds, from);
        return { holds: bridge.session(session) !== undefined };
      }),
      bus.serve(METHODS.poll, (body, from) => this.answer(parseBody(pollBody, body, METHODS.poll, from), from)),
    );
    const onDown = ({ node }: NodeDown) => {
      for (const [session, holder] of this.holders) if (holder === node) this.holders.delete(session);
      for (const poll of this.waiting.get(node) ?? []) poll.abort();
    };
    bus.on('node-down', onDown);
    this.stops.push(() => bus.off('node-down', onDown));
  }

  // ---- the node the device reached ----

  /** The poll answered by the node holding `session`; undefined when no live node holds it. */
  async forward(session: string, request: PollRequest, signal: AbortSignal): Promise<PollAnswer | undefined> {
    if (!this.bus.connected || !SESSION_ID.test(session)) return undefined;
    if ((this.missing.get(session) ?? 0) > this.bus.clock.now()) return undefined;
    const node = this.holders.get(session) ?? (await this.holder(session));
    if (!node || signal.aborted) return undefined;
    // A GET waits there up to a heartbeat before it is answered.
    const timeoutMs = (request.method === 'GET' ? this.bridge.heartbeatMs : 0) + TIMEOUT_MS;
    const reply = await this.bus
      .request(node, METHODS.poll, { session, request }, { timeoutMs })
      .then((answer) => parseBody(pollReply, answer, `reply to ${METHODS.poll}`, node))
      .catch((error: unknown) => {
        this.onError?.(error);
        return undefined;
      });
    if (!reply?.held) {
      this.holders.delete(session);
      return undefined;
    }
    return { status: reply.status, messages: reply.messages as ServerMessage[] };
  }

  /** The live node holding `session`, if one does (remembered). */
  private async holder(session: string): Promise<NodeId | undefined> {
    const holder = await holderAmong(this.bus, METHODS.holds, { session }, TIMEOUT_MS);
    if (holder) remember(this.holders, session, holder);
    else remember(this.missing, session, this.bus.clock.now() + MISSING_MS);
    return holder;
  }

  // ---- the node holding the session ----

  private async answer(body: z.infer<typeof pollBody>, from: NodeId): Promise<z.infer<typeof pollReply>> {
    const session = this.bridge.session(body.session);
    if (!session) return { held: false };
    const poll = new AbortController();
    const polls = this.waiting.get(from) ?? new Set();
    this.waiting.set(from, polls.add(poll));
    try {
      const { status, messages } = await this.bridge.answer(session, body.request, poll.signal);
      return { held: true, status, messages };
    } finally {
      polls.delete(poll);
      if (polls.size === 0) this.waiting.delete(from);
    }
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const polls of this.waiting.values()) for (const poll of polls) poll.abort();
    this.holders.clear();
    this.missing.clear();
  }
}

/** Sets `key` in a map kept to REMEMBERED entries (the oldest set forgotten first). */
function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  if (map.size >= REMEMBERED) map.delete(map.keys().next().value as string);
  map.set(key, value);
}
