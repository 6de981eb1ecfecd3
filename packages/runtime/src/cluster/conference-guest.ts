/**
 * The caller's side of a conference split across nodes: the call runs here (its interpreter,
 * its wait music, its `<Dial>` action), the room lives on the host node. The caller's leg is
 * bridged to this node's end of a trunk (conference-trunk.ts) whose other end is the caller's
 * participant in the host's room, so the caller hears the room and the room hears the caller.
 * The seat settles as a local one would: when the caller leaves, is kicked, or the room ends,
 * and when the host dies or its RTP stops arriving (the room is gone: `conference-ended`, and
 * the call goes on with its next verb).
 */
import type { LeaveReason } from '../conference/conference.js';
import type { Joined, Seat, SeatRequest } from '../conference/seat.js';
import type { Bridge, MediaAdapter, MediaLeg } from '../media/types.js';
import type { Bus, NodeId } from './bus.js';
import { carriesTrunks, openEnd, type TrunkEnd } from './conference-trunk.js';
import {
  type CallBody,
  type FrameBody,
  type JoinAnswer,
  type JoinBody,
  type LeftBody,
  METHODS,
  rtpEndpoint,
  toWire,
} from './conference-wire.js';

interface Guest {
  readonly seat: string;
  readonly host: NodeId;
  readonly key: string;
  readonly leg: MediaLeg;
  /** This node's end of the trunk, once open. */
  trunk: TrunkEnd | undefined;
  /** Made when the room starts: a waiting caller is not in the room's audio, as on one node. */
  bridge: Bridge | undefined;
  readonly started: AbortController;
  readonly stopListening: () => void;
  readonly settle: (reason: LeaveReason) => void;
  waiting: boolean;
  active: boolean;
}

export interface GuestParts {
  readonly bus: Bus;
  readonly media: MediaAdapter;
  readonly requestTimeoutMs: number;
  readonly tell: (node: NodeId, method: string, body: unknown) => void;
}

export class ConferenceGuest {
  private readonly guests = new Map<string, Guest>();
  private seats = 0;

  constructor(private readonly parts: GuestParts) {}

  /** Seats the caller in the room `host` holds (`key`: the room's placement key). */
  async join(request: SeatRequest, host: NodeId, key: string): Promise<Joined> {
    const { media, bus } = this.parts;
    if (!carriesTrunks(media)) return { unplaced: `media ${media.name} cannot carry a caller to another node` };
    const { callSid, leg } = request;
    const seat = `${bus.nodeId}/${++this.seats}`;
    if (this.guests.has(callSid)) this.out(callSid, 'left');
    const onHangup = () => this.out(callSid, 'hangup', seat);
    leg.events.once('hangup', onHangup);
    let settle!: (reason: LeaveReason) => void;
    const left = new Promise<LeaveReason>((resolve) => {
      settle = resolve;
    });
    const guest: Guest = {
      seat,
      host,
      key,
      leg,
      trunk: undefined,
      bridge: undefined,
      started: new AbortController(),
      stopListening: () => leg.events.off('hangup', onHangup),
      settle,
      waiting: true,
      active: true,
    };
    this.guests.set(callSid, guest);
    const handle: Seat = {
      get waiting() {
        return guest.waiting;
      },
      started: guest.started.signal,
      get active() {
        return guest.active;
      },
      left,
      leave: () => this.out(callSid, 'left', seat),
    };
    // The trunk exists before the host answers: its first frames (or RTP) find it.
    const send = (frame: unknown) => this.parts.tell(host, METHODS.frame, { callSid, seat, frame } satisfies FrameBody);
    let end: TrunkEnd;
    try {
      end = await openEnd(media, `trunk:${host}/${callSid}`, send, media.openTrunk !== undefined);
    } catch (error) {
      this.finish(callSid, 'left');
      return { unplaced: `no media path to node ${host} for conference "${request.name}": ${String(error)}` };
    }
    if (!guest.active) {
      // The caller hung up meanwhile: the seat has settled, the host was never asked.
      void end.leg.hangup();
      return { seat: handle };
    }
    guest.trunk = end;
    // Its far end gone silent (RTP timeout): the room is out of reach, as when its node dies.
    end.leg.events.once('hangup', () => {
      if (this.current({ callSid, seat })) this.out(callSid, 'left', seat, 'conference-ended');
    });
    const body: JoinBody = {
      account: request.account,
      name: request.name,
      settings: toWire(request.settings),
      callSid,
      seat,
      options: request.options,
      ...(end.rtp ? { rtp: end.rtp } : {}),
    };
    let answer: JoinAnswer;
    try {
      answer = await bus.request<JoinAnswer>(host, METHODS.join, body, { timeoutMs: this.parts.requestTimeoutMs });
      if (end.rtp && !('full' in answer)) end.connect(rtpEndpoint(answer.rtp, `conference.join answer from ${host}`));
    } catch (error) {
      // A caller who hung up meanwhile has its seat settled already: nothing to warn about.
      if (!guest.active) return { seat: handle };
      this.out(callSid, 'left', seat);
      return { unplaced: `conference "${request.name}" on node ${host} could not be joined: ${String(error)}` };
    }
    if ('full' in answer) {
      this.finish(callSid, 'left');
      return answer;
    }
    if (!answer.waiting) this.started({ callSid, seat });
    return { seat: handle };
  }

