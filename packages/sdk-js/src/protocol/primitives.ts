/**
 * The protocol's bounds and the small schemas every message is made of (ids, SIDs, tokens,
 * parameters, session descriptions). Their own module so that messages.ts and rooms.ts share
 * them without importing each other.
 */
import * as z from 'zod';

/** Bounds both sides enforce. */
export const LIMITS = {
  /** Largest message, in UTF-8 bytes. */
  maxMessageBytes: 16 * 1024,
  /** Largest access token, in characters. */
  maxTokenLength: 8 * 1024,
  /** Custom parameters per call, and the length of each key and value. */
  maxParams: 32,
  maxParamLength: 512,
  /** Digits per `digits` message. */
  maxDigits: 64,
  /** Messages a server keeps for a device that has not acknowledged them. */
  maxUnacked: 256,
  /** Identities one session may follow the presence of. */
  maxSubscriptions: 100,
  /** A WebRTC session description (offer or answer), in characters. */
  maxSdpLength: 12 * 1024,
  /** Rooms one session may follow (`room-subscribe`). */
  maxRoomSubscriptions: 20,
  /** Members one room command may name. */
  maxRoomMembers: 250,
  /** A room message's text (characters), media URLs and the length of each (docs/rooms.md, Chat). */
  maxRoomMessageBody: 1600,
  maxRoomMessageMedia: 10,
  maxRoomMediaUrlLength: 512,
  /** A member's first or last name in `update-profile` (the server checks its own limits too). */
  maxRoomProfileField: 256,
  /** A member's or room's avatar URL. */
  maxRoomAvatarUrlLength: 1024,
  /** Rooms one `rooms` request answers (the identity's newest memberships). */
  maxRoomsListed: 100,
  /** Schedules a room holds, all listed by `room-schedules`. */
  maxRoomSchedules: 20,
} as const;

export const id = z.string().min(1).max(64);
export const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-f]{32}$`), `a ${prefix} SID`);
export const callSid = sid('CA');
export const token = z.string().min(1).max(LIMITS.maxTokenLength);
export const params = z
  .record(z.string().min(1).max(LIMITS.maxParamLength), z.string().max(LIMITS.maxParamLength))
  .refine((value) => Object.keys(value).length <= LIMITS.maxParams, `at most ${LIMITS.maxParams} parameters`);

/** A WebRTC session description: the server checks it further (typed media errors). */
export const sdp = z.string().min(10).max(LIMITS.maxSdpLength).startsWith('v=0');
