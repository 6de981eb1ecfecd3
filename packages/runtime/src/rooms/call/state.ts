/**
 * One room call as the engine holds it: the room's settings when it started, its conference,
 * its roster (by member, or by call for non-members), who organizes it, who waits to be rung
 * (organizer-phone-first) and its timers. Plain data; engine.ts changes it.
 */
import type { CallAccount } from '../../interpreter/session.js';
import type { RoomRecord } from '../records.js';
import { headcount, type RosterEntry } from './roster.js';

/** Why a room call ended. */
export const END_REASONS = [
  'ended-by-request',
  'organizer-left',
  'organizer-unreachable',
  'inactivity',
  'max-duration',
  'empty',
  /** The bridge failed under the call (its conference ended from outside, the runtime refused its legs): `error` says how. */
  'fatal-error',
  /** The server stopped while the call ran (found in progress at start-up). */
  'server-restart',
] as const;
export type EndReason = (typeof END_REASONS)[number];

/** Someone to ring: where, and which document their call runs first. */
export interface RingPlan {
  readonly entry: RosterEntry;
  readonly to: string;
  readonly first: 'invite' | 'join';
}

export interface RoomCall {
  readonly sid: string;
  readonly room: RoomRecord;
  readonly account: CallAccount;
  /** The conference's friendly name: one conference per room call. */
  readonly conference: string;
  conferenceSid?: string;
  readonly startedAt: number;
  status: 'in-progress' | 'completed';
  endedAt?: number;
  endReason?: EndReason;
  /** The roster in the order people were added. */
  readonly entries: Map<string, RosterEntry>;
  /** Whose leaving ends the call (`endWhenOrganizerLeaves`). */
  organizerKey?: string;
  /** The name members hear ("<caller> is calling you for <room>"). */
  readonly caller?: string;
  /** Rung once the organizer joined (organizer-phone-first). */
  pending: RingPlan[];
  /** Cancels of the running timers. */
  readonly timers: { inactivity?: () => void; warning?: () => void; limit?: () => void };
  /** Room events sent so far (each status callback's key). */
  sequence: number;
  /** The first leg the runtime refused to place (the account's call limit, a media failure), and whose it was. */
  fault?: RoomCallError & { readonly key: string };
  /** Why the call ended `fatal-error`. */
  error?: RoomCallError;
}

/** What failed under a room call (docs/rooms.md: 91180 its conference ended, 91181 its legs refused). */
export interface RoomCallError {
  readonly code: number;
  readonly message: string;
}

export function entryOfCall(call: RoomCall, callSid: string): RosterEntry | undefined {
  for (const entry of call.entries.values()) if (entry.callSid === callSid) return entry;
  return undefined;
}

/**
 * What the roster now means for a live call: ring the others (the organizer answered first), end
 * it (the organizer left or never answered, nobody is left), or go on, with one person alone
 * (the inactivity timer runs) or not.
 */
export type Verdict =
  | { readonly type: 'ring-later' }
  | { readonly type: 'end'; readonly reason: EndReason }
  | { readonly type: 'go-on'; readonly alone: boolean };

export function verdict(call: RoomCall): Verdict {
  const next = roomVerdict(call);
  // A refused leg is fatal when it was the organizer's, or when the call cannot go on and nobody ever joined it.
  const { fault } = call;
  if (!fault) return next;
  const joinedOnce = [...call.entries.values()].some((entry) => entry.joinedAt !== undefined);
  if (fault.key === call.organizerKey || (next.type === 'end' && !joinedOnce))
    return { type: 'end', reason: 'fatal-error' };
  return next;
}

function roomVerdict(call: RoomCall): Verdict {
  const organizer = call.organizerKey === undefined ? undefined : call.entries.get(call.organizerKey);
  if (call.pending.length > 0 && organizer) {
    if (organizer.state === 'joined') return { type: 'ring-later' };
    if (organizer.state !== 'ringing') return { type: 'end', reason: 'organizer-unreachable' };
  }
  if (organizer?.state === 'left' && call.room.endWhenOrganizerLeaves) return { type: 'end', reason: 'organizer-left' };
  const { joined, ringing } = headcount(call.entries.values());
  if (joined === 0 && ringing === 0 && call.pending.length === 0) return { type: 'end', reason: 'empty' };
  return { type: 'go-on', alone: joined === 1 };
}
