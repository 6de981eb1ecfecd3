/**
 * Conferences across the nodes of a cluster. A conference (account + friendly name) lives on one
 * node at a time, placed by load when its first caller dials it (placement.ts); a caller whose
 * call runs elsewhere joins through a trunk: a pair of trunk legs, one on each node, whose media
 * crosses the bus (conference-guest.ts on the caller's node, conference-host.ts on the room's).
 * The room itself is the ordinary one (conference/conference.ts) on its node, so what callers
 * hear, the status callbacks, the recording and the REST view are those of one node. A host that
 * dies takes its rooms with it: their callers elsewhere leave as when a room ends, and the next
 * `<Dial><Conference>` with that name starts it again on a live node.
 *
 * @example
 * const cluster = new ConferenceCluster({ bus, clock, media, registry, events, liveCalls });
 * registry.placement = cluster; // createRuntime({ bus }) does both
 * await cluster.ready;
 */
import type { EventEmitter } from 'eventemitter3';
import type { Clock } from '../clock/clock.js';
import type { ConferenceSnapshot } from '../conference/conference.js';
import type { ConferenceRegistry } from '../conference/registry.js';
import { type ConferencePlacement, type Joined, joinHere, type SeatRequest } from '../conference/seat.js';
import type { RuntimeEvents } from '../interpreter/types.js';
import type { MediaAdapter } from '../media/types.js';
import { type Bus, DEFAULT_LEASE_MS, type NodeDown, type NodeId, type Unsubscribe } from './bus.js';
import { ConferenceGuest } from './conference-guest.js';
import { ConferenceHost } from './conference-host.js';
import type { CallBody, FrameBody, JoinBody, LeftBody } from './conference-wire.js';
import { METHODS } from './conference-wire.js';
import { conferenceKey, NodeLoad, place } from './placement.js';

export interface ConferenceClusterParts {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly media: MediaAdapter;
  readonly registry: ConferenceRegistry;
  readonly events: EventEmitter<RuntimeEvents>;
  /** This node's live calls (its load). */
  readonly liveCalls: () => number;
  /** How long a placement or load key lives without renewal. @default DEFAULT_LEASE_MS */
  readonly ttlMs?: number;
  /** How long a node has to answer a join. @default 5000 */
  readonly requestTimeoutMs?: number;
}

export class ConferenceCluster implements ConferencePlacement {
  private readonly host: ConferenceHost;
  private readonly guest: ConferenceGuest;
  private readonly load: NodeLoad;
  private readonly ttlMs: number;
  private readonly stops: Unsubscribe[] = [];

  constructor(private readonly parts: ConferenceClusterParts) {
    const { bus } = parts;
    this.ttlMs = parts.ttlMs ?? DEFAULT_LEASE_MS;
    const requestTimeoutMs = parts.requestTimeoutMs ?? 5000;
    // Media and notices go in the background: a node that does not answer is dead or dying,
    // and its death (node-down) is what ends the trunk, not a lost frame.
    const tell = (node: NodeId, method: string, body: unknown) =>
      void bus.request(node, method, body, { timeoutMs: requestTimeoutMs }).catch(() => undefined);
    this.host = new ConferenceHost({ ...parts, ttlMs: this.ttlMs, tell });
    this.guest = new ConferenceGuest({ bus, media: parts.media, requestTimeoutMs, tell });
    this.load = new NodeLoad(bus, parts.liveCalls, this.ttlMs);
    this.ready = this.start();
  }

  /** Settles once this node's load is published (it serves the other nodes from the start). */
  readonly ready: Promise<void>;

  /** Serves the other nodes' conference requests and publishes this node's load. */
  private async start(): Promise<void> {
    const { bus, events } = this.parts;
    this.stops.push(
      bus.serve(METHODS.join, (body, from) => this.host.join(body as JoinBody, from)),
      bus.serve(METHODS.leave, (body) => {
        const { reason } = body as LeftBody;
        this.host.leave(body as CallBody, reason === 'hangup' ? 'hangup' : 'left');
      }),
      bus.serve(METHODS.started, (body) => this.guest.started(body as CallBody)),
      bus.serve(METHODS.left, (body) => this.guest.left(body as LeftBody)),
      bus.serve(METHODS.frame, (body) => this.host.deliver(body as FrameBody) || this.guest.deliver(body as FrameBody)),
    );
    const onDown = ({ node }: NodeDown) => {
      this.host.nodeDown(node);
      this.guest.nodeDown(node);
    };
    const onPartitioned = () => {
      this.host.partitioned();
      this.guest.partitioned();
    };
    const onRoom = (room: ConferenceSnapshot) => this.host.changed(room);
    const onCall = () => void this.load.publish();
    bus.on('node-down', onDown);
    bus.on('partitioned', onPartitioned);
    events.on('conference.updated', onRoom);
    events.on('call.created', onCall);
    events.on('call.ended', onCall);
    let stopTimer: () => void = () => undefined;
    const beat = () => {
      void this.load.publish(true);
      // On the bus's clock: the key's TTL runs on it (cluster/bus.ts).
      stopTimer = bus.clock.setTimer(beat, Math.max(1, Math.floor(this.ttlMs / 3)));
    };
    beat();
    this.stops.push(() => {
      stopTimer();
      bus.off('node-down', onDown);
      bus.off('partitioned', onPartitioned);
      events.off('conference.updated', onRoom);
      events.off('call.created', onCall);
      events.off('call.ended', onCall);
    });
    await this.load.publish(true);
  }

  /** The node holding the account's room of this name, placing it by load when it is nowhere. */
  holder(accountSid: string, name: string): Promise<NodeId> {
    return place(this.parts.bus, this.load, conferenceKey(accountSid, name), this.ttlMs);
  }

  /** Seats a caller in the room, wherever it lives (placing it when it is nowhere). */
  async join(request: SeatRequest): Promise<Joined> {
    const { bus, registry } = this.parts;
    const key = conferenceKey(request.account.sid, request.name);
    let node: NodeId;
    try {
      node = await this.holder(request.account.sid, request.name);
    } catch (error) {
      return { unplaced: String((error as Error).message) };
    }
    if (node === bus.nodeId) return joinHere(registry, request);
    return this.guest.join(request, node, key);
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.guest.close();
    this.host.close();
  }
}
