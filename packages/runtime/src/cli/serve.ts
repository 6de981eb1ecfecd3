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
import type { Logger } from 'pino';
import type { Timing } from '../adapters/simulated/leg.js';
import type { SimulatedNetwork } from '../adapters/simulated/network.js';
import type { AccountRecord } from '../api/auth.js';
import { storeDirectory } from '../api/device-directory.js';
import { type HealthReport, healthEndpoint } from '../api/health.js';
import { RestError, sendError } from '../api/http.js';
import { StoreWrites } from '../api/persist.js';
import { callerIdPolicy, messageRouter, numberRouter, withSimulatedApps } from '../api/routing.js';
import { bootstrapAccount, createApi, RETRY_AFTER_S } from '../api/server.js';
import type { DeviceBridge, DeviceBridgeOptions } from '../bridge/bridge.js';
import { compatEndpoints } from '../bridge/compat/endpoint.js';
import { type CompatMedia, simulatedCompatMedia } from '../bridge/compat/media.js';
import { deviceEndpoints } from '../bridge/endpoints.js';
import { type Clock, systemClock } from '../clock/clock.js';
import { sharedCallTokenKey } from '../cluster/devices-key.js';
import type { ClusterNode } from '../cluster/nodes.js';
import { numberIdentities, type RegistrationSettings, smtpMailer } from '../devices/index.js';
import type { AccountLimits } from '../limits/account-limits.js';
import type { MediaAdapter } from '../media/types.js';
import { storeQueueRecords } from '../queue/records.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { type SipDirectory, storeSipDirectory } from '../sip/directory.js';
import { sipCallRouter } from '../sip/inbound.js';
import type { MediaOptions } from '../sip/media-options.js';
import { storeSipRegistrations } from '../sip/registrations.js';
import { StartupError } from '../startup-error.js';
import { type MonitoredStore, monitored, storeWriteError } from '../store/health.js';
import { DurableCallbacks } from '../webhooks/durable-callbacks.js';
import { createEgress, type EgressPolicy } from '../webhooks/egress.js';
import { listen, unlisten } from './listen.js';
import { LIVE, recoverOwn } from './recover.js';
import { logServerEvents } from './serve-logs.js';
import { type ServerMedia, type SipMediaModule, startMedia } from './serve-media.js';
import { prepareStore } from './serve-store.js';
import { loadTls, type TlsFiles } from './tls.js';

export interface ServeOptions {
  /** @default 3000 (0 picks a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Data directory for the SQLite store and recordings. @default './.patchbay' */
  readonly data?: string;
  /** Base URL apps reach this server at. @default http://<host>:<port> */
  readonly publicUrl?: string;
  /** The bootstrap account, when given (else created once and kept in the store). */
  readonly accountSid?: string | undefined;
  readonly authToken?: string | undefined;
  /** Simulated media timing. @default REALISTIC_TIMING */
  readonly timing?: Timing;
  /** How long `close()` lets live calls finish. @default 10000 */
  readonly drainMs?: number;
  readonly logger?: Logger;
  /** Device bridge settings (heartbeat, resume window, call token key). */
  readonly devices?: Partial<Omit<DeviceBridgeOptions, 'directory' | 'application'>>;
  /** Whether documents and callbacks may come from loopback and private addresses. @default 'allow-private' */
  readonly egress?: EgressPolicy;
  /** Per-account limits, for accounts whose parent set none. @default DEFAULT_ACCOUNT_LIMITS */
  readonly limits?: Partial<AccountLimits>;
  /**
   * A cap on the database file, in bytes: writes past it fail as on a full disk (503, degraded).
   * @default none (the disk's free space)
   */
  readonly maxDatabaseBytes?: number;
  /** How often a degraded store tries a probe write. @default 1000 */
  readonly probeEveryMs?: number;
  /** Parties of ended calls the simulated network keeps for `party()`. @default 10 */
  readonly keepParties?: number;
  /** The media: the simulated network, or real SIP and RTP (not available in this build yet). @default { kind: 'simulated' } */
  readonly media?: MediaOptions;
  /** @patchbay/media, when the caller has it loaded (else `--media sip` imports it). */
  readonly sipMedia?: SipMediaModule;
  /** The suffix SIP domain names end in. @default 'sip.patchbay.local' */
  readonly sipDomainSuffix?: string;
  /** Serve HTTPS and WSS (the hosted browser SDK's `/signal` needs it) with this certificate and key. @default plain HTTP */
  readonly tls?: TlsFiles;
  /** SDP for the hosted browser SDK's calls (compat mode). @default simulatedCompatMedia() (no media flows) */
  readonly compatMedia?: CompatMedia;
  /** The runtime's and the simulated network's time (ringing, timeouts, schedules, callbacks). @default systemClock */
  readonly clock?: Clock;
  /** Devices bound to a number or email: SMTP for verification links, the VAPID subject, the app's ring time. */
  readonly registration?: RegistrationSettings;
  /** A postgres:// URL: the store several nodes share, instead of SQLite in `data` (serve-store.ts). */
  readonly store?: string | undefined;
  /** With `store`: the 32-byte key that seals SIP passwords, the same on every node. */
  readonly secretKey?: Uint8Array | undefined;
  /** With `store`: how long a node's claim on a callback lasts. @default 60000 */
  readonly callbackLeaseMs?: number | undefined;
  /** Join a cluster on this bus (`redis://host:port`, docs/cluster.md). @default none: a single node */
  readonly bus?: string;
  /** This node's id in the cluster. @default derived from the host name and the port */
  readonly nodeId?: string;
  /** How long a node stays a cluster member without a heartbeat. @default 10000 */
  readonly busLeaseMs?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly account: AccountRecord;
  /** Whether the bootstrap account was created by this start (its token is shown only then). */
  readonly accountCreated: boolean;
  readonly runtime: Runtime;
  /** The simulated network, when the server runs on it (not with `--media sip`). */
  readonly network: SimulatedNetwork | undefined;
  /** The media the calls run on. */
  readonly media: MediaAdapter;
  readonly store: MonitoredStore;
  /** What the media side asks about SIP domains, credentials, IP lists and trunks. */
  readonly sip: SipDirectory;
  /** What `GET /health` answers. */
  health(): HealthReport;
  /** The node's part in a cluster (with `bus`). */
  readonly cluster: ClusterNode | undefined;
  close(): Promise<void>;
}

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
    { egress, leaseMs: place.callbackLeaseMs, ...(cluster ? { owner: cluster.nodeId } : {}) },
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
