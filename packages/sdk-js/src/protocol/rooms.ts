/**
 * The rooms part of the device protocol (docs/rooms.md): the commands a device sends about a
 * room's call and chat, and what the server sends back (log entries, messages, the rooms a token's
 * identity belongs to). messages.ts puts them into its message unions and re-exports them.
 */
import * as z from 'zod';
import { LIMITS, sid } from './primitives.js';

export const roomSid = sid('RM');
export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const participantKey = z.string().regex(/^(MB|CA)[0-9a-f]{32}$/, 'a member or call SID');

/** A command on a room's call, as REST's (docs/rooms.md): the holder's token must grant the room as organizer. */
export const roomCommand = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('start'),
    /** These members, or (absent) everyone. */
    members: z.array(sid('MB')).min(1).max(LIMITS.maxRoomMembers).optional(),
    /** Ring the organizer's phone first, the others once the organizer answered. */
    organizerPhone: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('add'), members: z.array(sid('MB')).min(1).max(LIMITS.maxRoomMembers) }),
  z.strictObject({ type: z.literal('remove'), key: participantKey }),
  z.strictObject({ type: z.literal('mute'), key: participantKey }),
  z.strictObject({ type: z.literal('unmute'), key: participantKey }),
  z.strictObject({ type: z.literal('end') }),
  /** The holder's own member leaves the room's call (no organizer grant needed: its identity is the member's). */
  z.strictObject({ type: z.literal('leave-call') }),
  /** The holder's own member leaves the room (and its call, if in it). */
  z.strictObject({ type: z.literal('leave-room') }),
  /** The holder's own member is rung into the room's call in progress: their app, or (`phone`) their phone. */
  z.strictObject({ type: z.literal('join-call'), phone: z.boolean().optional() }),
  /** The holder's own member changes their name or avatar (an http(s) URL, '' removes it). */
  z.strictObject({
    type: z.literal('update-profile'),
    firstName: z.string().max(LIMITS.maxRoomProfileField).optional(),
    lastName: z.string().max(LIMITS.maxRoomProfileField).optional(),
    avatarUrl: z.string().max(LIMITS.maxRoomAvatarUrlLength).optional(),
  }),
  /**
   * A call scheduled by the token's member (the organizer always may, other members when the room
   * has `MembersMaySchedule`): once at `startTime`, or daily, weekly (`days`) or monthly
   * (`dayOfMonth`) at `time` (HH:MM) in `timeZone`, as REST's `POST .../Schedules` takes it.
   */
  z.strictObject({
    type: z.literal('schedule'),
    recurrence: z.enum(['once', 'daily', 'weekly', 'monthly']),
    /** For `once`: ISO 8601 with an offset (2026-05-01T09:00:00Z). */
    startTime: z.string().max(40).optional(),
    time: z.string().max(5).optional(),
    days: z.array(z.enum(WEEKDAY_NAMES)).min(1).max(7).optional(),
    dayOfMonth: z.number().int().min(1).max(31).optional(),
    /** IANA zone; absent: UTC. */
    timeZone: z.string().max(64).optional(),
    endDate: z.string().max(40).optional(),
    count: z.number().int().positive().max(10_000).optional(),
    /** These members, or (absent) everyone. */
    members: z.array(sid('MB')).min(1).max(LIMITS.maxRoomMembers).optional(),
    organizerPhone: z.boolean().optional(),
    name: z.string().max(256).optional(),
  }),
  /** A schedule is deleted: by the member who made it, the organizer, or a token with the organizer grant. */
  z.strictObject({ type: z.literal('unschedule'), schedule: sid('RS') }),
  /**
   * A message in the room's chat, from the token's member (no organizer grant needed in one's own
   * room; a token that is no member but may command the room posts as the organizer): to
   * everyone, or privately to `to`.
   */
  z.strictObject({
    type: z.literal('send'),
    body: z.string().max(LIMITS.maxRoomMessageBody),
    to: z.array(sid('MB')).min(1).max(LIMITS.maxRoomMembers).optional(),
    mediaUrls: z.array(z.string().max(LIMITS.maxRoomMediaUrlLength)).max(LIMITS.maxRoomMessageMedia).optional(),
  }),
]);
export type RoomCommand = z.infer<typeof roomCommand>;

