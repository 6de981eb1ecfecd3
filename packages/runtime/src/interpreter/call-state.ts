/**
 * A call's record and status machine: the fields the REST API shows, the parameters of every
 * request about the call, the status callbacks, and the end of the call (which aborts the work
 * done on its behalf). The session (session.ts) adds the media leg and the run loop.
 *
 * @example
 * class CallSession extends CallState { ... }
 * session.setStatus('ringing'); // sends the `ringing` status callback if subscribed
 */
import type { WebhookParams } from '@patchbay/sdk';
import { type CallError, type CallRecord, type CallStatus, canMove, type Direction, TERMINAL } from '../calls/call.js';
import { callWebhookParams } from '../calls/webhook-params.js';
import type { PatchbayError } from '../errors.js';
import { rfc2822 } from '../webhooks/callbacks.js';
import type { AppConfig, CallAccount, CallEvent, SessionDeps } from './types.js';

/** Thrown into a running verb by live modification. */
export class Interrupted extends Error {}

export class CallState {
  status: CallStatus;
  private readonly createdAt: number;
  private updatedAt: number;
  private startedAt: number | undefined;
  private endedAt: number | undefined;
  private readonly errors: CallError[] = [];
  protected readonly ending = new AbortController();
  private sequence = 0;
  /** Run loops in progress (the app, or a whisper): `ended` waits for them. */
  protected running = 0;
  protected resolveEnded!: (call: CallRecord) => void;
  /** Settles with the final record when the call has ended and all its work is done. */
  readonly ended = new Promise<CallRecord>((resolve) => {
    this.resolveEnded = resolve;
  });

  constructor(
    protected readonly deps: SessionDeps,
    readonly sid: string,
    readonly account: CallAccount,
    readonly direction: Direction,
    readonly from: string,
    readonly to: string,
    /** Where the call's documents and callbacks go; the REST API can change the fallback and callback. */
    public app: AppConfig,
    readonly parentCallSid?: string,
    /** The IncomingPhoneNumber an inbound call came in on. */
    readonly phoneNumberSid?: string,
  ) {
    this.createdAt = deps.clock.now();
    this.updatedAt = this.createdAt;
    this.status = 'queued';
  }

  /** Aborts when the call ends, for work done on the call's behalf (ringing, dialing). */
  get signal(): AbortSignal {
    return this.ending.signal;
  }

  get over(): boolean {
    return TERMINAL.has(this.status) || this.ending.signal.aborted;
  }

  snapshot(): CallRecord {
    return {
      sid: this.sid,
      accountSid: this.account.sid,
      ...(this.parentCallSid ? { parentCallSid: this.parentCallSid } : {}),
      ...(this.phoneNumberSid ? { phoneNumberSid: this.phoneNumberSid } : {}),
      direction: this.direction,
      from: this.from,
      to: this.to,
      status: this.status,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      ...(this.startedAt === undefined ? {} : { startedAt: this.startedAt }),
      ...(this.endedAt === undefined ? {} : { endedAt: this.endedAt, duration: this.duration() }),
      errors: [...this.errors],
      ...(this.app.statusCallback
        ? {
            statusCallback: {
              url: this.app.statusCallback,
              method: this.app.statusCallbackMethod,
              events: [...this.app.statusCallbackEvents],
              nextSequence: this.sequence,
            },
          }
        : {}),
    };
  }

  private duration(): number {
    if (this.startedAt === undefined) return 0;
    return Math.round(((this.endedAt ?? this.deps.clock.now()) - this.startedAt) / 1000);
  }

  /** The standard parameters of every request about this call, plus `extra`. */
  params(extra: Record<string, string> = {}, status: string = this.status): WebhookParams {
    const call = {
      sid: this.sid,
      accountSid: this.account.sid,
      from: this.from,
      to: this.to,
      direction: this.direction,
    };
    return {
      ...callWebhookParams(this.parentCallSid ? { ...call, parentCallSid: this.parentCallSid } : call, status),
      ...extra,
    };
  }

  /** Moves the status machine; refuses impossible transitions. Sends the matching callback. */
  setStatus(next: CallStatus): void {
    if (next === this.status || !canMove(this.status, next)) return;
    const previous = this.status;
    const now = this.deps.clock.now();
    this.status = next;
    this.updatedAt = now;
    if (next === 'in-progress') this.startedAt = now;
    if (TERMINAL.has(next)) this.endedAt = now;
    const record = this.snapshot();
    // The callback is queued before the record is written (on 'call.status'): a store commits
    // one resource's outbox entries before its record, so a crash between the two leaves the call
    // live in the store, and recovery's final callback (same key) is the one already queued.
    // The other way round a crash could leave a call ended with its final callback never queued.
    if (next === 'ringing') this.callback('ringing', 'ringing');
    if (next === 'in-progress') this.callback('answered', 'in-progress');
    if (TERMINAL.has(next))
      this.callback('completed', next, {
        CallDuration: String(record.duration ?? 0),
        Duration: String(Math.ceil((record.duration ?? 0) / 60)),
      });
    this.deps.events.emit('call.status', record, previous);
    if (TERMINAL.has(next)) {
      this.ending.abort(new Interrupted('the call ended'));
      this.deps.events.emit('call.ended', record);
      if (this.running === 0) this.resolveEnded(record);
    }
  }

  /** Sends a call-progress status callback if the app subscribed to the event. */
  callback(event: CallEvent, status: string, extra: Record<string, string> = {}): void {
    const { statusCallback, statusCallbackMethod, statusCallbackEvents } = this.app;
    if (!statusCallback || !statusCallbackEvents.has(event)) return;
    const sequence = this.sequence++;
    this.deps.callbacks.send({
      url: statusCallback,
      method: statusCallbackMethod,
      authToken: this.account.authToken,
      key: event === 'completed' ? finalCallbackKey(this.sid) : `${this.sid}:${sequence}`,
      params: this.params(
        {
          CallbackSource: 'call-progress-events',
          SequenceNumber: String(sequence),
          Timestamp: rfc2822(this.deps.clock.now()),
          ...extra,
        },
        status,
      ),
    });
  }

  recordError(error: PatchbayError, url?: string): void {
    const entry: CallError = {
      code: error.numericCode,
      message: error.message,
      at: this.deps.clock.now(),
      ...(url ? { url } : {}),
    };
    this.errors.push(entry);
    this.deps.events.emit('call.error', this.snapshot(), entry);
  }
}

/**
 * The outbox key of a call's final (`completed`) status callback: one per call, so that the
 * node ending a call and a survivor taking it over never both queue one (cli/recover.ts).
 */
export function finalCallbackKey(callSid: string): string {
  return `${callSid}:final`;
}
