/**
 * A call's log, as the REST API shows it: Notifications (each error and warning, with its code,
 * the URL involved and the request and answer behind it) and Events (each request the call made
 * to its app, and the answer). Built from the runtime's events, bounded per call: the first
 * NOTIFICATIONS_PER_CALL notifications, and the latest EVENTS_PER_CALL events (each event
 * takes a slot in a ring, so a long call replaces its oldest ones), with bodies, headers and
 * parameters cut to size. The server log keeps every error and warning regardless.
 */
import type { WebhookParams } from '@patchbay/sdk';
import type { EventEmitter } from 'eventemitter3';
import type { CallError, CallRecord } from '../calls/call.js';
import { evictOldest } from '../calls/call-table.js';
import type { RuntimeEvents, WebhookExchange } from '../interpreter/types.js';
import type { MessageRecord } from '../messaging/types.js';
import { newSid } from '../sid.js';
import type { RecordKind, Store, StoredRecord } from '../store/types.js';

export const NOTIFICATIONS_PER_CALL = 100;
export const EVENTS_PER_CALL = 200;
/** Characters kept of a response body, a parameter value, a header value. */
export const BODY_CHARS = 4096;
export const VALUE_CHARS = 1024;
const HEADER_CHARS = 512;
/** Parameters and headers kept per request. */
const MAX_FIELDS = 100;

export interface NotificationRecord extends StoredRecord {
  /** `NO` + 32 hex digits. */
  readonly sid: string;
  /** Absent for a message's notification. */
  readonly callSid?: string;
  readonly messageSid?: string;
  /** 0 error, 1 warning. */
  readonly log: 0 | 1;
  readonly errorCode: number;
  readonly message: string;
  readonly requestUrl?: string;
  readonly requestMethod?: 'GET' | 'POST';
  /** The request's parameters, form-encoded. */
  readonly requestVariables?: string;
  readonly responseBody?: string;
  /** `Name: value` lines. */
  readonly responseHeaders?: string;
}

export interface CallEventRecord extends StoredRecord {
  /** `<CallSid>:<slot>`: a call's later events take the slots of its oldest. */
  readonly sid: string;
  readonly callSid: string;
  /** Order within the call (from 0). */
  readonly sequence: number;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly parameters: Readonly<Record<string, string | readonly string[]>>;
  readonly status?: number;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly errorCode?: number;
  readonly errorMessage?: string;
  readonly durationMs: number;
}

const cut = (text: string, limit: number) => (text.length > limit ? `${text.slice(0, limit)}…` : text);

function boundedParams(params: WebhookParams): Record<string, string | readonly string[]> {
  const entries = Object.entries(params).slice(0, MAX_FIELDS);
  return Object.fromEntries(
    entries.map(([key, value]) => [
      key,
      typeof value === 'string' ? cut(value, VALUE_CHARS) : value.slice(0, MAX_FIELDS).map((v) => cut(v, VALUE_CHARS)),
    ]),
  );
}

function boundedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .slice(0, MAX_FIELDS)
      .map(([name, value]) => [name, cut(value, HEADER_CHARS)]),
  );
}

function formEncoded(params: Readonly<Record<string, string | readonly string[]>>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    for (const item of typeof value === 'string' ? [value] : value) form.append(key, item);
  return form.toString();
}

interface LiveCall {
  notifications: number;
  events: number;
  last?: WebhookExchange;
}

/** What a problem reported by the runtime says. */
export interface Problem {
  readonly log: 0 | 1;
  readonly code: number;
  readonly message: string;
  readonly url?: string | undefined;
  readonly at: number;
}

/** Ended calls whose bookkeeping is kept: a request cut short by the hang-up reports just after it. */
const KEEP_ENDED = 1000;

/** Turns the runtime's events into log records, keeping per call what bounds them. */
export class CallLog {
  private readonly live = new Map<string, LiveCall>();
  private readonly finished = new Map<string, LiveCall>();

  private entry(callSid: string): LiveCall {
    let entry = this.live.get(callSid) ?? this.finished.get(callSid);
    if (!entry) {
      entry = { notifications: 0, events: 0 };
      this.live.set(callSid, entry);
    }
    return entry;
  }

