/**
 * The room call engine: starts a room's call (everyone selected rung at once through
 * `runtime.calls.create`, the room's number as caller ID), follows each person from the runtime's
 * own events (call status, conference changes) into the roster, and ends the call when the room
 * says so: the organizer left, one person alone too long, the maximum length (warned first), or
 * nobody left. Every timer runs on the runtime's clock. Nothing here speaks HTTP or markup:
 * commands.ts drives it, local-app.ts answers its calls' documents.
 *
 * @example
 * const engine = new RoomCalls({ runtime, store });
 * const call = await engine.start(room, account, { plans, organizerKey, caller: 'Olga' });
 */
import { EventEmitter } from 'eventemitter3';
import type { CallRecord, CallStatus } from '../../calls/call.js';
import type { ConferenceSnapshot } from '../../conference/conference.js';
import type { CallAccount } from '../../interpreter/session.js';
import type { Runtime } from '../../runtime.js';
import { newSid } from '../../sid.js';
import type { RoomRecord } from '../records.js';
import { maxDurationWarning } from './documents.js';
import { postEvent, type RoomCallEvents, type RoomEvent } from './events.js';
import { hangUpLeg, placeLeg, runtimeRefusal, WARNING_BEFORE_S } from './legs.js';
import { LIVE_STATES, onCallStatus, onConference, type RosterEntry } from './roster.js';
import { type EndReason, entryOfCall, type RingPlan, type RoomCall, type RoomCallError, verdict } from './state.js';

export { RING_TIMEOUT_S, WARNING_BEFORE_S } from './legs.js';

/** Ended calls whose roster stays readable, per engine. */
const KEEP_ENDED = 1000;

export interface StartRequest {
  /** Rung now, all at once. */
  readonly plans: readonly RingPlan[];
  /** Rung once the organizer joined (organizer-phone-first); `plans` then holds only the organizer. */
  readonly later?: readonly RingPlan[];
  /** In the roster without being rung (opted out). */
  readonly skipped?: readonly RosterEntry[];
  /** Who started it by dialing the room's number: in the call already. */
  readonly admitted?: RosterEntry & { readonly callSid: string };
  /** Whose leaving ends the call. */
  readonly organizerKey?: string | undefined;
  readonly caller?: string | undefined;
}

export class RoomCalls {
  readonly events = new EventEmitter<RoomCallEvents>();
  /** Each room's call: the live one, else its last. */
  readonly #calls = new Map<string, RoomCall>();
  /** Live calls by the SID of a leg in them. */
  readonly #byLeg = new Map<string, RoomCall>();
  readonly #byConference = new Map<string, RoomCall>();
  readonly #off: Array<() => void> = [];

