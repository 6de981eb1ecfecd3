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
 * (devices-relay.ts). If no live node holds it, the device is answered 404 and says hello again
 * (a new session); if the nodes cannot be asked (the bus is down, the holder does not answer),
 * 503, and the device says hello again resuming its session, relayed where it lives.
 *
 * Bounded: only well-formed session ids are asked about; an id no node held is answered 404 for
 * MISSING_MS without asking again; polls for one id while its holder is asked wait for that one
 * answer; at most MAX_LOOKUPS ids are asked about at once (more: 503); an answer carries at most
 * ANSWER_BYTES of messages (the device polls again for the rest).
 *
 * @example
 * const relay = new PollRelay(bus, { session, answer, heartbeatMs }, onError);
 * const answer = await relay.forward(sessionId, { method: 'GET', after: 12 }, signal); // 'none': no node holds it
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
  /** Reached node → holder: the device's poll request ended (its connection closed). */
  cancel: 'devices.poll.cancel',
} as const;

/** How long a node is given to answer a question, or a POST (a GET has a heartbeat more). */
const TIMEOUT_MS = 3000;
/** Sessions whose holder (or that no node holds them) a node remembers at most (the oldest forgotten first). */
const REMEMBERED = 10_000;
/** How long a session no live node held is answered 404 without asking again. */
const MISSING_MS = 2000;
/** Session ids asked about at once, at most. */
const MAX_LOOKUPS = 64;
/** Messages in one relayed answer, at most (JSON characters): well within the bus's 256 KiB. */
const ANSWER_BYTES = 128 * 1024;
/** A session id as the bridge makes them (16 random bytes, base64url): anything else is nobody's. */
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

const id = z.string().min(1).max(64);
const sessionBody = z.object({ session: id });
const pollBody = z.object({
  poll: id,
  session: id,
  request: z.union([
    z.object({ method: z.literal('GET'), after: z.number().int().nonnegative() }),
    z.object({ method: z.literal('POST'), body: z.unknown() }),
  ]),
});
const cancelBody = z.object({ poll: id });
const pollReply = z.union([
  z.object({ held: z.literal(false) }),
  z.object({ held: z.literal(true), status: z.number().int(), messages: z.array(z.looseObject({ type: z.string() })) }),
]);

/** A relayed poll's outcome: the holder's answer, no node holds the session, or the nodes could not be asked. */
export type Forwarded = PollAnswer | 'none' | 'unavailable';

/** What the relay asks of the device bridge on the node holding a session. */
export interface PolledBridge {
  readonly heartbeatMs: number;
  session(id: string): DeviceSession | undefined;
  /** Answers a poll for a session held here, as the device's own would be (a GET's within `maxBytes`). */
  answer(session: DeviceSession, request: PollRequest, signal: AbortSignal, maxBytes: number): Promise<PollAnswer>;
}

