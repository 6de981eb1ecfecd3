/**
 * `patchbay serve` as a function: the SQLite store in the data directory (locked: one server per
 * directory), the bootstrap account, the runtime on the simulated network with numbers routed
 * from the store, and the REST API on one HTTP server, with `GET /health`. What a crash left
 * unfinished is closed on start (see recover.ts). A startup failure is a StartupError and undoes
 * what the start did (no account is created before the port is ours). `close()` keeps the port
 * and the lock while live calls finish within a bound (new requests get 503 and `Retry-After`),
 * then ends the rest and frees both.
 *
 * @example
 * const server = await startServer({ port: 3000, data: './.patchbay' });
 * console.log(server.url, server.account.sid);
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AccountRecord } from '../api/auth.js';
import { storeDirectory } from '../api/device-directory.js';
import { type HealthReport, healthEndpoint } from '../api/health.js';
import { RestError, sendError } from '../api/http.js';
import { StoreWrites } from '../api/persist.js';
import { callerIdPolicy, messageRouter, numberRouter, withSimulatedApps } from '../api/routing.js';
import { bootstrapAccount, createApi, RETRY_AFTER_S } from '../api/server.js';
import type { DeviceBridge } from '../bridge/bridge.js';
import { compatEndpoints } from '../bridge/compat/endpoint.js';
import { simulatedCompatMedia } from '../bridge/compat/media.js';
import { deviceEndpoints } from '../bridge/endpoints.js';
import { systemClock } from '../clock/clock.js';
import { sharedCallTokenKey } from '../cluster/devices-key.js';
import type { ClusterNode } from '../cluster/nodes.js';
import { numberIdentities, smtpMailer } from '../devices/index.js';
import { storeQueueRecords } from '../queue/records.js';
import { createRuntime } from '../runtime.js';
import { storeSipDirectory } from '../sip/directory.js';
import { sipCallRouter } from '../sip/inbound.js';
import { storeSipRegistrations } from '../sip/registrations.js';
import { StartupError } from '../startup-error.js';
import { type MonitoredStore, monitored, storeWriteError } from '../store/health.js';
import { DurableCallbacks } from '../webhooks/durable-callbacks.js';
import { createEgress } from '../webhooks/egress.js';
import { listen, unlisten } from './listen.js';
import { LIVE, recoverOwn } from './recover.js';
import { logServerEvents } from './serve-logs.js';
import { type ServerMedia, startMedia } from './serve-media.js';
import { prepareStore } from './serve-store.js';
import type { RunningServer, ServeOptions } from './serve-types.js';
import { loadTls } from './tls.js';

export type { RunningServer, ServeOptions } from './serve-types.js';

const ACCOUNT_SID = /^AC[0-9a-f]{32}$/;

/** Answers 503 with `Retry-After` (starting up, or draining); `base` is where the error reference is. */
function unavailable(res: ServerResponse, why: string, base: string): void {
  sendError(res, new RestError(503, 20503, why), base, { 'retry-after': String(RETRY_AFTER_S) });
}

