/**
 * The REST API (2010-04-01 shape) over node:http: authenticates each request, scopes it to the
 * account in its path (an account sees itself and its subaccounts; anything else is 404), and
 * hands it to the resource. Every response carries an `X-Request-Id`.
 *
 * @example
 * const api = createApi({ runtime, store });
 * createServer(api.handle).listen(3000);
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedNetwork } from '../adapters/simulated/network.js';
import type { Runtime } from '../runtime.js';
import { newSid } from '../sid.js';
import type { Store } from '../store/types.js';
import { type AccountRecord, authenticate, mayAccess } from './auth.js';
import { type EventStreamOptions, eventStream } from './event-stream.js';
import { type Form, notFound, RestError, readForm, sendError, sendJson } from './http.js';
import { persistRuntime } from './persist.js';
import { accountResource, accountsList, authTokens } from './resources/accounts.js';
import { applicationsResource } from './resources/applications.js';
import { callsResource, restError } from './resources/calls.js';
import { clientsResource } from './resources/clients.js';
import { conferencesResource } from './resources/conferences.js';
import type { Resource } from './resources/context.js';
import { keysResource } from './resources/keys.js';
import { messagesResource } from './resources/messages.js';
import { numbersResource } from './resources/numbers.js';
import { queuesResource } from './resources/queues.js';
import { recordingsResource, storedRecordingMedia } from './resources/recordings.js';
import { simulatorResource } from './resources/simulator.js';

export interface ApiOptions {
  readonly runtime: Runtime;
  readonly store: Store;
  /** Largest request body accepted. @default 1048576 */
  readonly maxBodyBytes?: number;
  /** Each request, once answered. */
  readonly onRequest?: (entry: {
    id: string;
    method: string;
    path: string;
    status: number;
    ms: number;
    account?: string;
  }) => void;
  /** The simulated network, to serve the Simulator resource (inject inbound calls). */
  readonly simulator?: SimulatedNetwork;
  /** Errors the API could not answer with (store failures while persisting). */
  readonly onError?: (error: unknown) => void;
  /** The event stream (/events/v1/Accounts/{AccountSid}/Stream): heartbeats, buffers, window. */
  readonly events?: EventStreamOptions;
}

export interface Api {
  /** The node:http request handler. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Stops writing runtime events to the store, and ends the event streams. */
  close(): void;
}

const ACCOUNT_ITSELF = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\.json$/;
const ACCOUNT_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/(.+)$/;

export function createApi(options: ApiOptions): Api {
  const { runtime, store } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const onError = options.onError ?? (() => undefined);
  const persistence = persistRuntime(runtime, store, onError);
  const serveRecording = storedRecordingMedia(store);
  const events = eventStream({ runtime, store, ...options.events });
  const resources: readonly Resource[] = [
    callsResource,
    numbersResource,
    messagesResource,
    recordingsResource,
    keysResource,
    conferencesResource,
    queuesResource,
    applicationsResource,
    clientsResource,
    simulatorResource(options.simulator),
  ];

  async function route(
    req: IncomingMessage,
    url: URL,
    log: { account?: string },
  ): Promise<{ status: number; body?: unknown }> {
    const path = url.pathname;
    if (!path.startsWith('/2010-04-01/') && !path.startsWith('/v1/AuthTokens/')) throw notFound(path);
    const caller = await authenticate(req, store);
    log.account = caller.sid;
    const method = req.method ?? 'GET';
    let form: Promise<Form> | undefined;
    const readBody = () => {
      form ??= readForm(req, maxBodyBytes);
      return form;
    };
    if (path.startsWith('/v1/AuthTokens/')) return authTokens(store, caller, path, method, Date.now());
    if (path === '/2010-04-01/Accounts.json') {
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
      const result = await accountResource(store, target, method, readBody, Date.now());
      if (result) return result;
      throw notFound(path);
    }
    const rest = match?.[2] as string;
    const context = {
      runtime,
      store,
      account: target,
      method,
      rest,
      query: url.searchParams,
      now: Date.now(),
      form: readBody,
    };
    for (const resource of resources) {
      const result = await resource(context);
      if (!result) continue;
      // What a change wrote (a new call, a message) is in the store before the answer says so.
      if (method !== 'GET') await persistence.flush();
      return result;
    }
    throw notFound(url.pathname);
  }

  return {
    handle(req, res) {
      const started = performance.now();
      const id = `RQ${randomBytes(16).toString('hex')}`;
      const url = new URL(req.url ?? '/', 'http://localhost');
      const log: { account?: string } = {};
      const finish = (status: number) =>
        options.onRequest?.({
          id,
          method: req.method ?? 'GET',
          path: url.pathname,
          status,
          ms: performance.now() - started,
          ...log,
        });
      const media = serveRecording(req, res) || events.handle(req, res);
      if (media) {
        void media.then(() => finish(res.statusCode), onError);
        return;
      }
      route(req, url, log)
        .then((result) => {
          if (result.body === undefined) res.writeHead(result.status, { 'x-request-id': id }).end();
          else sendJson(res, result.status, result.body, { 'x-request-id': id });
          finish(result.status);
        })
        .catch((error: unknown) => {
          const rest = restError(error);
          if (rest.status >= 500) onError(error);
          const headers: Record<string, string> = { 'x-request-id': id };
          if (rest.status === 401) headers['www-authenticate'] = 'Basic realm="Patchbay"';
          sendError(res, rest, headers);
          finish(rest.status);
        });
    },
    close() {
      persistence.stop();
      events.close();
    },
  };
}

/**
 * Makes sure the store has a top-level account: the one named by `sid`/`authToken` (created if
 * missing), or a new one when the store has none. Returns it, and whether it was just created.
 */
export async function bootstrapAccount(
  store: Store,
  given: { sid?: string | undefined; authToken?: string | undefined; now: number },
): Promise<{ account: AccountRecord; created: boolean }> {
  if (given.sid !== undefined) {
    if (!/^AC[0-9a-f]{32}$/.test(given.sid))
      throw new RestError(400, 20001, 'PATCHBAY_ACCOUNT_SID must be AC followed by 32 hex digits');
    const existing = await store.find<AccountRecord>('account', given.sid);
    if (existing) return { account: existing, created: false };
  } else {
    const marker = await store.find<AccountRecord & { accountSid: string }>('setting', 'bootstrap');
    if (marker) {
      const account = await store.find<AccountRecord>('account', marker.accountSid);
      if (account) return { account, created: false };
    }
  }
  const sid = given.sid ?? newSid('AC');
  const account: AccountRecord = {
    sid,
    accountSid: sid,
    ownerAccountSid: sid,
    friendlyName: 'Patchbay bootstrap account',
    authToken: given.authToken ?? randomBytes(16).toString('hex'),
    status: 'active',
    createdAt: given.now,
    updatedAt: given.now,
  };
  await store.put('account', account);
  // A pointer to it, so the next start finds the same account without being told its SID.
  await store.put('setting', { sid: 'bootstrap', accountSid: sid, createdAt: given.now });
  return { account, created: true };
}
