/**
 * The call record and its status machine: queued -> ringing -> in-progress -> completed, or
 * busy / failed / no-answer / canceled from before answering. Transitions not in the table are
 * refused, so a status callback can never report an impossible sequence.
 */

export type CallStatus =
  | 'queued'
  | 'ringing'
  | 'in-progress'
  | 'completed'
  | 'busy'
  | 'failed'
  | 'no-answer'
  | 'canceled';
export type Direction = 'inbound' | 'outbound-api' | 'outbound-dial';

export const TERMINAL: ReadonlySet<CallStatus> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

const NEXT: Readonly<Record<CallStatus, readonly CallStatus[]>> = {
  queued: ['ringing', 'in-progress', 'busy', 'failed', 'no-answer', 'canceled'],
  ringing: ['in-progress', 'busy', 'failed', 'no-answer', 'canceled', 'completed'],
  'in-progress': ['completed', 'failed'],
  completed: [],
  busy: [],
  failed: [],
  'no-answer': [],
  canceled: [],
};

export function canMove(from: CallStatus, to: CallStatus): boolean {
  return NEXT[from].includes(to);
}

/** A failure recorded on a call: what, with its compatible code, and where. */
export interface CallError {
  readonly code: number;
  readonly message: string;
  readonly url?: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/** A call as the runtime reports it (a snapshot: later changes make new snapshots). */
export interface CallRecord {
  readonly sid: string;
  readonly accountSid: string;
  readonly parentCallSid?: string;
  /** The IncomingPhoneNumber (`PN...`) an inbound call came in on. */
  readonly phoneNumberSid?: string;
  readonly direction: Direction;
  readonly from: string;
  readonly to: string;
  readonly status: CallStatus;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** When it was answered. */
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** Whole seconds from answer to end (0 when never answered). */
  readonly duration?: number;
  /**
   * Where the call's status callbacks go, and the SequenceNumber its next one takes: what a
   * restarted server needs to send the final callback of a call a crash ended.
   */
  readonly statusCallback?: {
    readonly url: string;
    readonly method: 'GET' | 'POST';
    readonly events: readonly ('initiated' | 'ringing' | 'answered' | 'completed')[];
    readonly nextSequence: number;
  };
  readonly errors: readonly CallError[];
}
