/**
 * A room's scheduled call, as stored: who it rings, when (a rule in an IANA zone), until when,
 * and the durable state the scheduler keeps (the next occurrence to run, how many ran, what the
 * last one did). Scoped to the account like every room record; the account's SID is also listed
 * in one index record so a starting server finds every schedule (see scheduler.ts).
 */
import type { StoredRecord } from '../../store/types.js';
import type { Recurrence } from './recurrence.js';

/** What an occurrence did: started the call, found one in progress, was missed while the server was down, failed. */
export const RUN_OUTCOMES = ['claimed', 'started', 'skipped-call-in-progress', 'missed', 'failed'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export interface ScheduleRun {
  /** The occurrence (ms since the epoch), not the moment it ran. */
  readonly at: number;
  /** `claimed` while its call is being started (and after a crash until the next start-up, or a survivor, resumes it). */
  readonly outcome: RunOutcome;
  readonly callSid?: string;
  readonly errorCode?: number;
  /** When it was claimed (ms since the epoch): a room call started since then is this occurrence's. */
  readonly claimedAt?: number;
  /** The cluster node that claimed it (none on a single server). */
  readonly node?: string;
}

export interface ScheduleSpec {
  readonly friendlyName?: string;
  /** Everyone, or these member SIDs (the organizer is always in). */
  readonly members: 'all' | readonly string[];
  /** Ring the organizer's phone first, the others once they answered (like a one-tap start). */
  readonly organizerPhone: boolean;
  readonly recurrence: Recurrence;
  readonly timeZone: string;
  /** No occurrence after this instant. */
  readonly endsAt?: number;
  /** At most this many occurrences (run, skipped or missed). */
  readonly count?: number;
}

export interface RoomScheduleRecord extends StoredRecord, ScheduleSpec {
  readonly roomSid: string;
  /** The account (over REST with the account's credentials) or the member who scheduled it. */
  readonly createdBy: string;
  /** The next occurrence to run; absent once the schedule is over. */
  readonly nextRun?: number;
  /** Occurrences claimed so far (each once: started, skipped, missed or failed). */
  readonly runs: number;
  readonly lastRun?: ScheduleRun;
  readonly updatedAt: number;
}

/** The index of accounts that hold schedules (kind `setting`), read once at start-up. */
export const SCHEDULE_INDEX_SID = 'room-schedule-accounts';
export interface ScheduleIndexRecord extends StoredRecord {
  readonly accounts: readonly string[];
}

export const SCHEDULE_LIMITS = {
  perRoom: 20,
  perAccount: 500,
  /** An occurrence due while the server was down runs at start-up if it is at most this old (ms); older ones are recorded as missed. */
  graceMs: 15 * 60_000,
  /** How far ahead a `once` or an end date may be (ms): ten years. */
  horizonMs: 10 * 366 * 24 * 3600_000,
} as const;
