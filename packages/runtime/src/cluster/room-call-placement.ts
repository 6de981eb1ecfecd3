/**
 * Room calls across nodes: a room's call lives on one node at a time, as a conference does. The
 * node running it holds the key `room-call-node:<room>` while the call lives, and pins the call's
 * conference to itself (its conference key claimed before anyone joins), so the engine there sees
 * every leg join and leave wherever the leg's call runs. Starting a call through REST on any node
 * places it by load; someone dialing the room's number on any node reaches the call where it runs
 * (or starts it on the node the caller reached, when none runs); REST commands for the call
 * (the roster, end, ring more, mute, remove) are answered by the node running it, and reads for a
 * minute after it ended by the node that ran it (`room-call-last:<room>`).
 *
 * @example
 * const placement = new RoomCallPlacement({ bus, clock, engine, liveCalls });
 * const node = await placement.holderOf(roomSid); // undefined: none runs
 */
import type { WebhookParams } from '@patchbay/sdk';
import type { Clock } from '../clock/clock.js';
import type { RoomCallEvents } from '../rooms/call/events.js';
import type { RoomCall } from '../rooms/call/state.js';
import { type Bus, DEFAULT_LEASE_MS, type NodeId, type Unsubscribe } from './bus.js';
import { conferenceKey, NodeLoad, place } from './placement.js';

export const DIAL_IN = 'room-call.dial-in';
export const REST = 'room-call.rest';

const roomKey = (roomSid: string) => `room-call-node:${roomSid}`;
/** The node that ran the room's last call, for a while after it ended (its roster's last changes may not be stored yet). */
const lastKey = (roomSid: string) => `room-call-last:${roomSid}`;
/** How long a node that ran a room's call answers for it after it ended. */
const LAST_MS = 60_000;

export interface RoomCallPlacementParts {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly engine: {
    readonly events: {
      on(event: 'event', listener: RoomCallEvents['event']): unknown;
      off(event: 'event', listener: RoomCallEvents['event']): unknown;
    };
    live(roomSid: string): RoomCall | undefined;
    latest(roomSid: string): RoomCall | undefined;
  };
  /** This node's live calls (its load). */
  readonly liveCalls: () => number;
  /**
   * Settles once the room calls' changes so far are in the store: an ended call's key is freed
   * only then, so a node that finds no call running reads its end from the store.
   */
  readonly stored?: () => Promise<void>;
  /** How long the keys live without renewal. @default DEFAULT_LEASE_MS */
  readonly ttlMs?: number;
}

export interface DialInBody {
  readonly accountSid: string;
  readonly roomSid: string;
  readonly params: WebhookParams;
}

export class RoomCallPlacement {
  private readonly ttlMs: number;
  private readonly load: NodeLoad;
  /** What stops each live call's renewals, by room. */
  private readonly held = new Map<string, () => void>();
  private readonly stops: Unsubscribe[] = [];

  constructor(private readonly parts: RoomCallPlacementParts) {
    this.ttlMs = parts.ttlMs ?? DEFAULT_LEASE_MS;
    this.load = new NodeLoad(parts.bus, parts.liveCalls, this.ttlMs);
    const onEvent: RoomCallEvents['event'] = (event) => {
      if (event.type === 'call-started') this.hold(event.call);
      else if (event.type === 'call-ended') this.release(event.call);
    };
    parts.engine.events.on('event', onEvent);
    this.stops.push(() => parts.engine.events.off('event', onEvent));
  }

  get nodeId(): NodeId {
    return this.parts.bus.nodeId;
  }

  /** The live node running the room's call, if another one does. */
  async elsewhere(roomSid: string): Promise<NodeId | undefined> {
    const { bus, engine } = this.parts;
    if (engine.live(roomSid)) return undefined;
    const node = await bus.getKey(roomKey(roomSid));
    if (node === undefined || node === bus.nodeId) return undefined;
    const live = (await bus.nodes()).some((info) => info.id === node);
    return live ? node : undefined;
  }

  /** The live node that ran the room's last call, ended within LAST_MS, if another one did. */
  async lastElsewhere(roomSid: string): Promise<NodeId | undefined> {
    const { bus, engine } = this.parts;
    if (engine.latest(roomSid)?.status === 'in-progress') return undefined;
    const node = await bus.getKey(lastKey(roomSid));
    if (node === undefined || node === bus.nodeId) return undefined;
    const live = (await bus.nodes()).some((info) => info.id === node);
    return live ? node : undefined;
  }

  /** Where a new call of the room starts: the node running one, else the least loaded (claimed now). */
  async placeStart(roomSid: string): Promise<NodeId> {
    return place(this.parts.bus, this.load, roomKey(roomSid), this.ttlMs);
  }

  /**
   * Where a caller dialing the room's number goes: the node running its call, else this node
   * (claimed now, so two callers dialing in on two nodes at once start one call).
   */
  async dialInNode(roomSid: string): Promise<NodeId> {
    const { bus } = this.parts;
    const running = await this.elsewhere(roomSid);
    if (running) return running;
    if (this.parts.engine.live(roomSid) || (await bus.claimKey(roomKey(roomSid), bus.nodeId, this.ttlMs)))
      return bus.nodeId;
    return (await this.elsewhere(roomSid)) ?? bus.nodeId;
  }

  /** Asks the node running the room's call for the dial-in document. */
  dialInThere(node: NodeId, body: DialInBody): Promise<string> {
    return this.parts.bus.request<string>(node, DIAL_IN, body);
  }

  /** Holds the room for this node while its call lives, and pins the call's conference here. */
  private hold(call: RoomCall): void {
    const { bus } = this.parts;
    this.held.get(call.room.sid)?.();
    const keys = [roomKey(call.room.sid), conferenceKey(call.account.sid, call.conference)];
    const claim = () =>
      Promise.all(
        keys.map(
          async (key) => (await bus.renewKey(key, bus.nodeId, this.ttlMs)) || bus.setKey(key, bus.nodeId, this.ttlMs),
        ),
      ).catch(() => undefined);
    void claim();
    let stop: () => void = () => undefined;
    const beat = () => {
      // On the bus's clock: the keys' TTLs run on it (cluster/bus.ts).
      stop = bus.clock.setTimer(
        () => {
          void claim();
          beat();
        },
        Math.max(1, Math.floor(this.ttlMs / 3)),
      );
    };
    beat();
    this.held.set(call.room.sid, () => stop());
  }

  private release(call: RoomCall): void {
    const stop = this.held.get(call.room.sid);
    if (!stop) return;
    stop();
    this.held.delete(call.room.sid);
    const { bus, stored } = this.parts;
    void (async () => {
      // Every listener of the end has run (the store's among them) before this looks.
      await Promise.resolve();
      await stored?.().catch(() => undefined);
      // A next call of the room started here meanwhile holds the key again.
      if (this.held.has(call.room.sid)) return;
      await bus.setKey(lastKey(call.room.sid), bus.nodeId, LAST_MS);
      await bus.deleteKey(roomKey(call.room.sid), bus.nodeId);
    })().catch(() => undefined);
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const stop of this.held.values()) stop();
    this.held.clear();
  }
}
