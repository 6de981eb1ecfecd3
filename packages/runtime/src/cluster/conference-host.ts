/**
 * The host's side of a conference split across nodes: the room lives here (in this node's
 * registry, with its mixer, status callbacks and recording, exactly as on one node), and each
 * caller whose call runs on another node is a participant whose leg is this node's end of a
 * trunk (conference-trunk.ts): what the room plays to it goes to the caller's node, what the
 * caller does comes back and is mixed (RTP engine to engine on real media, frames on the bus
 * on the simulated network).
 * The host renews the room's placement key while the room lives and frees it when it ends.
 */
import type { Clock } from '../clock/clock.js';
import type { Conference, ConferenceSnapshot, Participant } from '../conference/conference.js';
import type { ConferenceRegistry } from '../conference/registry.js';
import { PatchbayError } from '../errors.js';
import type { MediaAdapter } from '../media/types.js';
import type { Bus, NodeId } from './bus.js';
import { openEnd, type TrunkEnd } from './conference-trunk.js';
import {
  type CallBody,
  type FrameBody,
  fromWire,
  type JoinAnswer,
  type JoinBody,
  type LeftBody,
  METHODS,
  rtpEndpoint,
} from './conference-wire.js';
import { conferenceKey } from './placement.js';

interface Hosted {
  readonly seat: string;
  readonly peer: NodeId;
  readonly end: TrunkEnd;
  readonly room: Conference;
  readonly participant: Participant;
}

export interface HostParts {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly media: MediaAdapter;
  readonly registry: ConferenceRegistry;
  readonly ttlMs: number;
  /** Sends to another node in the background (a failure is that node's death, handled as such). */
  readonly tell: (node: NodeId, method: string, body: unknown) => void;
}

export class ConferenceHost {
  private readonly hosted = new Map<string, Hosted>();
  /** Seats whose trunk end is opening, and those of them whose caller left meanwhile. */
  private readonly opening = new Set<string>();
  private readonly leftWhileOpening = new Set<string>();
  /** Rooms (by SID) whose placement key this node renews, with what stops the renewal. */
  private readonly renewing = new Map<string, () => void>();

  constructor(private readonly parts: HostParts) {}

  /** A caller on `peer` joins the room (made here when there is none). */
  async join(body: JoinBody, peer: NodeId): Promise<JoinAnswer> {
    const { registry, media } = this.parts;
    const { callSid, seat } = body;
    const remote = body.rtp === undefined ? undefined : rtpEndpoint(body.rtp, `conference.join from ${peer}`);
    const send = (frame: unknown) => this.parts.tell(peer, METHODS.frame, { callSid, seat, frame } satisfies FrameBody);
    this.opening.add(seat);
    let end: TrunkEnd;
    let leftMeanwhile = false;
    try {
      end = await openEnd(media, `trunk:${peer}/${callSid}`, send, remote !== undefined);
    } finally {
      this.opening.delete(seat);
      leftMeanwhile = this.leftWhileOpening.delete(seat);
    }
    try {
      // The caller's node said it left while the end opened: no seat for a caller who is gone.
      if (leftMeanwhile)
        throw new PatchbayError('conference-placement-failed', `call ${callSid} left before it was seated`);
      if (remote) end.connect(remote);
    } catch (error) {
      void end.leg.hangup();
      throw error;
    }
    const room = registry.open(body.account, body.name, fromWire(body.settings));
    this.hosted.get(callSid)?.end.remoteHangup();
    const participant = room.join(callSid, end.leg, body.options);
    if (!participant) {
      void end.leg.hangup();
      return { full: { friendlyName: room.friendlyName, maxParticipants: room.settings.maxParticipants } };
    }
    this.hosted.set(callSid, { seat, peer, end, room, participant });
    if (room.status === 'init')
      room.started.addEventListener(
        'abort',
        () => {
          if (participant.active) this.parts.tell(peer, METHODS.started, { callSid, seat } satisfies CallBody);
        },
        { once: true },
      );
    void participant.left.then((reason) => {
      if (this.hosted.get(callSid)?.participant === participant) this.hosted.delete(callSid);
      void end.leg.hangup();
      this.parts.tell(peer, METHODS.left, { callSid, seat, reason } satisfies LeftBody);
    });
    return { sid: room.sid, waiting: room.status === 'init', ...(end.rtp ? { rtp: end.rtp } : {}) };
  }

  /** The caller's node says it is out. */
  leave({ callSid, seat }: CallBody, reason: 'left' | 'hangup'): void {
    const hosted = this.hosted.get(callSid);
    if (hosted?.seat === seat) hosted.room.leave(hosted.participant, reason);
    else if (this.opening.has(seat)) this.leftWhileOpening.add(seat);
  }

  /** Media from a caller's node. Returns false when the call has no trunk here. */
  deliver({ callSid, seat, frame }: FrameBody): boolean {
    const hosted = this.hosted.get(callSid);
    if (hosted?.seat !== seat) return false;
    hosted.end.deliver(frame);
    return true;
  }

  /** A node died: its callers hang up, as callers whose line dropped. */
  nodeDown(node: NodeId): void {
    for (const hosted of [...this.hosted.values()]) if (hosted.peer === node) hosted.end.remoteHangup();
  }

  /**
   * Every change of a room of this node (runtime event `conference.updated`): a live room's
   * placement key is held for this node, renewed while it lives; an ended room's is freed at once.
   */
  changed(room: ConferenceSnapshot): void {
    const { bus, ttlMs } = this.parts;
    const key = conferenceKey(room.accountSid, room.friendlyName);
    const renewing = this.renewing.get(room.sid);
    if (room.status === 'completed') {
      if (!renewing) return;
      renewing();
      this.renewing.delete(room.sid);
      void bus.deleteKey(key, bus.nodeId).catch(() => undefined);
      return;
    }
    if (renewing) return;
    let stop: () => void = () => undefined;
    const beat = () => {
      // Renewed only while it names this node; claimed again if it ran out meanwhile.
      void (async () => (await bus.renewKey(key, bus.nodeId, ttlMs)) || bus.claimKey(key, bus.nodeId, ttlMs))()
        .then((held) => {
          // Another node holds the name now (this node was cut off meanwhile): callers go there.
          if (!held) stop();
        })
        .catch(() => undefined);
      stop = bus.clock.setTimer(beat, Math.max(1, Math.floor(ttlMs / 3)));
    };
    this.renewing.set(room.sid, () => stop());
    beat();
  }

  /** This node lost the bus: its callers on other nodes count it dead, and hang up here too. */
  partitioned(): void {
    for (const hosted of [...this.hosted.values()]) hosted.end.remoteHangup();
  }

  close(): void {
    for (const stop of this.renewing.values()) stop();
    this.renewing.clear();
    for (const hosted of this.hosted.values()) hosted.end.remoteHangup();
    this.hosted.clear();
  }
}
