/**
 * The route table of the REST API: which resource answers a path, after authenticating the
 * caller, counting the request against its account's limits and scoping it to the account in the
 * path (an account sees itself and its subaccounts; anything else is 404).
 *
 * @example
 * const route = createRouter(options, new StoreWrites(store, onError));
 * const result = await route(req, res, url, log, 'http://localhost:3000');
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { revalidateAcross } from '../cluster/devices-revalidate.js';
import { commandsFeature } from '../devices/commands/index.js';
import { devicesFeature } from '../devices/index.js';
import { resolveLimits } from '../limits/account-limits.js';
import { roomCalls } from '../rooms/call/index.js';
import { callInProgress, tellAdded } from '../rooms/call/my-rooms.js';
import { notifyMemberAdded } from '../rooms/notify.js';
import { RoomScheduler } from '../rooms/schedules/scheduler.js';
import { Serial } from '../rooms/serial.js';
import { sipApiSettings } from '../sip/settings.js';
import {
  type AccountRecord,
  accountTokens,
  authenticate,
  mayAccess,
  mayAdminister,
  type Principal,
  standardKeyRefused,
  unauthorized,
} from './auth.js';
import { type Form, notFound, readForm } from './http.js';
import { ApiLimiter } from './limiter.js';
import type { StoreWrites } from './persist.js';
import { accountResource, accountsList, authTokens } from './resources/accounts.js';
import { applicationsResource } from './resources/applications.js';
import { callEventsResource } from './resources/call-events.js';
import { callsResource } from './resources/calls.js';
import { clientsResource } from './resources/clients.js';
import { conferencesResource } from './resources/conferences.js';
import type { Resource, ResourceContext, ResourceResult } from './resources/context.js';
import { keysResource } from './resources/keys.js';
import { limitsResource } from './resources/limits.js';
import { messagesResource } from './resources/messages.js';
import { notificationsResource } from './resources/notifications.js';
import { numbersResource } from './resources/numbers.js';
import { patchbayV1Resource } from './resources/patchbay-v1/index.js';
import { queuesResource } from './resources/queues.js';
import { recordingsResource } from './resources/recordings.js';
import { simulatorResource } from './resources/simulator.js';
import { sipResource } from './resources/sip/index.js';
import { voiceV1Resource } from './resources/voice-v1/index.js';
import { serveRoomsAndNodes } from './routes-serving.js';
import type { ApiOptions } from './server.js';

const ACCOUNT_ITSELF = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\.json$/;
const ACCOUNT_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/(.+)$/;
/** The hosted voice v1 API's trunk resources, served at the same paths. */
const VOICE_V1 = /^\/v1\/(ByocTrunks|ConnectionPolicies)(\/|$)/;
/** Patchbay's own resources (rooms), in the newer APIs' conventions. */
const PATCHBAY_V1 = '/patchbay/v1/';
/** Resources below an account that standard keys may not use. */
const ADMIN_ONLY = /^Keys(\.json|\/)/;

const sameCredential = (a: Principal, b: Principal) =>
  a.account.sid === b.account.sid && a.via === b.via && a.keySid === b.keySid;

/** Answers one request that is not the error page, a recording's media or an event stream. */
export type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  log: { account?: string },
  publicUrl: string,
) => Promise<NonNullable<ResourceResult>>;

