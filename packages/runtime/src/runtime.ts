/**
 * createRuntime: the engine's programmatic API. Places outbound calls, routes inbound ones to
 * their app, runs each call's markup, and reports everything through typed events.
 *
 * @example
 * const runtime = createRuntime({ media: new SimulatedNetwork(), incoming: () => ({ url: appUrl }) });
 * const call = runtime.calls.create({ to: '+15550100', from: '+15550199', url: `${appUrl}/voice` });
 * const ended = await runtime.calls.ended(call.sid);
 */
import { parseVoice } from '@patchbay/markup';
import { EventEmitter } from 'eventemitter3';
import type { CallRecord, CallStatus, Direction } from './calls/call.js';
import { type Clock, systemClock } from './clock/clock.js';
import { PatchbayError } from './errors.js';
import {
  type AppConfig,
  type CallEvent,
  CallSession,
  type Next,
  type RuntimeEvents,
  type SessionDeps,
} from './interpreter/session.js';
import type { Address, MediaAdapter } from './media/types.js';
import { QueueRegistry } from './queue/queues.js';
import { newSid } from './sid.js';
import type { AttemptResult, ChildCall, DialRequest, RecordingRecord } from './verbs/types.js';
import { CallbackQueue, type CallbackQueueOptions } from './webhooks/callbacks.js';

/** The app an inbound call runs: the called number's voice configuration. */
export interface InboundApp {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly fallbackUrl?: string;
  readonly fallbackMethod?: 'GET' | 'POST';
  readonly statusCallback?: string;
  readonly statusCallbackMethod?: 'GET' | 'POST';
  /** @default ['completed'] */
  readonly statusCallbackEvent?: readonly CallEvent[];
}

export interface CreateCallParams {
  readonly to: string;
  readonly from: string;
  /** Where the call's first document comes from (one of `url` and `twiml`). */
  readonly url?: string;
  /** The call's first document, inline. */
  readonly twiml?: string;
  readonly method?: 'GET' | 'POST';
  readonly fallbackUrl?: string;
  readonly fallbackMethod?: 'GET' | 'POST';
  readonly statusCallback?: string;
  readonly statusCallbackMethod?: 'GET' | 'POST';
  /** @default ['completed'] */
  readonly statusCallbackEvent?: readonly CallEvent[];
  /** Seconds to let the far end ring. @default 60 */
  readonly timeout?: number;
  /** DTMF to play once the call is answered. */
  readonly sendDigits?: string;
}

export interface UpdateCallParams {
  readonly url?: string;
  readonly method?: 'GET' | 'POST';
  readonly twiml?: string;
  readonly status?: 'completed' | 'canceled';
}

export interface RuntimeOptions {
  readonly media: MediaAdapter;
  /** @default systemClock */
  readonly clock?: Clock;
  /** The account calls belong to. @default a new AC SID */
  readonly accountSid?: string;
  /** Signs every webhook. @default a random token */
  readonly authToken?: string;
  /** Finds the app of a called number; calls to numbers with none are rejected. */
  readonly incoming?: (call: { readonly to: string; readonly from: string }) => InboundApp | undefined;
  /** Base URL apps reach this server at: recording URLs start with it. @default 'http://localhost:3000' */
  readonly publicUrl?: string;
  /** Documents fetched with nothing for the caller in between before the call is ended. @default 20 */
  readonly maxFetchesWithoutProgress?: number;
  readonly callbacks?: CallbackQueueOptions;
}

export interface Runtime {
  readonly accountSid: string;
  readonly events: EventEmitter<RuntimeEvents>;
  /** Status callbacks in flight; `drain()` waits for them. */
  readonly callbacks: CallbackQueue;
  readonly calls: {
    create(params: CreateCallParams): CallRecord;
    update(sid: string, params: UpdateCallParams): Promise<CallRecord>;
    get(sid: string): CallRecord | undefined;
    list(filter?: { status?: CallStatus; direction?: Direction }): CallRecord[];
    /** Settles with the final record when the call ends. */
    ended(sid: string): Promise<CallRecord>;
  };
  /** Call queues (Enqueue, Dial Queue). */
  readonly queues: QueueRegistry;
  readonly recordings: {
    get(sid: string): RecordingRecord | undefined;
    list(filter?: { callSid?: string }): RecordingRecord[];
    delete(sid: string): boolean;
  };
  /** Ends every call and waits for outstanding callbacks. */
  close(): Promise<void>;
}

const CALL_EVENTS: ReadonlySet<string> = new Set(['initiated', 'ringing', 'answered', 'completed']);

