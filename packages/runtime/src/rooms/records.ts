/**
 * What a room is made of, as stored: the room (its name, avatar, phone number and call policies),
 * its members (a phone number with alternatives, an app identity, or both), the operator's
 * directory of contacts, and each account's room policy. Plain records in the Store, scoped to
 * the account like every other resource; nothing here runs a call.
 *
 * @example
 * const room: RoomRecord = { ...defaultRoomSettings(), sid, accountSid, friendlyName: 'Family', ... };
 */
import type { StoredRecord } from '../store/types.js';

/** Which of a contact's numbers: the hosted address books' usual labels. */
export const PHONE_TYPES = ['mobile', 'work', 'home', 'other'] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];

export interface ContactPhone {
  readonly type: PhoneType;
  /** E.164. */
  readonly number: string;
}

/** Who may dial the room's number without being a member. */
export const NON_MEMBER_POLICIES = ['join-in-progress', 'admit-and-ring', 'admit'] as const;
export type NonMemberPolicy = (typeof NON_MEMBER_POLICIES)[number];

export interface RoomSettings {
  /** How many members the room holds. @default 40 */
  readonly memberLimit: number;
  /** The organizer hanging up ends the call for everyone. @default true */
  readonly endWhenOrganizerLeaves: boolean;
  /** One person left alone this long (seconds) ends the call. @default 300 */
  readonly inactivityTimeout: number;
  /** The longest a call may last (seconds); a warning is announced first. @default 14400 (4 h) */
  readonly maxDuration: number;
  /** A member dialing in when no call is in progress starts one that rings everyone. @default true */
  readonly membersMayStart: boolean;
  /**
   * A non-member dialing in: refused unless a call is in progress (`join-in-progress`), let in and
   * the members rung (`admit-and-ring`), or let in without ringing anyone (`admit`).
   * @default 'join-in-progress'
   */
  readonly nonMembers: NonMemberPolicy;
  /** Members may schedule calls (the organizer always may). @default false */
  readonly membersMaySchedule: boolean;
  /** Room events are also posted here, signed like every webhook. */
  readonly statusCallback?: string;
  readonly statusCallbackMethod: 'GET' | 'POST';
}

export interface RoomRecord extends StoredRecord, RoomSettings {
  readonly friendlyName: string;
  readonly avatarUrl?: string;
  /** The number assigned at creation (E.164) and its IncomingPhoneNumber SID. */
  readonly phoneNumber: string;
  readonly phoneNumberSid: string;
  readonly updatedAt: number;
  /** In a cluster, the room's chat rate bucket (rooms/chat/rate.ts), shared by the nodes; not shown. */
  readonly chatRate?: { readonly tokens: number; readonly at: number };
}

export interface ContactFields {
  readonly firstName?: string;
  readonly lastName?: string;
  readonly avatarUrl?: string;
  /** An app user: the client identity their devices register with. */
  readonly identity?: string;
  readonly phones: readonly ContactPhone[];
}

export interface RoomMemberRecord extends StoredRecord, ContactFields {
  readonly roomSid: string;
  readonly role: 'organizer' | 'member';
  /** Which phone to ring unless a call chooses another. @default the first */
  readonly ringPhone?: PhoneType;
  /** Texted STOP to the room's number: no notifications, no calls, until START. */
  readonly optedOut: boolean;
  /** The directory entry this member came from, under a directory-only policy. */
  readonly directoryEntrySid?: string;
  /** Numbers of theirs proven by a code (rooms/chat/verification.ts): they may chat by text from them. */
  readonly verifiedNumbers?: readonly string[];
  readonly updatedAt: number;
}

/** A contact the operator provides (`contactsFromDirectoryOnly`). */
export interface DirectoryEntryRecord extends StoredRecord, ContactFields {
  readonly updatedAt: number;
}

/** An account's rules for its rooms (managed deployments). */
export interface RoomPolicyRecord extends StoredRecord {
  readonly membersMayChat: boolean;
  readonly membersMaySendMedia: boolean;
  readonly membersMayChangeAvatar: boolean;
  /** Members only from the operator's directory, never typed in or from an address book. */
  readonly contactsFromDirectoryOnly: boolean;
  /** The SMS a new member gets: `{organizer}`, `{room}` and `{number}` are filled in. */
  readonly memberAddedTemplate: string;
  readonly updatedAt: number;
}

export const DEFAULT_MEMBER_ADDED_TEMPLATE =
  '{organizer} has a new conference number {number} for calls with you ({room}); save it.';

export function defaultRoomSettings(): RoomSettings {
  return {
    memberLimit: 40,
    endWhenOrganizerLeaves: true,
    inactivityTimeout: 300,
    maxDuration: 4 * 3600,
    membersMayStart: true,
    nonMembers: 'join-in-progress',
    membersMaySchedule: false,
    statusCallbackMethod: 'POST',
  };
}

/** Bounds per account and per room: every count is capped (docs/rooms.md). */
export const ROOM_LIMITS = {
  roomsPerAccount: 1000,
  memberLimitMax: 250,
  directoryEntriesPerAccount: 10_000,
  phonesPerContact: 8,
  nameLength: 64,
  friendlyNameLength: 128,
  identityLength: 121,
  urlLength: 1024,
  templateLength: 320,
  inactivityTimeoutMax: 24 * 3600,
  maxDurationMax: 24 * 3600,
} as const;
