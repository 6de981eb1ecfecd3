/**
 * The caller's side of a conference split across nodes: the call runs here (its interpreter,
 * its wait music, its `<Dial>` action), the room lives on the host node. The caller's leg is
 * bridged to a trunk leg whose other end is the caller's participant in the host's room, so the
 * caller hears the room and the room hears the caller. The seat settles as a local one would:
 * when the caller leaves, is kicked, or the room ends, and when the host dies (the room is gone:
 * `conference-ended`, and the call goes on with its next verb).
 */
import type { LeaveReason } from '../conference/conference.js';
import type { Joined, Seat, SeatRequest } from '../conference/seat.js';
import type { Bridge, MediaAdapter, MediaLeg, TrunkLeg } from '../media/types.js';
import type { Bus, NodeId } from './bus.js';
import {
  type CallBody,
  type FrameBody,
  type JoinAnswer,
  type JoinBody,
  type LeftBody,
  METHODS,
  toWire,
} from './conference-wire.js';

interface Guest {
  readonly seat: string;
  readonly host: NodeId;
  readonly key: string;
  readonly leg: MediaLeg;
  readonly trunk: TrunkLeg;
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
    if (!media.trunkLeg) return { unplaced: `media ${media.name} cannot carry a caller to another node` };
    const { callSid, leg } = request;
    const seat = `${bus.nodeId}/${++this.seats}`;
    if (this.guests.has(callSid)) this.out(callSid, 'left');
    // The trunk exists before the host answers: its first frames find it.
    const trunk = media.trunkLeg({
      address: `trunk:${host}/${callSid}`,
      send: (frame) => this.parts.tell(host, METHODS.frame, { callSid, seat, frame } satisfies FrameBody),
    });
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
      trunk,
      bridge: undefined,
      started: new AbortController(),
      stopListening: () => leg.events.off('hangup', onHangup),
      settle,
      waiting: true,
      active: true,
    };
    this.guests.set(callSid, guest);
    const body: JoinBody = {
      account: request.account,
      name: request.name,
      settings: toWire(request.settings),
      callSid,
      seat,
      options: request.options,
    };
    let answer: JoinAnswer;
    try {
      answer = await bus.request<JoinAnswer>(host, METHODS.join, body, { timeoutMs: this.parts.requestTimeoutMs });
    } catch (error) {
      this.finish(callSid, 'left');
      return { unplaced: `conference "${request.name}" on node ${host} could not be joined: ${String(error)}` };
    }
    if ('full' in answer) {
      this.finish(callSid, 'left');
      return answer;
    }
    if (!answer.waiting) this.started({ callSid, seat });
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
    return { seat: handle };
  }

  /** The host says the room started. */
  started({ callSid, seat }: CallBody): void {
    const guest = this.current({ callSid, seat });
    if (!guest?.waiting) return;
    guest.waiting = false;
    guest.bridge = this.parts.media.bridge(guest.leg, guest.trunk);
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
    guest.trunk.deliver(frame);
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

  /** The caller leaves from this side: the host is told, the seat settles now. */
  private out(callSid: string, reason: 'left' | 'hangup', seat?: string): void {
    const guest = this.guests.get(callSid);
    if (!guest || (seat !== undefined && guest.seat !== seat)) return;
    this.parts.tell(guest.host, METHODS.leave, { callSid, seat: guest.seat, reason } satisfies LeftBody);
    this.finish(callSid, reason);
  }

  private finish(callSid: string, reason: LeaveReason): void {
    const guest = this.guests.get(callSid);
    if (!guest) return;
    this.guests.delete(callSid);
    guest.active = false;
    guest.stopListening();
    void guest.bridge?.close();
    void guest.trunk.hangup();
    if (reason === 'conference-ended') guest.started.abort(new Error('the conference ended'));
    guest.settle(reason);
  }

  close(): void {
    for (const callSid of [...this.guests.keys()]) this.out(callSid, 'left');
  }
}