function invalid(name: string, message: string): PatchbayError {
  return new PatchbayError('invalid-parameter', `${name}: ${message}`);
}

function appConfig(params: {
  method?: 'GET' | 'POST' | undefined;
  fallbackUrl?: string | undefined;
  fallbackMethod?: 'GET' | 'POST' | undefined;
  statusCallback?: string | undefined;
  statusCallbackMethod?: 'GET' | 'POST' | undefined;
  statusCallbackEvent?: readonly CallEvent[] | undefined;
}): AppConfig {
  const events = params.statusCallbackEvent ?? ['completed'];
  for (const event of events)
    if (!CALL_EVENTS.has(event)) throw invalid('StatusCallbackEvent', `unknown event "${event}"`);
  return {
    method: params.method ?? 'POST',
    fallbackUrl: params.fallbackUrl,
    fallbackMethod: params.fallbackMethod ?? 'POST',
    statusCallback: params.statusCallback,
    statusCallbackMethod: params.statusCallbackMethod ?? 'POST',
    statusCallbackEvents: new Set(events),
  };
}

/** `client:alice` and `sip:...` addresses, else a phone number. */
export function parseAddress(to: string): Address {
  if (to.startsWith('client:')) return { kind: 'client', value: to.slice('client:'.length) };
  if (/^sips?:/i.test(to)) return { kind: 'sip', value: to };
  return { kind: 'number', value: to };
}

