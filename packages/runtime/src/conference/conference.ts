/**
 * A conference room: participants join through `<Dial><Conference>`, wait (hearing the wait
 * document) until at least two are in the room and one of them joined with
 * startConferenceOnEnter, then share one mixer. The
 * room ends when a participant with endConferenceOnExit leaves, when the last one leaves, or by
 * request. Every change is reported to the room's status callback with the parameters apps
 * expect (ConferenceSid, FriendlyName, StatusCallbackEvent, CallSid, Muted, Hold, ...).
 */
import type { Clock } from '../clock/clock.js';
import type { MediaAdapter, MediaLeg, Mixer } from '../media/types.js';
import { newSid } from '../sid.js';
import { type RecordingCallbackSettings, recordingCallbackParams, wants } from '../verbs/recording-callback.js';
import type { RecordingRecord } from '../verbs/types.js';
import { type Callback, rfc2822 } from '../webhooks/callbacks.js';
import {
  type ConferenceEvent,
  type ConferenceSnapshot,
  type EndReason,
  type LeaveReason,
  Participant,
  type ParticipantOptions,
} from './participant.js';

// What moved to participant.ts, still importable from here.
export * from './participant.js';

export interface RoomSettings {
  readonly maxParticipants: number;
  readonly record: boolean;
  /** Where the room's recording is reported. */
  readonly recordingStatusCallback?: RecordingCallbackSettings;
  readonly statusCallback?: string | undefined;
  readonly statusCallbackMethod: 'GET' | 'POST';
  readonly statusCallbackEvents: ReadonlySet<ConferenceEvent>;
}

export interface ConferenceServices {
  readonly clock: Clock;
  readonly media: MediaAdapter;
  readonly send: (callback: Callback) => void;
  readonly saveRecording: (
    accountSid: string,
    conferenceSid: string,
    durationMs: number,
    startedAt: number,
  ) => RecordingRecord;
  readonly onEnd: (room: Conference) => void;
  /** After every change of the room (join, leave, start, end, mute, hold). */
  readonly onChange: (room: ConferenceSnapshot) => void;
}

export class Conference {
  readonly sid = newSid('CF');
  status: 'init' | 'in-progress' | 'completed' = 'init';
  readonly createdAt: number;
  private startedAt: number | undefined;
  private endedAt: number | undefined;
  private reasonEnded: EndReason | undefined;
  private endedBy: string | undefined;
  private readonly participants: Participant[] = [];
  private readonly mixer: Mixer;
  private sequence = 0;
  private readonly startSignals = new AbortController();

  constructor(
    readonly account: { readonly sid: string; readonly authToken: string },
    readonly friendlyName: string,
    readonly settings: RoomSettings,
    private readonly services: ConferenceServices,
  ) {
    this.createdAt = services.clock.now();
    this.mixer = services.media.createMixer(friendlyName);
  }

  /** Aborts when the conference starts (waiting participants stop their wait music). */
  get started(): AbortSignal {
    return this.startSignals.signal;
  }

  get size(): number {
    return this.participants.length;
  }

  participant(callSid: string): Participant | undefined {
    return this.participants.find((p) => p.callSid === callSid);
  }

  snapshot(): ConferenceSnapshot {
    return {
      sid: this.sid,
      accountSid: this.account.sid,
      friendlyName: this.friendlyName,
      status: this.status,
      createdAt: this.createdAt,
      ...(this.startedAt === undefined ? {} : { startedAt: this.startedAt }),
      ...(this.endedAt === undefined ? {} : { endedAt: this.endedAt }),
      ...(this.reasonEnded === undefined ? {} : { reasonEnded: this.reasonEnded }),
      ...(this.endedBy === undefined ? {} : { callSidEndingConference: this.endedBy }),
      participants: this.participants.map((p) => ({
        callSid: p.callSid,
        muted: p.muted,
        hold: p.held,
        coaching: p.options.coach !== undefined,
        ...(p.options.coach === undefined ? {} : { coach: p.options.coach }),
        startConferenceOnEnter: p.options.startConferenceOnEnter,
        endConferenceOnExit: p.endConferenceOnExit,
        joinedAt: p.joinedAt,
        ...(p.options.label === undefined ? {} : { label: p.options.label }),
      })),
    };
  }

  /** Adds a participant; returns undefined when the room is full or over. */
  join(callSid: string, leg: MediaLeg, options: ParticipantOptions): Participant | undefined {
    if (this.status === 'completed' || this.participants.length >= this.settings.maxParticipants) return undefined;
    const participant = new Participant(callSid, leg, options, this.services.clock);
    this.participants.push(participant);
    leg.events.once('hangup', () => this.leave(participant, 'hangup'));
    this.report('join', participant);
    if (this.status === 'in-progress') this.enter(participant);
    else if (this.ready) this.start();
    return participant;
  }

  /**
   * Whether a waiting room starts: as on the hosted service, only with at least two participants
   * in it, one of whom joined with startConferenceOnEnter. A caller alone keeps hearing the wait
   * music, whatever their own startConferenceOnEnter.
   */
  private get ready(): boolean {
    return this.participants.length >= 2 && this.participants.some((p) => p.options.startConferenceOnEnter);
  }

  private start(): void {
    this.status = 'in-progress';
    this.startedAt = this.services.clock.now();
    this.report('start');
    for (const participant of this.participants) this.enter(participant);
    this.startSignals.abort(new Error('the conference started'));
  }

