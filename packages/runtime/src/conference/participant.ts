/**
 * One participant of a conference room (its leg, mute and hold state, and the promise that
 * settles when it leaves), with the vocabulary rooms report in: their events, why a room ended,
 * why a participant left, and the snapshot the REST API shows.
 *
 * @example
 * const participant = room.join(callSid, leg, options);
 * const reason = await participant?.left; // 'hangup' | 'kicked' | 'conference-ended' | 'left'
 */
import type { Clock } from '../clock/clock.js';
import type { MediaLeg } from '../media/types.js';

export type ConferenceEvent =
  | 'start'
  | 'end'
  | 'join'
  | 'leave'
  | 'mute'
  | 'hold'
  | 'modify'
  | 'speaker'
  | 'announcement';

export type EndReason =
  | 'conference-ended-via-api'
  | 'participant-with-end-conference-on-exit-left'
  | 'participant-with-end-conference-on-exit-kicked'
  | 'last-participant-left'
  | 'last-participant-kicked';

/** Why a participant left. */
export type LeaveReason = 'hangup' | 'kicked' | 'conference-ended' | 'left';

export interface ParticipantOptions {
  readonly muted: boolean;
  readonly beep: boolean | 'onEnter' | 'onExit';
  readonly startConferenceOnEnter: boolean;
  readonly endConferenceOnExit: boolean;
  readonly coach?: string | undefined;
  readonly label?: string | undefined;
}

export class Participant {
  muted: boolean;
  held = false;
  /** Starts as the option; the REST API can change it while the participant is in the room. */
  endConferenceOnExit: boolean;
  readonly joinedAt: number;
  private settle!: (reason: LeaveReason) => void;
  /** Settles when the participant is out of the room. */
  readonly left = new Promise<LeaveReason>((resolve) => {
    this.settle = resolve;
  });
  private gone = false;

  constructor(
    readonly callSid: string,
    readonly leg: MediaLeg,
    readonly options: ParticipantOptions,
    clock: Clock,
  ) {
    this.muted = options.muted;
    this.endConferenceOnExit = options.endConferenceOnExit;
    this.joinedAt = clock.now();
  }

  get active(): boolean {
    return !this.gone;
  }

  /** @internal */
  markLeft(reason: LeaveReason): void {
    if (this.gone) return;
    this.gone = true;
    this.settle(reason);
  }
}

export interface ConferenceSnapshot {
  readonly sid: string;
  readonly accountSid: string;
  readonly friendlyName: string;
  readonly status: 'init' | 'in-progress' | 'completed';
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly reasonEnded?: EndReason;
  /** The participant whose leaving ended the room. */
  readonly callSidEndingConference?: string;
  readonly participants: ReadonlyArray<{
    callSid: string;
    muted: boolean;
    hold: boolean;
    label?: string;
    coaching: boolean;
    /** The CallSid this participant coaches. */
    coach?: string;
    startConferenceOnEnter: boolean;
    endConferenceOnExit: boolean;
    joinedAt: number;
  }>;
}