function firstStep(
  session: CallSession,
  params: { url?: string | undefined; twiml?: string | undefined; method?: 'GET' | 'POST' | undefined },
): Next {
  if (params.twiml !== undefined) {
    const parsed = parseVoice(params.twiml);
    if (!parsed.ok) {
      const [error] = parsed.errors;
      throw invalid('Twiml', `${error?.code} ${error?.path} ${error?.message}`);
    }
    return { type: 'document', document: parsed.document, url: params.url ?? '' };
  }
  return {
    type: 'fetch',
    url: params.url as string,
    method: params.method ?? 'POST',
    params: session.params(),
    progress: true,
  };
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const clock = options.clock ?? systemClock;
  const media = options.media;
  const events = new EventEmitter<RuntimeEvents>();
  const callbacks = new CallbackQueue(clock, options.callbacks);
  const accountSid = options.accountSid ?? newSid('AC');
  const recordings = new Map<string, RecordingRecord>();
  const publicUrl = (options.publicUrl ?? 'http://localhost:3000').replace(/\/$/, '');
  const queues = new QueueRegistry(clock);
  const deps: SessionDeps = {
    media,
    queues,
    saveRecording(callSid, recording) {
      const sid = newSid('RE');
      const saved: RecordingRecord = {
        sid,
        accountSid,
        callSid,
        duration: Math.round(recording.durationMs / 1000),
        channels: 1,
        source: recording.source,
        status: 'completed',
        startedAt: recording.startedAt,
        url: `${publicUrl}/2010-04-01/Accounts/${accountSid}/Recordings/${sid}`,
        audio: recording.audio,
      };
      recordings.set(sid, saved);
      return saved;
    },
    dialChild: (parent, request, signal) => dialChild(parent, request, signal),
    clock,
    callbacks,
    events,
    accountSid,
    authToken: options.authToken ?? newSid('SK').slice(2),
    maxFetchesWithoutProgress: options.maxFetchesWithoutProgress ?? 20,
  };
  const sessions = new Map<string, CallSession>();

  function track(session: CallSession): void {
    sessions.set(session.sid, session);
    events.emit('call.created', session.snapshot());
  }

  media.events.on('incoming', (leg, call) => {
    const app = options.incoming?.(call);
    if (!app) {
      void leg.reject('rejected');
      return;
    }
    const session = new CallSession(deps, newSid('CA'), 'inbound', call.from, call.to, appConfig(app));
    track(session);
    session.attach(leg, false);
    session.setStatus('ringing');
    void session.run({
      type: 'fetch',
      url: app.url,
      method: app.method ?? 'POST',
      params: session.params(),
      progress: true,
    });
  });

  /** A Dial target: a child call with the parent's SID and its own status callbacks. */
  function dialChild(parent: CallSession, request: DialRequest, signal: AbortSignal): ChildCall {
    const to = request.to.kind === 'client' ? `client:${request.to.value}` : request.to.value;
    const config = appConfig({
      statusCallback: request.statusCallback,
      statusCallbackMethod: request.statusCallbackMethod,
      statusCallbackEvent: request.statusCallbackEvent,
    });
    const child = new CallSession(deps, newSid('CA'), 'outbound-dial', request.from, to, config, parent.sid);
    track(child);
    child.callback('initiated', 'initiated');
    const result = (async (): Promise<AttemptResult> => {
      const originate = {
        to: request.to,
        from: request.from,
        timeoutMs: request.timeoutMs,
        ...(request.sip ? { sip: request.sip } : {}),
      };
      const outcome = await media.originate(originate, AbortSignal.any([signal, child.signal]), () =>
        child.setStatus('ringing'),
      );
      if (outcome.outcome === 'answered') {
        if (child.over) {
          await outcome.leg.hangup();
          return 'canceled';
        }
        child.attach(outcome.leg, true);
        child.setStatus('in-progress');
        return 'answered';
      }
      const status = outcome.outcome === 'rejected' ? 'busy' : outcome.outcome;
      child.setStatus(status);
      return status;
    })();
    return {
      sid: child.sid,
      result,
      get leg() {
        return child.leg;
      },
      get over() {
        return child.over;
      },
      whisper: async (url, method) =>
        (await child.run(
          { type: 'fetch', url, method, params: child.params(), progress: true },
          { keepAfterDocument: true },
        )) === 'finished',
      end: () => child.end('completed'),
    };
  }

  async function dialOut(session: CallSession, params: CreateCallParams, first: Next): Promise<void> {
    session.callback('initiated', 'initiated');
    const outcome = await media.originate(
      { to: parseAddress(params.to), from: params.from, timeoutMs: (params.timeout ?? 60) * 1000 },
      session.signal,
      () => session.setStatus('ringing'),
    );
    if (outcome.outcome !== 'answered') {
      const status: CallStatus = outcome.outcome === 'rejected' ? 'busy' : outcome.outcome;
      session.setStatus(status);
      return;
    }
    if (session.over) {
      await outcome.leg.hangup();
      return;
    }
    session.attach(outcome.leg, true);
    session.setStatus('in-progress');
    if (params.sendDigits) await outcome.leg.sendDigits(params.sendDigits, new AbortController().signal);
    await session.run(first);
  }

  const calls: Runtime['calls'] = {
    create(params) {
      if (!params.to) throw invalid('To', 'required');
      if (!params.from) throw invalid('From', 'required');
      if ((params.url === undefined) === (params.twiml === undefined))
        throw invalid('Url', 'give exactly one of Url and Twiml');
      if (
        params.timeout !== undefined &&
        !(Number.isInteger(params.timeout) && params.timeout >= 1 && params.timeout <= 600)
      ) {
        throw invalid('Timeout', 'must be a whole number of seconds from 1 to 600');
      }
      const session = new CallSession(deps, newSid('CA'), 'outbound-api', params.from, params.to, appConfig(params));
      const first = firstStep(session, params);
      track(session);
      const accepted = session.snapshot();
      void dialOut(session, params, first).catch((error) => {
        session.recordError(new PatchbayError('media-failure', `dialing failed: ${String(error)}`, { cause: error }));
        session.setStatus('failed');
      });
      return accepted;
    },

    async update(sid, params) {
      const session = sessions.get(sid);
      if (!session) throw new PatchbayError('call-not-found', `no call ${sid}`);
      if (params.status) {
        await session.end(params.status);
        return session.snapshot();
      }
      if (session.over) throw new PatchbayError('invalid-call-state', `call ${sid} is not in progress`);
      if (params.url === undefined && params.twiml === undefined) throw invalid('Url', 'give Url, Twiml or Status');
      session.replace(firstStep(session, params));
      return session.snapshot();
    },

    get: (sid) => sessions.get(sid)?.snapshot(),

    list(filter = {}) {
      return [...sessions.values()]
        .map((session) => session.snapshot())
        .filter(
          (call) =>
            (filter.status === undefined || call.status === filter.status) &&
            (filter.direction === undefined || call.direction === filter.direction),
        );
    },

    ended(sid) {
      const session = sessions.get(sid);
      if (!session) return Promise.reject(new PatchbayError('call-not-found', `no call ${sid}`));
      return session.ended;
    },
  };

  return {
    accountSid,
    events,
    callbacks,
    calls,
    queues,
    recordings: {
      get: (sid) => recordings.get(sid),
      list: (filter = {}) =>
        [...recordings.values()].filter((r) => filter.callSid === undefined || r.callSid === filter.callSid),
      delete: (sid) => recordings.delete(sid),
    },
    async close() {
      for (const session of sessions.values()) await session.end('completed').catch(() => undefined);
      await callbacks.drain();
    },
  };
}
