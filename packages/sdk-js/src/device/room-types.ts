/**
 * What a room on the device channel shows an app (room.ts): the people in its call, its own
 * changes, a call's failure, chat messages, the typed events a `Room` emits, and what a command
 * to schedule or send takes.
 */
import type { RoomCommand, RoomEntry, RoomMessage } from '../protocol/messages.js';

/** One person in the room's call, as its events told. */
export interface RoomMember {
  readonly key: string;
  readonly memberSid?: string | undefined;
  readonly callSid?: string | undefined;
  /** waiting, ringing, joined, left, declined, busy, no-answer, failed, opted-out. */
  readonly state: string;
  readonly muted: boolean;
}

/** The room itself changed (`room-updated`): its settings, its member list, or its schedules. */
export interface RoomUpdate {
  readonly change:
    | 'settings'
    | 'member-added'
    | 'member-removed'
    | 'member-changed'
    | 'schedule-added'
    | 'schedule-changed'
    | 'schedule-removed';
  /** What changed, by REST parameter name (FriendlyName, AvatarUrl, OptedOut...): absent for adds and removals. */
  readonly fields: readonly string[];
  readonly memberSid?: string | undefined;
  /** The schedule added, changed or removed. */
  readonly scheduleSid?: string | undefined;
}

/** A call to schedule (`room.schedule`): once at `startTime`, or daily, weekly or monthly at `time` in `timeZone`. */
export type ScheduleRequest = Omit<Extract<RoomCommand, { type: 'schedule' }>, 'type'>;

/** Why a call ended in a failure (`call-ended` with reason `fatal-error`). */
export interface RoomCallError {
  readonly code: number;
  readonly message: string;
}

export interface RoomEvents {
  /** Every entry of the room's log (commands and events), once each, in order. */
  entry: (entry: RoomEntry) => void;
  'call-started': (roomCallSid: string) => void;
  /** A person's state or mute changed. */
  member: (member: RoomMember) => void;
  /** The roster after each change. */
  roster: (roster: readonly RoomMember[]) => void;
  /** The call ended, and why (`error` with reason `fatal-error`: what failed). */
  'call-ended': (reason: string | undefined, error?: RoomCallError) => void;
  /** A member was added to the room. */
  'member-added': (memberSid: string) => void;
  /** A command (this device's or anyone's, REST's too) and its outcome. */
  command: (entry: RoomEntry) => void;
  /** The room's settings or member list changed (a member added is `member-added` too). */
  'room-updated': (update: RoomUpdate) => void;
  /** A chat message meant for this identity (everyone's, or private to it), with when it was posted. */
  message: (message: RoomChatMessage) => void;
}

/** A message in the room's chat. */
export interface RoomChatMessage extends RoomMessage {
  /** Its sequence number in the room's log. */
  readonly sequence: number;
  /** When it was posted, in ms since the epoch. */
  readonly at: number;
}

export interface SendOptions {
  /** A private message to these members (SIDs); left out: everyone. */
  readonly to?: readonly string[];
  /** Media (http or https URLs) to pass on, as MMS to phone members. */
  readonly mediaUrls?: readonly string[];
}