/** Answers 503 with 91300: a node that lost the cluster takes no work (another node will). */
function partitioned(res: ServerResponse, node: string, base: string): void {
  sendError(
    res,
    new RestError(503, 91300, `node ${node} has lost the cluster's bus: send the request to another node`),
    base,
    {
      'retry-after': String(RETRY_AFTER_S),
    },
  );
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const data = options.data ?? './.patchbay';
  const log = options.logger;
  if (options.accountSid !== undefined && !ACCOUNT_SID.test(options.accountSid)) {
    throw new StartupError(
      'invalid-account',
      `PATCHBAY_ACCOUNT_SID "${options.accountSid}" is not an account SID`,
      'give AC followed by 32 hex digits, or leave it unset to create one',
    );
  }
  const serverTrunks = options.media?.kind === 'sip' ? options.media.trunks : [];
  const tls = options.tls ? loadTls(options.tls) : undefined;
  // SQLite in the locked data directory, or PostgreSQL shared by several nodes (serve-store.ts).
  const place = await prepareStore({ ...options, data });
  const lock = place;
  const secrets = place.secrets;
  // What to undo, newest first, should the start fail.
  const undo: Array<() => unknown> = [() => lock.release()];
  const rollback = async () => {
    for (const step of undo) await Promise.resolve(step()).catch(() => undefined);
  };
  // Requests that arrive before the server is ready are answered 503 ("starting").
  let handle = (_req: IncomingMessage, res: ServerResponse) =>
    unavailable(res, 'the server is starting', options.publicUrl ?? url);
  let draining = false;
  let store: MonitoredStore;
  let server: Awaited<ReturnType<typeof listen>>['server'];
  let url: string;
  let account: AccountRecord;
  let created: boolean;
  let cluster: ClusterNode | undefined;
  let callTokenKey: Uint8Array | undefined;
  try {
    store = monitored(await place.open(), {
      ...(options.probeEveryMs === undefined ? {} : { probeEveryMs: options.probeEveryMs }),
    });
    const opened = store;
    undo.unshift(() => opened.close());
    if (options.bus) {
      // Loaded only for a cluster: a single node never loads the Redis client.
      const { joinCluster } = await import('../cluster/nodes-serve.js');
      const joined = await joinCluster({
        url: options.bus,
        nodeId: options.nodeId,
        port: options.port ?? 3000,
        store,
        clock: options.clock ?? systemClock,
        log,
        leaseMs: options.busLeaseMs,
      });
      cluster = joined;
      undo.unshift(() => joined.close());
      callTokenKey = await sharedCallTokenKey(joined.bus);
    }
    // In a cluster, only this node's own records: the others' are theirs (or their survivor's).
    const { calls, messages } = await recoverOwn(store, Date.now(), cluster?.nodeId);
    if (calls + messages > 0)
      log?.warn({ calls, messages }, 'closed calls and messages left unfinished by a previous run');
    ({ server, url } = await listen(options.port ?? 3000, host, tls));
    const listening = server;
    undo.unshift(() => unlisten(listening));
    listening.on('request', (req: IncomingMessage, res: ServerResponse) => handle(req, res));
    // Only now, with the port ours, is an account made: a failed start never leaves one whose token nobody saw.
    ({ account, created } = await bootstrapAccount(store, {
      sid: options.accountSid,
      authToken: options.authToken,
      now: Date.now(),
    }));
  } catch (error) {
    await rollback();
    const unwritable = storeWriteError(error);
    if (!unwritable) throw error;
    // Recovery or the bootstrap account could not be written: the store takes no writes at all.
    throw new StartupError(
      'data-unwritable',
      `the store in ${place.where} takes no writes (${unwritable.message})`,
      'free space in the data directory (or raise --max-db-mb), then start again',
      { cause: error },
    );
  }
  const egress = createEgress({ policy: options.egress ?? 'allow-private' });
  const sip = storeSipDirectory(store, secrets, { serverTrunks });
  let media: ServerMedia;
  try {
    media = await startMedia(options, {
      directory: sip,
      registrations: storeSipRegistrations(store),
      egress,
      warn: (message) => log?.warn(message),
    });
  } catch (error) {
    await rollback();
    throw error;
  }
  const { network } = media;
  if (media.listening.length > 0) log?.info({ listening: media.listening }, 'SIP media ready');
  // Callbacks go through the store's outbox: what is not delivered survives a restart.
  const clock = options.clock ?? systemClock;
  const callbacks = new DurableCallbacks(
    store,
    clock,
    async (sid) => (await store.find<AccountRecord>('account', sid))?.authToken,
    {
      egress,
      leaseMs: place.callbackLeaseMs,
      ...(cluster ? { owner: cluster.nodeId } : {}),
      // Sent after the records they report on (the writes below).
      recorded: () => writes.written(),
    },
  );
  callbacks.start();
  // One write path: the runtime runs a new call or message only once its record is committed.
  const writes = new StoreWrites(
    store,
    (error) => {
      if (!storeWriteError(error)) log?.error({ err: error }, 'store write failed');
    },
    cluster?.nodeId,
  );
  const runtime = createRuntime({
    media: media.adapter,
    clock,
    accountSid: account.sid,
    authToken: account.authToken,
    incoming: network ? withSimulatedApps(numberRouter(store), network) : sipCallRouter(store, sip),
    onNet: true,
    callerIds: callerIdPolicy(store),
    incomingMessage: messageRouter(store),
    publicUrl: options.publicUrl ?? url,
    callbackQueue: callbacks,
    devices: {
      ...storeDirectory(store),
      // In a cluster, devices connected to other nodes are rung too (docs/cluster.md).
      ...(cluster && callTokenKey
        ? {
            callTokenKey,
            cluster: { bus: cluster.bus, onError: (err: unknown) => log?.warn({ err }, 'devices relay') },
          }
        : {}),
      ...options.devices,
    },
    numberDevices: numberIdentities(store),
    queueRecords: storeQueueRecords(store),
    ...(options.registration?.appRingMs ? { appRingMs: options.registration.appRingMs } : {}),
    egress,
    ...(options.limits ? { limits: options.limits } : {}),
    admit: cluster ? (admission) => (cluster as ClusterNode).admit(admission, writes.admit) : writes.admit,
    ...(cluster ? { bus: cluster.bus, callCap: cluster.callCap } : {}),
  });
  cluster?.attach(runtime, callbacks);
  const devices = deviceEndpoints(runtime.devices as DeviceBridge);
  const compat = compatEndpoints(runtime.devices as DeviceBridge, {
    media: options.compatMedia ?? simulatedCompatMedia(),
  });
  logServerEvents({ runtime, callbacks, health: store.health, log });
  const api = createApi({
    runtime,
    store,
    writes,
    ...(network ? { simulator: network } : {}),
    publicUrl: options.publicUrl ?? url,
    sip: { secrets, ...(options.sipDomainSuffix ? { domainSuffix: options.sipDomainSuffix } : {}) },
    onRequest: (entry) => log?.info(entry, 'request'),
    onError: (error) => log?.error({ err: error }, 'request failed'),
    devices: {
      egress,
      vapidSubject: options.registration?.vapidSubject,
      mailer: options.registration?.smtp ? smtpMailer(options.registration.smtp) : undefined,
    },
    ...(cluster ? { bus: cluster.bus, clusterLimiter: cluster.apiLimiter } : {}),
  });
  const health = (): HealthReport => (draining ? { status: 'draining' } : (cluster?.health() ?? store.health.state));
  const answerHealth = healthEndpoint(health);
  handle = (req, res) => {
    if (answerHealth(req, res)) return;
    if (draining) unavailable(res, 'the server is shutting down', options.publicUrl ?? url);
    else if (cluster?.health()) partitioned(res, cluster.nodeId, options.publicUrl ?? url);
    else if (!devices.request(req, res) && !compat.request(req, res)) api.handle(req, res);
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A partitioned node takes no devices either: they reconnect through the balancer to another node.
    if (draining || cluster?.health() || !(devices.upgrade(req, socket, head) || compat.upgrade(req, socket, head)))
      socket.destroy();
  });

  return {
    url,
    account,
    accountCreated: created,
    runtime,
    network,
    media: media.adapter,
    store,
    sip,
    health,
    cluster,
    async close() {
      if (draining) return;
      draining = true;
      devices.close();
      compat.close();
      // Live calls and messages on their way get the drain to finish; what is left is ended.
      const live = runtime.calls.list().filter((call) => LIVE.includes(call.status));
      if (live.length > 0) log?.info({ live: live.length }, 'waiting for live calls to finish');
      const limit = new Promise((resolve) => setTimeout(resolve, options.drainMs ?? 10_000).unref());
      await Promise.race([
        Promise.all([...live.map((call) => runtime.calls.ended(call.sid)), runtime.messages.settled()]),
        limit,
      ]);
      await runtime.close();
      await cluster?.close();
      await callbacks.close();
      api.close();
      await media.close();
      await store.close();
      // The port and the lock go last: a new server can start only once this one is gone.
      await unlisten(server);
      lock.release();
    },
  };
}
