/**
 * Room subscriptions and commands on the device channel (docs/rooms.md, the control channel):
 * which rooms each session follows (at most LIMITS.maxRoomSubscriptions), the `room` messages
 * pushed to it in the session's sequenced stream (so acked, resumed and redelivered like any
 * other), and its commands handed to the rooms' control (rooms/call/control.ts), attached by
 * the API once rooms run on this server.
 */
import {
  DeviceError,
  LIMITS,
  type Outgoing,
  type RoomCommand,
  type RoomSchedule,
  type RoomSummary,
} from '@patchbay/sdk/protocol';
import type { RoomControl } from '../rooms/call/control.js';
import type { DeviceSession } from './session.js';

type Following = Map<string, { stop?: () => void }>;

export class RoomChannel {
  #control: RoomControl | undefined;
  readonly #sessions = new Map<DeviceSession, Following>();

  constructor(private readonly push: (session: DeviceSession, message: Outgoing) => void) {}

  /** Rooms run on this server: their control; returns the detach. */
  attach(control: RoomControl): () => void {
    this.#control = control;
    return () => {
      if (this.#control === control) this.#control = undefined;
    };
  }

  #controlled(): RoomControl {
    if (!this.#control) throw new DeviceError('TemporarilyUnavailable', 'rooms do not run on this server');
    return this.#control;
  }

  /** Follows the room from `after` (again, from there, when it already did). */
  async subscribe(session: DeviceSession, room: string, after: number): Promise<void> {
    const control = this.#controlled();
    let following = this.#sessions.get(session);
    if (!following) {
      following = new Map();
      this.#sessions.set(session, following);
    }
    const before = following.get(room);
    if (!before && following.size >= LIMITS.maxRoomSubscriptions)
      throw new DeviceError('TooManyRequests', `a session follows at most ${LIMITS.maxRoomSubscriptions} rooms`);
    before?.stop?.();
    const slot: { stop?: () => void } = {};
    following.set(room, slot);
    const holder = { accountSid: session.accountSid, identity: session.identity, rooms: session.token.rooms };
    let stop: () => void;
    try {
      stop = await control.subscribe(holder, room, after, (entry) => this.push(session, { type: 'room', room, entry }));
    } catch (error) {
      if (following.get(room) === slot) following.delete(room);
      throw error;
    }
    // The session ended, or unsubscribed or subscribed again, while the log was replayed.
    if (this.#sessions.get(session)?.get(room) !== slot) stop();
    else slot.stop = stop;
  }

  unsubscribe(session: DeviceSession, room: string): void {
    const following = this.#sessions.get(session);
    following?.get(room)?.stop?.();
    following?.delete(room);
  }

  /** The session is ending: it follows no room. */
  dropAll(session: DeviceSession): void {
    for (const slot of this.#sessions.get(session)?.values() ?? []) slot.stop?.();
    this.#sessions.delete(session);
  }

  /** Runs the command; its sequence number in the room's log. */
  async command(session: DeviceSession, room: string, command: RoomCommand): Promise<number> {
    const holder = { accountSid: session.accountSid, identity: session.identity, rooms: session.token.rooms };
    return this.#controlled().command(holder, room, command);
  }

  /** The room's schedules, for a session that may follow it. */
  schedules(session: DeviceSession, room: string): Promise<RoomSchedule[]> {
    const holder = { accountSid: session.accountSid, identity: session.identity, rooms: session.token.rooms };
    return this.#controlled().schedules(holder, room);
  }

  /** The rooms whose member the session's identity is. */
  rooms(session: DeviceSession): Promise<RoomSummary[]> {
    return this.#controlled().rooms({ accountSid: session.accountSid, identity: session.identity });
  }
}