  /** The notification of a call's error or warning; undefined past the call's limit. */
  callNotification(call: CallRecord, problem: Problem): NotificationRecord | undefined {
    const entry = this.entry(call.sid);
    if (entry.notifications >= NOTIFICATIONS_PER_CALL) return undefined;
    entry.notifications++;
    // The request behind it: the call's latest, when the problem is about its URL.
    const last = problem.url !== undefined && entry.last?.url === problem.url ? entry.last : undefined;
    return {
      ...notification(call.accountSid, problem),
      callSid: call.sid,
      ...(last
        ? {
            requestMethod: last.method,
            requestVariables: cut(formEncoded(boundedParams(last.params)), BODY_CHARS),
            ...(last.response
              ? {
                  responseBody: cut(last.response.body, BODY_CHARS),
                  responseHeaders: Object.entries(boundedHeaders(last.response.headers))
                    .map(([name, value]) => `${name}: ${value}`)
                    .join('\n'),
                }
              : {}),
          }
        : {}),
    };
  }

  /** The event of a request the call made; it replaces the call's oldest past the limit. */
  event(call: CallRecord, exchange: WebhookExchange): CallEventRecord {
    const entry = this.entry(call.sid);
    entry.last = exchange;
    const sequence = entry.events++;
    const { response, error } = exchange;
    return {
      sid: `${call.sid}:${sequence % EVENTS_PER_CALL}`,
      accountSid: call.accountSid,
      createdAt: exchange.at,
      callSid: call.sid,
      sequence,
      method: exchange.method,
      url: exchange.url,
      parameters: boundedParams(exchange.params),
      durationMs: Math.round(exchange.durationMs),
      ...(response
        ? {
            status: response.status,
            contentType: response.contentType,
            headers: boundedHeaders(response.headers),
            body: cut(response.body, BODY_CHARS),
          }
        : {}),
      ...(error ? { errorCode: error.code, errorMessage: error.message } : {}),
    };
  }

  /** The call is over: its bookkeeping moves to the most recently ended (kept for a while, not for ever). */
  ended(callSid: string): void {
    const entry = this.live.get(callSid);
    if (!entry) return;
    this.live.delete(callSid);
    this.finished.set(callSid, { notifications: entry.notifications, events: entry.events });
    evictOldest(this.finished, KEEP_ENDED);
  }
}

/** A notification of the account (with no call: a message's app failed). */
export function notification(accountSid: string, problem: Problem): NotificationRecord {
  return {
    sid: newSid('NO'),
    accountSid,
    createdAt: problem.at,
    log: problem.log,
    errorCode: problem.code,
    message: problem.message,
    ...(problem.url ? { requestUrl: problem.url } : {}),
  };
}

/**
 * Writes the log of every call (and the notifications of failed message apps) through `save`
 * as the runtime reports it; returns what stops it.
 */
export function logCalls(
  events: EventEmitter<RuntimeEvents>,
  save: (kind: RecordKind, record: StoredRecord) => void,
  now: () => number,
): () => void {
  const log = new CallLog();
  const saveNotification = (record: NotificationRecord | undefined) => record && save('notification', record);
  const onError = (call: CallRecord, error: CallError) =>
    saveNotification(log.callNotification(call, { log: 0, ...error }));
  const onWarning: RuntimeEvents['call.warning'] = (call, warning) =>
    saveNotification(log.callNotification(call, { log: 1, ...warning, at: now() }));
  const onWebhook: RuntimeEvents['call.webhook'] = (call, exchange) => save('call-event', log.event(call, exchange));
  const onEnded = (call: CallRecord) => log.ended(call.sid);
  const onMessageError = (message: MessageRecord, error: { code: number; message: string; url: string }) =>
    saveNotification({ ...notification(message.accountSid, { log: 0, ...error, at: now() }), messageSid: message.sid });
  events.on('call.error', onError);
  events.on('call.warning', onWarning);
  events.on('call.webhook', onWebhook);
  events.on('call.ended', onEnded);
  events.on('message.error', onMessageError);
  return () => {
    events.off('call.error', onError);
    events.off('call.warning', onWarning);
    events.off('call.webhook', onWebhook);
    events.off('call.ended', onEnded);
    events.off('message.error', onMessageError);
  };
}

/** Deletes a call's notifications and events (with the call's record: nothing of it stays). */
export async function deleteCallLog(store: Store, accountSid: string, callSid: string): Promise<void> {
  for (const [kind, most] of [
    ['notification', NOTIFICATIONS_PER_CALL],
    ['call-event', EVENTS_PER_CALL],
  ] as const) {
    const { items } = await store.list(kind, { accountSid, where: { callSid }, page: 0, pageSize: most });
    for (const item of items) await store.delete(kind, accountSid, item.sid);
  }
}