  constructor(private readonly runtime: Runtime) {
    const status = (record: CallRecord, _previous: CallStatus) => this.#callStatus(record);
    const conference = (snapshot: ConferenceSnapshot) => this.#conference(snapshot);
    runtime.events.on('call.status', status);
    runtime.events.on('conference.updated', conference);
    this.#off.push(
      () => runtime.events.off('call.status', status),
      () => runtime.events.off('conference.updated', conference),
    );
  }

  /** The room's live call, if one runs. */
  live(roomSid: string): RoomCall | undefined {
    const call = this.#calls.get(roomSid);
    return call?.status === 'in-progress' ? call : undefined;
  }

  /** The room's live call, else the last one it had (since this process started). */
  latest(roomSid: string): RoomCall | undefined {
    return this.#calls.get(roomSid);
  }

  /** Whether this engine ran the call (live, or among the ended ones it keeps). */
  has(callSid: string): boolean {
    for (const call of this.#calls.values()) if (call.sid === callSid) return true;
    return false;
  }

  start(room: RoomRecord, account: CallAccount, request: StartRequest): RoomCall {
    const sid = newSid('RC');
    const call: RoomCall = {
      sid,
      room,
      account,
      conference: `room-${room.sid}-${sid}`,
      startedAt: this.runtime.clock.now(),
      status: 'in-progress',
      entries: new Map(),
      ...(request.organizerKey ? { organizerKey: request.organizerKey } : {}),
      ...(request.caller ? { caller: request.caller } : {}),
      pending: [...(request.later ?? [])],
      timers: {},
      sequence: 0,
    };
    this.#calls.delete(room.sid);
    this.#calls.set(room.sid, call);
    while (this.#calls.size > KEEP_ENDED) {
      const oldest = [...this.#calls.values()].find((c) => c.status === 'completed');
      if (!oldest) break;
      this.#calls.delete(oldest.room.sid);
    }
    this.#byConference.set(call.conference, call);
    // The roster in the order the request named them: those rung now, those waiting, those skipped.
    for (const plan of request.plans) call.entries.set(plan.entry.key, plan.entry);
    for (const plan of call.pending) call.entries.set(plan.entry.key, { ...plan.entry, state: 'waiting' });
    for (const entry of request.skipped ?? []) call.entries.set(entry.key, entry);
    this.#emit({ type: 'call-started', call });
    if (request.admitted) this.admit(call, request.admitted);
    this.ring(call, request.plans);
    this.#scheduleLimit(call);
    return call;
  }

  /** Rings people now (a start, an added member, the others once the organizer answered). */
  ring(call: RoomCall, plans: readonly RingPlan[]): void {
    for (const plan of plans) {
      call.entries.set(plan.entry.key, plan.entry);
      const placed = placeLeg(this.runtime, call, plan);
      if (!placed.ok) {
        call.fault ??= { key: plan.entry.key, ...placed.error };
        this.#update(call, { ...plan.entry, state: 'failed' });
        continue;
      }
      const { record } = placed;
      this.#byLeg.set(record.sid, call);
      this.#update(call, { ...plan.entry, callSid: record.sid });
      // A call refused at once (the account's limit) has ended before we knew its SID.
      const now = this.runtime.calls.get(record.sid) ?? record;
      if (now.status !== 'queued') this.#callStatus(now);
    }
    this.#settle(call);
  }

  /** A call that reached the room by itself (someone dialing in) joins the roster. */
  admit(call: RoomCall, entry: RosterEntry & { callSid: string }): void {
    this.#byLeg.set(entry.callSid, call);
    this.#update(call, entry);
  }

  /** Ends the call: those waiting are not rung, the ringing stop, participants leave first, the organizer last, then the conference ends. */
  end(call: RoomCall, reason: EndReason, error?: RoomCallError): void {
    if (call.status !== 'in-progress') return;
    call.status = 'completed';
    call.endedAt = this.runtime.clock.now();
    call.endReason = reason;
    const failure = error ?? (reason === 'fatal-error' ? call.fault : undefined);
    if (failure) call.error = { code: failure.code, message: failure.message };
    for (const plan of call.pending) this.#update(call, { ...plan.entry, state: 'no-answer' });
    call.pending = [];
    for (const cancel of Object.values(call.timers)) cancel?.();
    const entries = [...call.entries.values()];
    for (const entry of entries) if (entry.state === 'ringing' && entry.callSid) this.hangUp(entry.callSid);
    const organizerLast = [
      ...entries.filter((e) => e.key !== call.organizerKey),
      ...entries.filter((e) => e.key === call.organizerKey),
    ];
    if (call.conferenceSid) {
      for (const entry of organizerLast) if (entry.state === 'joined' && entry.callSid) this.kick(call, entry.callSid);
      try {
        this.runtime.conferences.end(call.conferenceSid);
      } catch {
        // Already over: the last participant's leaving ended it.
      }
    }
    this.#byConference.delete(call.conference);
    this.#emit({ type: 'call-ended', call });
  }

  /** Rings people now, or once the organizer answered when the call still waits for that. */
  ringOrQueue(call: RoomCall, plans: readonly RingPlan[]): void {
    if (call.pending.length === 0) {
      this.ring(call, plans);
      return;
    }
    for (const plan of plans) {
      call.pending.push(plan);
      this.#update(call, { ...plan.entry, state: 'waiting' });
    }
  }

  /** Someone waiting to be rung (organizer-phone-first) will not be: they leave the roster. */
  unqueue(call: RoomCall, key: string): void {
    call.pending = call.pending.filter((plan) => plan.entry.key !== key);
    call.entries.delete(key);
    this.#settle(call);
  }

  /** Takes a participant out of the conference (their call then hangs up). */
  kick(call: RoomCall, callSid: string): void {
    if (!call.conferenceSid) return;
    try {
      this.runtime.conferences.participants.kick(call.conferenceSid, callSid);
    } catch {
      // Left meanwhile.
    }
  }

  /** Stops a leg: a ringing one is canceled, an answered one hung up. */
  hangUp(callSid: string): void {
    hangUpLeg(this.runtime, callSid);
  }

  close(): void {
    for (const off of this.#off.splice(0)) off();
    for (const call of this.#calls.values()) for (const cancel of Object.values(call.timers)) cancel?.();
    this.events.removeAllListeners();
  }

  #emit(event: RoomEvent): void {
    const call = event.call;
    call.sequence++;
    postEvent(this.runtime.callbacks, event, this.runtime.clock.now());
    this.events.emit('event', event);
  }

  #update(call: RoomCall, entry: RosterEntry): void {
    const before = call.entries.get(entry.key);
    call.entries.set(entry.key, entry);
    if (before?.state !== entry.state || before.muted !== entry.muted || before.callSid !== entry.callSid)
      this.#emit({ type: 'member-updated', call, entry });
    if (!LIVE_STATES.has(entry.state) && entry.callSid) this.#byLeg.delete(entry.callSid);
  }

  #callStatus(record: CallRecord): void {
    const call = this.#byLeg.get(record.sid);
    const entry = call && entryOfCall(call, record.sid);
    if (!call || !entry) return;
    const next = onCallStatus(entry, record.status, this.runtime.clock.now());
    if (next === entry) return;
    // The runtime refused the leg (the account's concurrent-call limit, dialing failed): not the person's doing.
    const refusal = runtimeRefusal(record);
    if (refusal && entry.state === 'ringing') call.fault ??= { key: entry.key, ...refusal };
    this.#update(call, next);
    this.#settle(call);
  }

  #conference(snapshot: ConferenceSnapshot): void {
    const call = this.#byConference.get(snapshot.friendlyName);
    if (!call || snapshot.accountSid !== call.account.sid) return;
    // A conference emptied while others were rung starts again under the same name when one joins.
    if (snapshot.status !== 'completed') call.conferenceSid = snapshot.sid;
    else call.conferenceSid ??= snapshot.sid;
    for (const entry of onConference(call.entries.values(), snapshot, this.runtime.clock.now()))
      this.#update(call, entry);
    // Ended under the room (by REST, or a participant made to end it on leaving): the call cannot go on.
    const reason = snapshot.reasonEnded;
    if (snapshot.status === 'completed' && reason && !reason.startsWith('last-participant-')) {
      this.end(call, 'fatal-error', {
        code: 91180,
        message: `the room's conference ${snapshot.sid} ended under it (${reason})`,
      });
      return;
    }
    this.#settle(call);
  }

  /** Does what the roster now means for the call (see `verdict`). */
  #settle(call: RoomCall): void {
    if (call.status !== 'in-progress') return;
    const next = verdict(call);
    if (next.type === 'end') this.end(call, next.reason);
    else if (next.type === 'ring-later') {
      const later = call.pending;
      call.pending = [];
      this.ring(call, later);
    } else if (next.alone && !call.timers.inactivity) {
      call.timers.inactivity = this.runtime.clock.setTimer(
        () => this.end(call, 'inactivity'),
        call.room.inactivityTimeout * 1000,
      );
    } else if (!next.alone && call.timers.inactivity) {
      call.timers.inactivity();
      delete call.timers.inactivity;
    }
  }

  /** The warning announced to the room before its maximum length, then the end. */
  #scheduleLimit(call: RoomCall): void {
    const limitMs = call.room.maxDuration * 1000;
    const warnMs = Math.max(0, limitMs - WARNING_BEFORE_S * 1000);
    const text = maxDurationWarning(Math.round((limitMs - warnMs) / 1000));
    call.timers.warning = this.runtime.clock.setTimer(() => {
      if (call.status === 'in-progress' && call.conferenceSid)
        this.runtime.conferences.announce(call.conferenceSid, { text }).catch(() => undefined);
    }, warnMs);
    call.timers.limit = this.runtime.clock.setTimer(() => this.end(call, 'max-duration'), limitMs);
  }
}
