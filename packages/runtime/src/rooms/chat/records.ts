/**
 * The room's chat as stored (docs/rooms.md, Chat): each room message (`RT...`) with who wrote it,
 * to whom (everyone, or a subset), its text and media, and the SMS deliveries it owes phone
 * members: decided when it is posted and written with it, so a restarted server resumes exactly
 * the deliveries still missing (relay.ts). Phone verifications (`RF...`) live in verification.ts.
 *
 * @example
 * const message: RoomMessageRecord = { sid: messageSid(now), roomSid, author: 'Ann', body: 'hi', ... };
 */
import { randomBytes } from 'node:crypto';
import type { StoredRecord } from '../../store/types.js';

/** Where a message came from: REST, a member's app (the control channel), a text to the room's number. */
export type MessageSource = 'api' | 'app' | 'sms';

/** One SMS a message owes: to this member, at this number, as this message SID (assigned in advance: idempotent). */
export interface ChatDelivery {
  readonly memberSid: string;
  readonly to: string;
  readonly messageSid: string;
}

export interface RoomMessageRecord extends StoredRecord {
  readonly roomSid: string;
  /** The member who wrote it; absent: the account. */
  readonly from?: string;
  /** The author's name as it was shown when posted (the SMS prefix). */
  readonly author: string;
  readonly body: string;
  readonly mediaUrls: readonly string[];
  /** A private message's recipients (member SIDs); absent: everyone. */
  readonly to?: readonly string[];
  readonly source: MessageSource;
  /** The SMS to phone members, decided when posted. */
  readonly deliveries: readonly ChatDelivery[];
  /** `pending` until its log entry, status callback and every delivery are made (resumed at start-up). */
  readonly relay: 'pending' | 'done';
  /** In a cluster: the node relaying it (resumed by that node at start, or by the one that takes it over). */
  readonly node?: string;
  /** Its entry in the room's audit log, once appended. */
  readonly sequence?: number;
}

/** Bounds of the chat (docs/rooms.md). */
export const CHAT_LIMITS = {
  /** Characters of text (the hosted service's SMS limit). */
  bodyLength: 1600,
  /** Media URLs per message (MMS). */
  mediaCount: 10,
  /** Characters per media URL: a message with all its media fits one control-channel message (16 KiB). */
  mediaUrlLength: 512,
  /** Messages kept per room: the oldest is dropped when one more is posted. */
  keptPerRoom: 1000,
  /** Messages a room takes in a burst, then one per `refillMs`. */
  burst: 20,
  refillMs: 1000,
} as const;

let counter = 0;

/**
 * A room message SID: `RT`, the time and a counter in hex, then random digits, so that messages
 * posted in the same millisecond list in the order they were posted (lists sort by time, then SID).
 */
export function messageSid(now: number): string {
  counter = (counter + 1) % 0x100000;
  const time = Math.max(0, Math.floor(now)).toString(16).padStart(11, '0').slice(-11);
  return `RT${time}${counter.toString(16).padStart(5, '0')}${randomBytes(8).toString('hex')}`;
}