export class PollRelay {
  /** Where a session polled through this node lives. */
  private readonly holders = new Map<string, NodeId>();
  /**
   * Sessions no live node held, until when: a device polling a dead node's session, or someone
   * trying ids, costs the other nodes one question per id and MISSING_MS, not one per poll.
   */
  private readonly missing = new Map<string, number>();
  /** Holders being asked for, by session. */
  private readonly lookups = new Map<string, Promise<NodeId | 'none' | 'unavailable'>>();
  /** Polls this node relayed, waiting for their answer, by the node holding them (ended if it dies). */
  private readonly forwarded = new Map<NodeId, Set<() => void>>();
  /** Polls relayed here, waiting, by `<node> <poll>`. */
  private readonly waiting = new Map<string, { readonly from: NodeId; readonly abort: AbortController }>();
  private readonly stops: Unsubscribe[] = [];
  private polls = 0;

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
      bus.serve(METHODS.cancel, (body, from) => {
        this.waiting.get(`${from} ${parseBody(cancelBody, body, METHODS.cancel, from).poll}`)?.abort.abort();
        return {};
      }),
    );
    const onDown = ({ node }: NodeDown) => {
      for (const [session, holder] of this.holders) if (holder === node) this.holders.delete(session);
      for (const end of this.forwarded.get(node) ?? []) end();
      for (const { from, abort } of this.waiting.values()) if (from === node) abort.abort();
    };
    bus.on('node-down', onDown);
    this.stops.push(() => bus.off('node-down', onDown));
  }

  // ---- the node the device reached ----

  /** The poll answered by the node holding `session`. */
  async forward(session: string, request: PollRequest, signal: AbortSignal): Promise<Forwarded> {
    if (!SESSION_ID.test(session)) return 'none';
    if (!this.bus.connected) return 'unavailable';
    if ((this.missing.get(session) ?? 0) > this.bus.clock.now()) return 'none';
    const node = this.holders.get(session) ?? (await this.lookUp(session));
    if (node === 'none' || node === 'unavailable') return node;
    if (signal.aborted) return 'unavailable';
    const poll = `p${++this.polls}`;
    const cancel = () => this.tell(node, METHODS.cancel, { poll });
    signal.addEventListener('abort', cancel);
    // A GET waits there up to a heartbeat before it is answered.
    const timeoutMs = (request.method === 'GET' ? this.bridge.heartbeatMs : 0) + TIMEOUT_MS;
    const asked = this.bus
      .request(node, METHODS.poll, { poll, session, request }, { timeoutMs })
      .then((answer) => parseBody(pollReply, answer, `reply to ${METHODS.poll}`, node))
      .catch((error: unknown) => {
        this.onError?.(error);
        return 'unavailable' as const;
      });
    // The holder dying ends the poll at once: its session is gone.
    const ends = this.forwarded.get(node) ?? new Set();
    this.forwarded.set(node, ends);
    let end = () => {};
    const died = new Promise<'none'>((resolve) => {
      end = () => resolve('none');
      ends.add(end);
    });
    const reply = await Promise.race([asked, died]);
    signal.removeEventListener('abort', cancel);
    ends.delete(end);
    if (ends.size === 0 && this.forwarded.get(node) === ends) this.forwarded.delete(node);
    if (reply === 'unavailable' || reply === 'none') {
      this.holders.delete(session);
      return reply;
    }
    if (!reply.held) {
      this.holders.delete(session);
      return 'none';
    }
    return { status: reply.status, messages: reply.messages as ServerMessage[] };
  }

  /** The live node holding `session` (remembered), asked once however many polls wait for it. */
  private lookUp(session: string): Promise<NodeId | 'none' | 'unavailable'> {
    const asking = this.lookups.get(session);
    if (asking) return asking;
    if (this.lookups.size >= MAX_LOOKUPS) return Promise.resolve('unavailable');
    const lookup = holderAmong(this.bus, METHODS.holds, { session }, TIMEOUT_MS).then(({ node, everyone }) => {
      this.lookups.delete(session);
      if (node) {
        remember(this.holders, session, node);
        return node;
      }
      if (!everyone) return 'unavailable';
      remember(this.missing, session, this.bus.clock.now() + MISSING_MS);
      return 'none';
    });
    this.lookups.set(session, lookup);
    return lookup;
  }

  // ---- the node holding the session ----

  private async answer(body: z.infer<typeof pollBody>, from: NodeId): Promise<z.infer<typeof pollReply>> {
    const session = this.bridge.session(body.session);
    if (!session) return { held: false };
    const key = `${from} ${body.poll}`;
    const abort = new AbortController();
    this.waiting.set(key, { from, abort });
    try {
      const { status, messages } = await this.bridge.answer(session, body.request, abort.signal, ANSWER_BYTES);
      return { held: true, status, messages };
    } finally {
      this.waiting.delete(key);
    }
  }

  /** Tells `node` something, not waiting for its answer. */
  private tell(node: NodeId, method: string, body: unknown): void {
    this.bus.request(node, method, body, { timeoutMs: TIMEOUT_MS }).catch((error: unknown) => this.onError?.(error));
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const { abort } of this.waiting.values()) abort.abort();
    for (const ends of this.forwarded.values()) for (const end of ends) end();
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
