/**
 * The REST API (2010-04-01 shape) over node:http: authenticates each request, scopes it to the
 * account in its path (an account sees itself and its subaccounts; anything else is 404), and
 * hands it to the resource (the route table is in routes.ts). Every response carries an
 * `X-Request-Id`.
 *
 * @example
 * const api = createApi({ runtime, store });
 * createServer(api.handle).listen(3000);
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedNetwork } from '../adapters/simulated/network.js';
import type { Bus } from '../cluster/bus.js';
import type { ClusterApiLimiter } from '../cluster/nodes-limits.js';
import type { Policy } from '../devices/commands/decide.js';
import type { DevicesOptions } from '../devices/index.js';
import { ERRORS_PAGE } from '../error-codes/index.js';
import { errorsHtml } from '../error-codes/render.js';
import type { Runtime } from '../runtime.js';
import { newSid } from '../sid.js';
import type { SipApiSettings } from '../sip/settings.js';
import type { Store } from '../store/types.js';
import type { AccountRecord } from './auth.js';
import { type EventStreamOptions, eventStream } from './event-stream.js';
import { RestError, requestUrl, sendError, sendJson } from './http.js';
import { persistRuntime, StoreWrites } from './persist.js';
import { restError } from './resources/calls.js';
import { storedRecordingMedia } from './resources/recordings.js';
import { createRouter } from './routes.js';

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
  /** How often a long Simulator answer (`Wait`, `Stream`) writes to keep its connection alive. @default 10000 */
  readonly keepAliveMs?: number;
  /** Errors the API could not answer with (store failures while persisting). */
  readonly onError?: (error: unknown) => void;
  /** The event stream (/events/v1/Accounts/{AccountSid}/Stream): heartbeats, buffers, window. */
  readonly events?: EventStreamOptions;
  /**
   * The write path to `store` (a runtime made with its `admit` hook runs nothing unstored).
   * @default one over `store`, its failures reported to `onError`
   */
  readonly writes?: StoreWrites;
  /**
   * Base URL clients reach this server at: `more_info` links point at its error reference
   * (`<publicUrl>/docs/errors#<code>`). @default http://<the request's Host>
   */
  readonly publicUrl?: string;
  /** SIP domain names' suffix (`sip.patchbay.local`) and the box SIP passwords are sealed in (random per process). */
  readonly sip?: Partial<SipApiSettings>;
  /** Device registration and wake-up: the SMTP mailer, the VAPID subject, the egress rules for push endpoints. */
  readonly devices?: DevicesOptions;
  /** Commands' resend timing and open-command bounds (docs/commands.md): tests and benchmarks change them. @default DEFAULT_POLICY */
  readonly commandPolicy?: Policy;
  /** In a cluster, the bus: a change to a call another node runs is sent to that node (docs/cluster.md). */
  readonly bus?: Bus;
  /** In a cluster, the REST limits counted across nodes (cluster/nodes-limits.ts), besides this node's own. */
  readonly clusterLimiter?: Pick<ClusterApiLimiter, 'enter'>;
}

export interface Api {
  /** The node:http request handler. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Stops writing runtime events to the store, and ends the event streams. */
  close(): void;
}

/** What a 503 asks the client to wait before trying again. */
export const RETRY_AFTER_S = 5;

let page: Buffer | undefined;
const errorsPage = () => {
  page ??= Buffer.from(errorsHtml());
  return page;
};

/** Logged for requests whose client went away mid-body (as nginx logs them); never sent. */
const CLIENT_CLOSED = 499;

const clientGone = (req: IncomingMessage, error: unknown) =>
  req.destroyed && (error as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET';

const badTarget = () => new RestError(400, 21200, 'The request target is not a valid URL');

export function createApi(options: ApiOptions): Api {
  const { runtime, store } = options;
  const onError = options.onError ?? (() => undefined);
  const writes = options.writes ?? new StoreWrites(store, onError);
  const persistence = persistRuntime(runtime, writes);
  const serveRecording = storedRecordingMedia(store);
  const events = eventStream({
    runtime,
    store,
    ...options.events,
    ...(options.bus ? { bus: options.bus, onError } : {}),
  });
  const route = createRouter(options, writes);

  return {
    handle(req, res) {
      const started = performance.now();
      const id = `RQ${randomBytes(16).toString('hex')}`;
      const url = requestUrl(req);
      const log: { account?: string } = {};
      const finish = (status: number) =>
        options.onRequest?.({
          id,
          method: req.method ?? 'GET',
          path: url?.pathname ?? String(req.url),
          status,
          ms: performance.now() - started,
          ...log,
        });
      const base = options.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;
      if (url?.pathname === ERRORS_PAGE && (req.method === 'GET' || req.method === 'HEAD')) {
        // The error reference (public, like any product documentation page).
        const page = errorsPage();
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-length': String(page.byteLength),
          'cache-control': 'public, max-age=3600',
          'x-request-id': id,
        });
        res.end(req.method === 'HEAD' ? undefined : page);
        finish(200);
        return;
      }
      const media = url && (serveRecording(req, res) || events.handle(req, res, base));
      if (media) {
        void media.then(() => finish(res.statusCode), onError);
        return;
      }
      (url ? route(req, res, url, log, base) : Promise.reject(badTarget()))
        .then((result) => {
          if ('write' in result) {
            void result.write(res, { 'x-request-id': id }).then(() => finish(result.status), onError);
            return;
          }
          if (result.body === undefined) res.writeHead(result.status, { 'x-request-id': id }).end();
          else sendJson(res, result.status, result.body, { 'x-request-id': id });
          finish(result.status);
        })
        .catch((error: unknown) => {
          // The client hung up before sending its whole body: nothing to answer, nothing went wrong here.
          if (clientGone(req, error)) return finish(CLIENT_CLOSED);
          const rest = restError(error);
          // A store that cannot write is reported once by its health, not once per request.
          if (rest.status >= 500 && rest.status !== 503) onError(error);
          const headers: Record<string, string> = { 'x-request-id': id };
          if (rest.status === 401) headers['www-authenticate'] = 'Basic realm="Patchbay"';
          if (rest.status === 503) headers['retry-after'] = String(RETRY_AFTER_S);
          sendError(res, rest, base, headers);
          finish(rest.status);
        });
    },
    close() {
      route.close();
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
