/**
 * createRuntime: the engine's programmatic API. Places outbound calls, routes inbound ones to
 * their app, runs each call's markup, and reports everything through typed events.
 *
 * @example
 * const runtime = createRuntime({ media: new SimulatedNetwork(), incoming: () => ({ url: appUrl }) });
 * const call = runtime.calls.create({ to: '+15550100', from: '+15550199', url: `${appUrl}/voice` });
 * const ended = await runtime.calls.ended(call.sid);
 */
import { EventEmitter } from 'eventemitter3';
import { DeviceBridge } from './bridge/bridge.js';
import { CallTable } from './calls/call-table.js';
import { callsApi } from './calls/calls-api.js';
import { dialing } from './calls/dialing.js';
import { inboundGate } from './calls/inbound-gate.js';
import { onNet } from './calls/on-net.js';
import { recordingStore } from './calls/recordings.js';
import { inboundStarter } from './calls/start-inbound.js';
import { systemClock } from './clock/clock.js';
import { ConferenceCluster } from './cluster/conferences.js';
import { QueueCluster } from './cluster/queue-cluster.js';
import { conferencesApi } from './conference/api.js';
import { ConferenceRegistry } from './conference/registry.js';
import { numberRinger } from './devices/ring-number.js';
import { PatchbayError } from './errors.js';
import { LocalApps } from './interpreter/local-apps.js';
import type { CallAccount, CallSession, RuntimeEvents, SessionDeps } from './interpreter/session.js';
import { DEFAULT_ACCOUNT_LIMITS, resolveLimits } from './limits/account-limits.js';
import { silentWav } from './media/wav.js';
import { messageReceiver } from './messaging/inbound.js';
import { Messages } from './messaging/messages.js';
import { SimulatedMessaging } from './messaging/simulated.js';
import { QueueRegistry } from './queue/queues.js';
import { refusal } from './refusal.js';
import type { Routed, Runtime, RuntimeOptions } from './runtime-types.js';
import { newSid } from './sid.js';
import { CallbackQueue } from './webhooks/callbacks.js';

export type {
  Admission,
  AppSettings,
  CreateCallParams,
  InboundApp,
  Routed,
  RoutedMessageApp,
  Runtime,
  RuntimeOptions,
  UpdateCallParams,
} from './runtime-types.js';