  /** The host says the room started. */
  started({ callSid, seat }: CallBody): void {
    const guest = this.current({ callSid, seat });
    if (!guest?.waiting) return;
    guest.waiting = false;
    if (guest.trunk) guest.bridge = this.parts.media.bridge(guest.leg, guest.trunk.leg);
    guest.started.abort(new Error('the conference started'));
  }

  /** The host says the caller is out (kicked, the room ended). */
  left({ callSid, seat, reason }: LeftBody): void {
    if (this.current({ callSid, seat })) this.finish(callSid, reason);
  }

  /** The caller's seat a message is about, unless it is about an older seat of the same call. */
  private current({ callSid, seat }: CallBody): Guest | undefined {
    const guest = this.guests.get(callSid);
    return guest?.seat === seat ? guest : undefined;
  }

  deliver({ callSid, seat, frame }: FrameBody): boolean {
    const guest = this.current({ callSid, seat });
    if (!guest) return false;
    // Media comes only from a room that started; it may overtake the host's notice that it did.
    if (guest.waiting) this.started({ callSid, seat });
    guest.trunk?.deliver(frame);
    return true;
  }

  /** The host died: its rooms are gone, and so is its claim on their names. */
  nodeDown(node: NodeId): void {
    for (const [callSid, guest] of [...this.guests]) {
      if (guest.host !== node) continue;
      void this.parts.bus.deleteKey(guest.key, node).catch(() => undefined);
      this.finish(callSid, 'conference-ended');
    }
  }

  /** This node lost the bus: every room elsewhere is gone for its callers (they go on here). */
  partitioned(): void {
    for (const callSid of [...this.guests.keys()]) this.finish(callSid, 'conference-ended');
  }

  /** The caller leaves from this side: the host is told, the seat settles now (with `settled`, else as told). */
  private out(callSid: string, reason: 'left' | 'hangup', seat?: string, settled: LeaveReason = reason): void {
    const guest = this.guests.get(callSid);
    if (!guest || (seat !== undefined && guest.seat !== seat)) return;
    this.parts.tell(guest.host, METHODS.leave, { callSid, seat: guest.seat, reason } satisfies LeftBody);
    this.finish(callSid, settled);
  }

  private finish(callSid: string, reason: LeaveReason): void {
    const guest = this.guests.get(callSid);
    if (!guest) return;
    this.guests.delete(callSid);
    guest.active = false;
    guest.stopListening();
    void guest.bridge?.close();
    void guest.trunk?.leg.hangup();
    if (reason === 'conference-ended') guest.started.abort(new Error('the conference ended'));
    guest.settle(reason);
  }

  close(): void {
    for (const callSid of [...this.guests.keys()]) this.out(callSid, 'left');
  }
}
