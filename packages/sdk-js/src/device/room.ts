/**
 * A room on the device channel (docs/rooms.md, the control channel): its call's commands as
 * methods (start, add, remove, mute, unmute, end, and a member's own leaveCall, leaveRoom,
 * joinCall, updateProfile, schedule, unschedule; each resolves with the command's sequence number in the room's log,
 * or rejects with a typed DeviceError: RoomCallNotFound, RoomCommandForbidden...), its events
 * as typed events, and the call's roster kept up to date.
 *
 * Never twice: the server may send an entry again (a resumed session redelivers what was not
 * acknowledged; a resubscription replays from the log). The room keeps the highest sequence
 * number it delivered and drops anything at or below it; after a new session it follows the
 * room again from that number, so the entries missed in the gap arrive once, in order.
 *
 * Chat: `send(body, { to, mediaUrls })` posts in the room's chat as the token's member (no
 * organizer grant needed), and every message meant for this device's identity arrives as a
 * `message` event (private messages only reach their recipients and their author).
 *
 * @example
 * const room = device.room('RM...');
 * room.on('member', (member) => console.log(member.key, member.state));
 * await room.subscribe();
 * await room.start();
 * await room.mute('MB...');
 */
import { EventEmitter } from 'eventemitter3';
import type { RoomCommand, RoomEntry, RoomSchedule } from '../protocol/messages.js';
import type { RoomEvents, RoomMember, RoomUpdate, ScheduleRequest, SendOptions } from './room-types.js';

export type {
  RoomCallError,
  RoomChatMessage,
  RoomEvents,
  RoomMember,
  RoomUpdate,
  ScheduleRequest,
  SendOptions,
} from './room-types.js';

/** What a room needs from its device. */
export interface RoomLink {
  request(type: 'room-subscribe', body: { room: string; after?: number }): Promise<unknown>;
  request(type: 'room-unsubscribe', body: { room: string }): Promise<unknown>;
  request(type: 'room-command', body: { room: string; command: RoomCommand }): Promise<{ roomSeq?: number }>;
  request(type: 'room-schedules', body: { room: string }): Promise<{ schedules?: readonly RoomSchedule[] }>;
  forget(room: Room): void;
}

export class Room extends EventEmitter<RoomEvents> {
  #last = 0;
  #subscribed = false;
  readonly #roster = new Map<string, RoomMember>();
  #callSid: string | undefined;

  constructor(
    private readonly link: RoomLink,
    readonly sid: string,
  ) {
    super();
  }

  /** The highest sequence number delivered (0: none yet). */
  get lastSequence(): number {
    return this.#last;
  }

  /** The running call's SID, while one runs. */
  get callSid(): string | undefined {
    return this.#callSid;
  }