export function createRouter(options: ApiOptions, writes: StoreWrites): Route & { close(): void } {
  const { runtime, store } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const limiter = new ApiLimiter();
  /** A key, an auth token or an account's status changed: live device sessions are checked again before the answer. */
  const credentialsChanged = async (accountSid: string) => {
    await runtime.devices?.revalidate(accountSid);
    // In a cluster, the sessions on the other nodes too (cluster/devices-revalidate.ts).
    if (options.bus && runtime.devices) await revalidateAcross(options.bus, accountSid);
  };
  const resources: readonly Resource[] = [
    callsResource,
    notificationsResource,
    callEventsResource,
    numbersResource,
    messagesResource,
    recordingsResource,
    keysResource,
    limitsResource,
    conferencesResource,
    queuesResource,
    applicationsResource,
    clientsResource,
    sipResource,
    simulatorResource(options.simulator, store, options.keepAliveMs),
  ];
  const sip = sipApiSettings(options.sip);
  const serial = new Serial();
  const calls = roomCalls({ runtime, store, serial, onError: options.onError, bus: options.bus });
  const schedules = new RoomScheduler({
    calls: calls.deps,
    clock: runtime.clock,
    onError: options.onError,
    bus: options.bus,
  });
  // Occurrences due while the server was down run (or are recorded missed) as soon as the store is read.
  schedules.start().catch((error: unknown) => options.onError?.(error));
  // Chat messages a killed server left half relayed: each missing SMS and log entry made once.
  calls.deps.chat?.relay.resume().catch((error: unknown) => options.onError?.(error));
  const patchbayV1 = patchbayV1Resource({
    serial,
    calls: calls.deps,
    schedules,
    callInProgress: (room) => callInProgress(calls.deps, room.sid),
    memberAdded: async (context, room, member) => {
      await calls.deps.updates?.changed(room, { change: 'member-added', memberSid: member.sid });
      // The member is added whatever happens to the text: a failed send shows on the message itself.
      await notifyMemberAdded(context, room, member).catch((error: unknown) => options.onError?.(error));
      tellAdded(runtime, room, member);
    },
  });

  // Callbacks queued without a token (rooms' and commands' webhooks) are signed with the account's current one.
  runtime.callbacks.tokensFrom?.(accountTokens(store));
  // Devices bound to a number or email: their own endpoints (access-token auth) and the account's resources.
  const devices = devicesFeature({ runtime, store, options: options.devices, onError: options.onError });
  // Commands for those devices (docs/commands.md): open ones are read from the store and their timers armed.
  const commands = commandsFeature({
    runtime,
    store,
    options: options.devices,
    policy: options.commandPolicy,
    onError: options.onError,
    bus: options.bus,
  });
  commands.start().catch((error: unknown) => options.onError?.(error));

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    log: { account?: string },
    publicUrl: string,
  ): Promise<NonNullable<ResourceResult>> {
    const path = url.pathname;
    const voiceV1 = VOICE_V1.test(path);
    const ownV1 = path.startsWith(PATCHBAY_V1);
    if (!path.startsWith('/2010-04-01/') && !path.startsWith('/v1/AuthTokens/') && !voiceV1 && !ownV1)
      throw notFound(path);
    const device = ownV1 ? (devices.route(req, url, publicUrl) ?? commands.route(req, url)) : undefined;
    if (device) return device;
    const principal = await authenticate(req, store);
    const caller = principal.account;
    log.account = caller.sid;
    // Counted from here until the answer is sent (or the client goes): slow bodies count too.
    res.once('close', limiter.enter(caller.sid, resolveLimits(caller.limits, runtime.limits)));
    if (options.clusterLimiter) {
      const release = await options.clusterLimiter.enter(caller.sid, resolveLimits(caller.limits, runtime.limits));
      if (res.closed) release();
      else res.once('close', release);
    }
    const method = req.method ?? 'GET';
    let form: Promise<Form> | undefined;
    const readBody = () => {
      // Credentials revoked while the body was arriving (a deleted key, a suspended account) end the request.
      form ??= readForm(req, maxBodyBytes).then(async (values) => {
        if (!sameCredential(principal, await authenticate(req, store))) throw unauthorized();
        return values;
      });
      return form;
    };
    const admin = (what: string) => {
      if (!mayAdminister(principal)) throw standardKeyRefused(what);
    };
    if (path.startsWith('/v1/AuthTokens/')) {
      admin('the auth tokens');
      const result = await authTokens(store, caller, path, method, Date.now());
      await credentialsChanged(caller.sid);
      return result;
    }
    if (voiceV1 || ownV1) {
      // The v1 resources (BYOC trunks, connection policies, rooms) belong to the caller's account, as on the hosted API.
      const mark = writes.mark();
      const result = await (ownV1
        ? async (c: ResourceContext) => (await commands.resource(c)) ?? (await devices.resource(c)) ?? patchbayV1(c)
        : voiceV1Resource)({
        runtime,
        store,
        account: caller,
        principal,
        method,
        rest: path.slice(ownV1 ? PATCHBAY_V1.length : '/v1/'.length),
        query: url.searchParams,
        now: Date.now(),
        form: readBody,
        publicUrl,
        sip,
        // In a cluster: a room's call another node runs is answered there.
        ...(options.bus ? { bus: options.bus } : {}),
      });
      if (!result) throw notFound(path);
      if (method !== 'GET') await writes.settled(mark);
      return result;
    }
    if (path === '/2010-04-01/Accounts.json') {
      admin('the Accounts resource');
      const result = await accountsList(store, caller, method, url.searchParams, readBody, Date.now());
      if (result) return result;
      throw notFound(path);
    }
    const single = ACCOUNT_ITSELF.exec(path);
    const match = ACCOUNT_PATH.exec(path);
    const accountSid = single?.[1] ?? match?.[1];
    if (!accountSid) throw notFound(path);
    const target = accountSid === caller.sid ? caller : await store.find<AccountRecord>('account', accountSid);
    if (!target || !mayAccess(caller, target)) throw notFound(accountSid);
    if (single) {
      admin('the Accounts resource');
      const result = await accountResource(store, target, method, readBody, Date.now());
      if (!result) throw notFound(path);
      if (method !== 'GET') await credentialsChanged(target.sid);
      return result;
    }
    const rest = match?.[2] as string;
    if (ADMIN_ONLY.test(rest)) admin('the Keys resource');
    const context = {
      runtime,
      store,
      account: target,
      principal,
      method,
      rest,
      query: url.searchParams,
      now: Date.now(),
      form: readBody,
      publicUrl,
      sip,
      ...(options.bus ? { bus: options.bus } : {}),
    };
    const mark = writes.mark();
    for (const resource of resources) {
      const result = await resource(context);
      if (!result) continue;
      // What a change wrote (a new call, a message) is in the store before the answer says so;
      // a write that failed fails the request (503), and the runtime did not run what it refused.
      if (method !== 'GET') await writes.settled(mark);
      if (method !== 'GET' && ADMIN_ONLY.test(rest)) await credentialsChanged(target.sid);
      return result;
    }
    throw notFound(url.pathname);
  }

  // Devices command and follow rooms over their channel; on a cluster, the nodes serve one another.
  const serving = serveRoomsAndNodes({ options, sip, calls, schedules });
  return Object.assign(route, {
    close() {
      serving.close();
      devices.close();
      commands.close();
      schedules.close();
      calls.close();
    },
  });
}