  private enter(participant: Participant): void {
    const coached = this.participants.find((p) => p.callSid === participant.options.coach);
    this.mixer.join(participant.leg, { muted: participant.muted, ...(coached ? { coaching: coached.leg } : {}) });
    if (participant.options.beep === true || participant.options.beep === 'onEnter') {
      void this.mixer.announce({ url: 'patchbay:beep' }, new AbortController().signal).catch(() => undefined);
    }
  }

  /** Takes a participant out; ends the room when that is what its options or emptiness call for. */
  leave(participant: Participant, reason: LeaveReason): void {
    if (!participant.active) return;
    const index = this.participants.indexOf(participant);
    if (index >= 0) this.participants.splice(index, 1);
    this.mixer.leave(participant.leg);
    participant.markLeft(reason);
    this.report('leave', participant);
    if (participant.options.beep === true || participant.options.beep === 'onExit') {
      void this.mixer.announce({ url: 'patchbay:beep' }, new AbortController().signal).catch(() => undefined);
    }
    if (this.status === 'completed') return;
    const kicked = reason === 'kicked';
    if (participant.endConferenceOnExit && this.status === 'in-progress') {
      this.end(
        kicked ? 'participant-with-end-conference-on-exit-kicked' : 'participant-with-end-conference-on-exit-left',
        participant.callSid,
      );
    } else if (this.participants.length === 0) {
      this.end(kicked ? 'last-participant-kicked' : 'last-participant-left', participant.callSid);
    }
  }

  setMuted(participant: Participant, muted: boolean): void {
    if (participant.muted === muted) return;
    participant.muted = muted;
    this.mixer.setMuted(participant.leg, muted);
    this.report('mute', participant, { event: muted ? 'participant-mute' : 'participant-unmute' });
  }

  setHeld(participant: Participant, held: boolean): void {
    if (participant.held === held) return;
    participant.held = held;
    this.mixer.setHeld(participant.leg, held);
    this.report('hold', participant, { event: held ? 'participant-hold' : 'participant-unhold' });
  }

  /** Changes whether the room ends when this participant leaves (reported as participant-modify). */
  setEndOnExit(participant: Participant, end: boolean): void {
    if (participant.endConferenceOnExit === end) return;
    participant.endConferenceOnExit = end;
    this.report('modify', participant);
  }

  /** Plays to the whole room, then reports announcement-end. */
  async announce(what: { url: string } | { text: string }): Promise<void> {
    await this.mixer.announce(what, new AbortController().signal);
    this.report('announcement');
  }

  /** Ends the room: everyone leaves (their Dial verbs go on). */
  end(reason: EndReason, endingCallSid?: string): void {
    if (this.status === 'completed') return;
    const now = this.services.clock.now();
    this.status = 'completed';
    this.endedAt = now;
    this.reasonEnded = reason;
    this.endedBy = endingCallSid;
    for (const participant of [...this.participants]) this.leave(participant, 'conference-ended');
    this.mixer.close();
    this.startSignals.abort(new Error('the conference ended'));
    this.report('end', undefined, {
      extra: { ReasonConferenceEnded: reason, ...(endingCallSid ? { CallSidEndingConference: endingCallSid } : {}) },
    });
    if (this.settings.record && this.startedAt !== undefined) this.saveRecording(now - this.startedAt, this.startedAt);
    this.services.onEnd(this);
  }

  /** Stores the room's recording and reports it to the room's recording callback. */
  private saveRecording(durationMs: number, startedAt: number): void {
    const recording = this.services.saveRecording(this.account.sid, this.sid, durationMs, startedAt);
    const settings = this.settings.recordingStatusCallback;
    if (!settings || !wants(settings, 'completed')) return;
    const params = recordingCallbackParams('completed', {
      accountSid: this.account.sid,
      conferenceSid: this.sid,
      source: 'Conference',
      channels: 1,
      startedAt,
      recording,
    });
    const key = `${recording.sid}:completed`;
    this.services.send({ url: settings.url, method: settings.method, params, authToken: this.account.authToken, key });
  }

  private report(
    event: ConferenceEvent,
    participant?: Participant,
    options: { event?: string; extra?: Record<string, string> } = {},
  ): void {
    this.services.onChange(this.snapshot());
    const { statusCallback, statusCallbackMethod, statusCallbackEvents } = this.settings;
    if (!statusCallback || !statusCallbackEvents.has(event)) return;
    const sequence = this.sequence++;
    const name =
      options.event ??
      (event === 'start' || event === 'end'
        ? `conference-${event}`
        : event === 'announcement'
          ? 'announcement-end'
          : `participant-${event}`);
    const params: Record<string, string> = {
      ConferenceSid: this.sid,
      FriendlyName: this.friendlyName,
      AccountSid: this.account.sid,
      SequenceNumber: String(sequence),
      Timestamp: rfc2822(this.services.clock.now()),
      StatusCallbackEvent: name,
      ...options.extra,
    };
    if (participant) {
      Object.assign(params, {
        CallSid: participant.callSid,
        Muted: String(participant.muted),
        Hold: String(participant.held),
        Coaching: String(participant.options.coach !== undefined),
        EndConferenceOnExit: String(participant.endConferenceOnExit),
        StartConferenceOnEnter: String(participant.options.startConferenceOnEnter),
        ...(participant.options.label === undefined ? {} : { ParticipantLabel: participant.options.label }),
        ...(participant.options.coach === undefined ? {} : { CallSidToCoach: participant.options.coach }),
      });
    }
    this.services.send({
      url: statusCallback,
      method: statusCallbackMethod,
      params,
      authToken: this.account.authToken,
      key: `${this.sid}:${sequence}`,
    });
  }
}