  /** The current (or last) call's people, in the order they appeared. */
  get roster(): RoomMember[] {
    return [...this.#roster.values()];
  }

  /** Follows the room: its log since the last entry delivered (all of it the first time), then live. */
  async subscribe(): Promise<void> {
    this.#subscribed = true;
    try {
      await this.link.request('room-subscribe', { room: this.sid, after: this.#last });
    } catch (error) {
      this.#subscribed = false;
      throw error;
    }
  }

  /** Stops following the room, and the device forgets it. */
  async close(): Promise<void> {
    const was = this.#subscribed;
    this.#subscribed = false;
    this.link.forget(this);
    this.removeAllListeners();
    if (was) await this.link.request('room-unsubscribe', { room: this.sid });
  }

  /** Rings everyone (or these members); the organizer's phone first with `organizerPhone`. */
  start(options: { members?: readonly string[]; organizerPhone?: boolean } = {}): Promise<number> {
    return this.#command({
      type: 'start',
      ...(options.members ? { members: [...options.members] } : {}),
      ...(options.organizerPhone ? { organizerPhone: true } : {}),
    });
  }

  add(members: readonly string[]): Promise<number> {
    return this.#command({ type: 'add', members: [...members] });
  }

  remove(key: string): Promise<number> {
    return this.#command({ type: 'remove', key });
  }

  mute(key: string): Promise<number> {
    return this.#command({ type: 'mute', key });
  }

  unmute(key: string): Promise<number> {
    return this.#command({ type: 'unmute', key });
  }

  end(): Promise<number> {
    return this.#command({ type: 'end' });
  }

  /** This device's member leaves the room's call (the others stay); the organizer's leaving ends it unless the room says otherwise. */
  leaveCall(): Promise<number> {
    return this.#command({ type: 'leave-call' });
  }

  /** This device's member leaves the room (and its call, when in it). */
  leaveRoom(): Promise<number> {
    return this.#command({ type: 'leave-room' });
  }

  /**
   * This device's member is rung into the room's call in progress (this app's devices get the
   * invitation, or with `phone` their phone rings); rejects with RoomCallNotFound (no call) or
   * RoomNobodyToRing (they opted out). Already in the call: nothing changes.
   */
  joinCall(options: { phone?: boolean } = {}): Promise<number> {
    return this.#command({ type: 'join-call', ...(options.phone ? { phone: true } : {}) });
  }

  /**
   * This device's member changes their own name or avatar (an http(s) URL, '' removes it); rejects
   * with RoomNotAllowed when the account's policy keeps members from changing their avatar.
   */
  updateProfile(profile: { firstName?: string; lastName?: string; avatarUrl?: string }): Promise<number> {
    const { firstName, lastName, avatarUrl } = profile;
    return this.#command({
      type: 'update-profile',
      ...(firstName === undefined ? {} : { firstName }),
      ...(lastName === undefined ? {} : { lastName }),
      ...(avatarUrl === undefined ? {} : { avatarUrl }),
    });
  }

  /**
   * Posts a message in the room's chat; resolves with its sequence number in the room's log, or
   * rejects with RoomNotAllowed (the policy), RoomMessageInvalid, RoomRecipientNotFound,
   * RoomChatRateLimited, RoomCommandForbidden (no member and no organizer grant).
   */
  send(body: string, options: SendOptions = {}): Promise<number> {
    return this.#command({
      type: 'send',
      body,
      ...(options.to ? { to: [...options.to] } : {}),
      ...(options.mediaUrls ? { mediaUrls: [...options.mediaUrls] } : {}),
    });
  }

  /**
   * Schedules a call as this device's member (the organizer always may; other members when the
   * room has `MembersMaySchedule`, else RoomScheduleForbidden); rejects with RoomScheduleInvalid
   * (the message names the field) or RoomScheduleLimit. The room's followers get `room-updated`
   * with `schedule-added` and its SID.
   *
   * @example
   * await room.schedule({ recurrence: 'monthly', dayOfMonth: 1, time: '09:00', timeZone: 'Europe/Paris' });
   */
  schedule(request: ScheduleRequest): Promise<number> {
    return this.#command({ type: 'schedule', ...request });
  }

  /** Deletes a schedule: its maker's, or any with the organizer grant or as the organizer (else RoomScheduleForbidden). */
  unschedule(scheduleSid: string): Promise<number> {
    return this.#command({ type: 'unschedule', schedule: scheduleSid });
  }

  /** The room's scheduled calls, with their next and last runs (any token that may follow the room). */
  async schedules(): Promise<RoomSchedule[]> {
    return [...((await this.link.request('room-schedules', { room: this.sid })).schedules ?? [])];
  }

  async #command(command: RoomCommand): Promise<number> {
    const { roomSeq } = await this.link.request('room-command', { room: this.sid, command });
    return roomSeq ?? 0;
  }

  /** @internal A new session: follow again from the last entry delivered. */
  _resubscribe(): Promise<unknown> | undefined {
    return this.#subscribed ? this.link.request('room-subscribe', { room: this.sid, after: this.#last }) : undefined;
  }

  /** @internal An entry from the server: delivered unless it was already. */
  _entry(entry: RoomEntry): void {
    if (entry.sequence <= this.#last) return;
    this.#last = entry.sequence;
    this.emit('entry', entry);
    if (entry.kind === 'command') {
      this.emit('command', entry);
      return;
    }
    switch (entry.type) {
      case 'call-started':
        this.#roster.clear();
        this.#callSid = entry.roomCallSid;
        this.emit('call-started', entry.roomCallSid ?? '');
        this.emit('roster', this.roster);
        return;
      case 'member-updated': {
        if (!entry.participantKey) return;
        const member: RoomMember = {
          key: entry.participantKey,
          memberSid: entry.memberSid,
          callSid: entry.callSid,
          state: entry.state ?? 'waiting',
          muted: entry.muted === true,
        };
        this.#roster.set(member.key, member);
        this.emit('member', member);
        this.emit('roster', this.roster);
        return;
      }
      case 'call-ended':
        this.#callSid = undefined;
        if (entry.errorCode === undefined) this.emit('call-ended', entry.reason);
        else this.emit('call-ended', entry.reason, { code: entry.errorCode, message: entry.errorMessage ?? '' });
        return;
      case 'member-added':
        if (!entry.memberSid) return;
        this.emit('member-added', entry.memberSid);
        this.emit('room-updated', { change: 'member-added', fields: [], memberSid: entry.memberSid });
        return;
      case 'room-updated':
        this.emit('room-updated', {
          change: entry.change as RoomUpdate['change'],
          fields: entry.fields ?? [],
          memberSid: entry.memberSid,
          scheduleSid: entry.scheduleSid,
        });
        return;
      case 'message':
        if (entry.message) this.emit('message', { ...entry.message, sequence: entry.sequence, at: entry.at });
        return;
    }
  }
}