export function createRuntime(options: RuntimeOptions): Runtime {
  const clock = options.clock ?? systemClock;
  const media = options.media;
  const events = new EventEmitter<RuntimeEvents>();
  const egress = options.egress;
  const callbacks = options.callbackQueue ?? new CallbackQueue(clock, { egress, ...options.callbacks });
  const defaultAccount: CallAccount = {
    sid: options.accountSid ?? newSid('AC'),
    authToken: options.authToken ?? newSid('SK').slice(2),
  };
  const accountSid = defaultAccount.sid;
  const keepEnded = options.keepEnded ?? 1000;
  const publicUrl = (options.publicUrl ?? 'http://localhost:3000').replace(/\/$/, '');
  const recordings = recordingStore({
    publicUrl,
    keep: Math.min(keepEnded, 100),
    onSaved: (saved) => events.emit('recording.saved', saved),
  });

  const queues = new QueueRegistry(clock);
  queues.records = options.queueRecords;
  const localApps = new LocalApps();
  /** The store's admission of new calls and messages (see RuntimeOptions.admit). */
  const admission = options.admit;
  const messages = new Messages(
    options.messaging ?? new SimulatedMessaging({ clock }),
    clock,
    callbacks,
    (message) => events.emit('message.updated', message),
    keepEnded,
    admission && ((record) => admission({ kind: 'message', record })),
  );
  const conferences = new ConferenceRegistry({
    clock,
    media,
    send: (callback) => callbacks.send(callback),
    onChange: (room) => events.emit('conference.updated', room),
    saveRecording: (owner, conferenceSid, durationMs, startedAt) =>
      recordings.save(
        { accountSid: owner, conferenceSid },
        { audio: silentWav(durationMs), durationMs, startedAt, source: 'Conference' },
      ),
  });
  const deps: SessionDeps = {
    media,
    messages,
    queues,
    conferences,
    saveRecording: (owner, callSid, recording) => recordings.save({ accountSid: owner, callSid }, recording),

    dialChild: (parent, request, signal) => dialChild(parent, request, signal),
    clock,
    callbacks,
    events,
    maxFetchesWithoutProgress: options.maxFetchesWithoutProgress ?? 20,
    callerIdAllowed: async (accountSid, number) => (options.callerIds ? options.callerIds(accountSid, number) : true),
    egress,
    localApps,
  };
  const table = new CallTable(keepEnded);
  const conferenceCluster =
    options.bus &&
    new ConferenceCluster({
      bus: options.bus,
      clock,
      media,
      registry: conferences,
      events,
      // A call that ended is still in the table until its verbs unwind: it no longer counts.
      liveCalls: () => [...table.liveSessions()].filter((session) => !session.over).length,
    });
  if (conferenceCluster) conferences.placement = conferenceCluster;
  const queueCluster =
    options.bus &&
    new QueueCluster({
      bus: options.bus,
      clock,
      media,
      registry: queues,
      liveCalls: () => [...table.liveSessions()].length,
    });
  if (queueCluster) queues.placement = queueCluster;
  const limits = { ...DEFAULT_ACCOUNT_LIMITS, ...options.limits };

  /** Why the account may not have one more live call (its concurrency limit), if it may not. */
  function overCallLimit(account: CallAccount): PatchbayError | undefined {
    const cap = resolveLimits(account.limits, limits).concurrentCalls;
    if (table.liveFor(account.sid) < cap) return undefined;
    return new PatchbayError('concurrency-limit', `account ${account.sid} has ${cap} live calls, as many as its limit`);
  }

  /**
   * Keeps a new call and asks for its admission: `true` at once without an `admit` hook, else
   * whether it was admitted. A call refused never ran: it ends failed, with no status callbacks.
   */
  function track(session: CallSession): true | Promise<boolean> {
    table.add(session);
    events.emit('call.created', session.snapshot());
    if (!admission) return true;
    return admission({ kind: 'call', record: session.snapshot() }).then(
      () => true,
      (error: unknown) => {
        session.app = { ...session.app, statusCallback: undefined };
        session.recordError(refusal(error));
        session.setStatus('failed');
        return false;
      },
    );
  }

  /** An inbound call (from the network, placed by a device, or on-net) runs its app. */
  const startInbound = inboundStarter({ deps, track, defaultAccount });

  /** Whether an inbound call may start: its account's live calls here, and across a cluster. */
  const gate = inboundGate({ events, limits, overCallLimit, shared: options.callCap });

  media.events.on('incoming', (leg, call) => {
    const start = (app: Routed | undefined, sid = newSid('CA')) => {
      if (!app) {
        void leg
          .reject('not-found')
          .then(() => events.emit('incoming.rejected', { to: call.to, from: call.from, kind: 'call' }));
        return;
      }
      startInbound(sid, leg, call, app, app.params);
    };
    const admit = (app: Routed | undefined) =>
      app ? gate.admit(leg, call, app.account ?? defaultAccount, (sid) => start(app, sid)) : start(app);
    const routed = options.incoming?.(call);
    // A store lookup answers later (the leg keeps ringing); a plain answer starts the call at once.
    if (routed instanceof Promise) routed.then(admit, () => start(undefined));
    else admit(routed);
  });

  const devices = options.devices
    ? new DeviceBridge(options.devices, {
        media,
        clock,
        limits,
        callRefusal: async (account, sid) => (await gate.refusal({ ...account, authToken: '' }, sid))?.message,
        releaseCall: (sid) => gate.release(sid),
        startCall: ({ sid, leg, account, from, to, app, extra }) =>
          startInbound(sid, leg, { from, to }, { ...app, account }, extra),
      })
    : undefined;

  const calledOnNet = onNet({
    media,
    route: options.onNet === true ? options.incoming : options.onNet || undefined,
    maxHops: options.maxOnNetHops,
    start: (leg, call, app, hops) =>
      gate.admit(leg, call, app.account ?? defaultAccount, (sid) =>
        calledOnNet.mark(startInbound(sid, leg, call, app), hops),
      ),
  });
  const { dialChild, dialOut } = dialing({
    deps,
    media,
    track,
    clients: devices,
    numbers:
      devices && options.numberDevices
        ? numberRinger({
            ring: (request, signal, onRinging) => devices.ring(request, signal, onRinging),
            identities: options.numberDevices,
            clock,
            appRingMs: options.appRingMs,
          })
        : undefined,
    admit: overCallLimit,
    calls: calledOnNet,
  });

  const calls = callsApi({ deps, table, defaultAccount, overCallLimit, track, dialOut });

  const inbound = messageReceiver({
    messages,
    clock,
    route: (message) => options.incomingMessage?.(message),
    defaultAccount,
    onRejected: (message) => events.emit('incoming.rejected', { ...message, kind: 'message' }),
    onError: (record, error, url) =>
      events.emit('message.error', record, { code: error.numericCode, message: error.message, url }),
    egress,
    senderAllowed: deps.callerIdAllowed,
    localApps,
  });

  return {
    ...(conferenceCluster ? { conferenceCluster } : {}),
    ...(queueCluster ? { queueCluster } : {}),
    accountSid,
    limits,
    clock,
    localApps,
    events,
    callbacks,
    calls,
    messages: {
      send: (request) => messages.send(request),
      get: (sid) => messages.get(sid),
      list: (filter) => messages.list(filter),
      settled: () => messages.settled(),
      receive: inbound.receive,
    },
    conferences: conferencesApi(clock, conferences, (params) => calls.create(params)),
    queues,
    devices,
    recordings: recordings.api,
    async close() {
      conferenceCluster?.close();
      queueCluster?.close();
      devices?.close();
      for (const session of [...table.liveSessions()]) await session.end('completed').catch(() => undefined);
      await inbound.settled();
      await callbacks.drain();
    },
  };
}
