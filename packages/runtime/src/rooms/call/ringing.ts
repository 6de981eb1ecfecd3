/**
 * Who is rung how: an app user (an identity with a device online, or no number at all) gets a
 * device invitation (`client:<identity>` with custom parameters naming the room) and joins by
 * accepting; anyone else is rung at the chosen number (the call's choice, else the member's
 * `ringPhone`, else their first) and hears the invitation. Opted-out members are not rung.
 *
 * @example
 * const plan = ringPlan(member, { online: false, ringPhone: 'work' });
 */

import { displayName } from '../contacts.js';
import type { PhoneType, RoomMemberRecord } from '../records.js';
import type { RosterEntry } from './roster.js';
import type { RingPlan } from './state.js';

export interface RingChoice {
  /** A device of the member's identity is online now. */
  readonly online: boolean;
  /** Which of the member's numbers this call rings. */
  readonly ringPhone?: PhoneType | undefined;
  /** Ring the member's phone whatever their app does (the organizer's phone first). */
  readonly phone?: boolean;
}

export function entryOf(member: RoomMemberRecord, address: string, state: RosterEntry['state']): RosterEntry {
  const name = displayName(member);
  return {
    memberSid: member.sid,
    key: member.sid,
    ...(name ? { displayName: name } : {}),
    address,
    role: member.role,
    state,
    muted: false,
  };
}

function phoneOf(member: RoomMemberRecord, type: PhoneType | undefined): string | undefined {
  const wanted = type ?? member.ringPhone;
  return (member.phones.find((phone) => phone.type === wanted) ?? member.phones[0])?.number;
}

/** How the member is rung, or their roster entry when they are not (opted out). */
export function ringPlan(member: RoomMemberRecord, choice: RingChoice): RingPlan | RosterEntry {
  const phone = phoneOf(member, choice.ringPhone);
  if (member.optedOut) return entryOf(member, phone ?? `client:${member.identity ?? ''}`, 'opted-out');
  const app = member.identity !== undefined && !choice.phone && (choice.online || phone === undefined);
  const to = app ? `client:${member.identity}` : (phone as string);
  return { entry: entryOf(member, to, 'ringing'), to, first: app ? 'join' : 'invite' };
}

/** The custom parameters an app's device invitation carries (`call.customParameters`). */
export function invitationParameters(room: { sid: string; friendlyName: string }, caller: string | undefined) {
  return new URLSearchParams({
    RoomSid: room.sid,
    RoomName: room.friendlyName,
    ...(caller ? { Caller: caller } : {}),
  }).toString();
}