/** A room message, as attached to its `message` entry (REST: `GET .../Rooms/{Sid}/Messages/{Sid}`). */
export const roomMessage = z.strictObject({
  sid: sid('RT'),
  /** The member who wrote it; absent: the account. */
  from: sid('MB').optional(),
  /** The author's name ("Ann"). */
  author: z.string().max(256),
  body: z.string().max(LIMITS.maxRoomMessageBody),
  mediaUrls: z.array(z.string().max(LIMITS.maxRoomMediaUrlLength)).max(LIMITS.maxRoomMessageMedia),
  /** A private message's recipients; absent: everyone. */
  to: z.array(sid('MB')).max(LIMITS.maxRoomMembers).optional(),
  source: z.enum(['api', 'app', 'sms']),
});
export type RoomMessage = z.infer<typeof roomMessage>;

/** One entry of a room's audit log, as pushed (`room`) and listed (`GET .../Rooms/{Sid}/Events`). */
export const roomEntry = z.strictObject({
  /** 1, 2, 3... per room, in the order things happened: the same numbers after a reconnect. */
  sequence: z.number().int().positive(),
  kind: z.enum(['command', 'event']),
  type: z.string().max(32),
  roomCallSid: z.string().max(64).optional(),
  participantKey: z.string().max(64).optional(),
  memberSid: z.string().max(64).optional(),
  callSid: z.string().max(64).optional(),
  members: z.array(z.string().max(64)).max(LIMITS.maxRoomMembers).optional(),
  state: z.string().max(32).optional(),
  muted: z.boolean().optional(),
  reason: z.string().max(64).optional(),
  outcome: z.enum(['pending', 'accepted', 'refused']).optional(),
  errorCode: z.number().int().optional(),
  source: z.enum(['api', 'channel']).optional(),
  /** room-updated: what changed (settings, member-removed, member-changed); member-added is its own type. */
  change: z.string().max(32).optional(),
  /** room-updated: the settings or member fields changed (REST parameter names: FriendlyName, AvatarUrl...). */
  fields: z.array(z.string().max(64)).max(32).optional(),
  /** call-ended with reason fatal-error: what failed (its code is errorCode). */
  errorMessage: z.string().max(512).optional(),
  /** room-updated with change schedule-added, schedule-changed or schedule-removed: which schedule. */
  scheduleSid: z.string().max(64).optional(),
  /** `message` entries: the room message, and the message itself (absent if the server no longer has it). */
  messageSid: z.string().max(64).optional(),
  message: roomMessage.optional(),
  /** When, in ms since the epoch. */
  at: z.number().int(),
});
export type RoomEntry = z.infer<typeof roomEntry>;

/** One of the rooms whose member a token's identity is, as `rooms` answers it. */
export const roomSummary = z.strictObject({
  sid: roomSid,
  name: z.string().max(256),
  avatarUrl: z.string().max(LIMITS.maxRoomAvatarUrlLength).optional(),
  /** The room's phone number (E.164). */
  number: z.string().max(32),
  /** The room's call is in progress: the member may join it (`join-call`). */
  callInProgress: z.boolean(),
  /** The identity's member in the room, and their role. */
  member: sid('MB'),
  role: z.enum(['organizer', 'member']),
});
export type RoomSummary = z.infer<typeof roomSummary>;

/** A room's scheduled call, as `room-schedules` answers it (REST: `GET .../Rooms/{Sid}/Schedules`). */
export const roomSchedule = z.strictObject({
  sid: sid('RS'),
  name: z.string().max(256).optional(),
  recurrence: z.enum(['once', 'daily', 'weekly', 'monthly']),
  /** For `once`: the instant, in ms since the epoch. */
  startTime: z.number().int().optional(),
  time: z.string().max(5).optional(),
  days: z.array(z.enum(WEEKDAY_NAMES)).max(7).optional(),
  dayOfMonth: z.number().int().min(1).max(31).optional(),
  timeZone: z.string().max(64),
  endDate: z.number().int().optional(),
  count: z.number().int().optional(),
  /** `all`, or these members. */
  members: z.union([z.literal('all'), z.array(sid('MB')).max(LIMITS.maxRoomMembers)]),
  organizerPhone: z.boolean(),
  /** The next occurrence (ms since the epoch); absent once the schedule is over. */
  nextRun: z.number().int().optional(),
  runs: z.number().int().min(0),
  lastRun: z
    .strictObject({
      at: z.number().int(),
      outcome: z.enum(['claimed', 'started', 'skipped-call-in-progress', 'missed', 'failed']),
      roomCallSid: z.string().max(64).optional(),
      errorCode: z.number().int().optional(),
    })
    .optional(),
  /** The member who scheduled it, or the account's SID. */
  createdBy: z.string().max(64),
});
export type RoomSchedule = z.infer<typeof roomSchedule>;
