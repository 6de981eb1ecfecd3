/**
 * A room call's roster as pure decisions: each person's state follows from their call's status
 * and from the room's conference (who is in it, who is muted), never from webhooks. The engine
 * feeds runtime events in and performs nothing here; what changed comes back as data.
 *
 * @example
 * const changed = onCallStatus(entry, 'busy'); // { ...entry, state: 'busy' }
 */
import type { CallStatus } from '../../calls/call.js';
import type { ConferenceSnapshot } from '../../conference/conference.js';

/** Where one person is in the room call. */
export const ROSTER_STATES = [
  /** To be rung once the organizer answered (organizer-phone-first). */
  'waiting',
  'ringing',
  'busy',
  'no-answer',
  'declined',
  'failed',
  'joined',
  'left',
  'opted-out',
] as const;
export type RosterState = (typeof ROSTER_STATES)[number];

/** States that may still change (the call is placed and not over). */
export const LIVE_STATES: ReadonlySet<RosterState> = new Set(['waiting', 'ringing', 'joined']);

export interface RosterEntry {
  /** The member, or undefined for a non-member who dialed in (shown by number). */
  readonly memberSid?: string;
  /** The roster key: the member SID, or the non-member's call SID. */
  readonly key: string;
  readonly displayName?: string;
  /** What was rung or dialed in from: an E.164 number, or `client:<identity>`. */
  readonly address: string;
  readonly role: 'organizer' | 'member' | 'guest';
  readonly state: RosterState;
  readonly callSid?: string;
  readonly muted: boolean;
  readonly joinedAt?: number;
  readonly leftAt?: number;
  /** The person pressed a key other than 1 (or hung up) at the invitation. */
  readonly declinedByKey?: boolean;
}

/** The entry after its call's status changed; the same entry when nothing did. */
export function onCallStatus(entry: RosterEntry, status: CallStatus, at: number): RosterEntry {
  if (entry.state === 'joined') {
    // A joined person's call ending means they left, whatever the conference said first.
    return status === 'completed' || status === 'failed' ? { ...entry, state: 'left', leftAt: at } : entry;
  }
  if (entry.state !== 'ringing') return entry;
  switch (status) {
    case 'busy':
      return { ...entry, state: 'busy' };
    case 'no-answer':
    case 'canceled':
      return { ...entry, state: 'no-answer' };
    case 'failed':
      return { ...entry, state: 'failed' };
    case 'completed':
      // Answered, then hung up without joining: pressed another key, hung up or stayed silent.
      return { ...entry, state: 'declined' };
    default:
      return entry;
  }
}

/** Entries whose place in the conference changed with this snapshot (joined, left, muted). */
export function onConference(
  entries: Iterable<RosterEntry>,
  conference: ConferenceSnapshot,
  at: number,
): RosterEntry[] {
  const inRoom = new Map(conference.participants.map((p) => [p.callSid, p]));
  const changed: RosterEntry[] = [];
  for (const entry of entries) {
    const participant = entry.callSid === undefined ? undefined : inRoom.get(entry.callSid);
    if (participant && conference.status !== 'completed') {
      if (entry.state !== 'joined')
        changed.push({ ...entry, state: 'joined', joinedAt: participant.joinedAt, muted: participant.muted });
      else if (entry.muted !== participant.muted) changed.push({ ...entry, muted: participant.muted });
    } else if (entry.state === 'joined') changed.push({ ...entry, state: 'left', leftAt: at });
  }
  return changed;
}

/** How many are in the room now, and how many are still being rung. */
export function headcount(entries: Iterable<RosterEntry>): { joined: number; ringing: number } {
  let joined = 0;
  let ringing = 0;
  for (const entry of entries) {
    if (entry.state === 'joined') joined++;
    else if (entry.state === 'ringing') ringing++;
  }
  return { joined, ringing };
}
