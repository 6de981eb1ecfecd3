/**
 * `patchbay serve` as a function: the SQLite store in the data directory, the bootstrap account,
 * the runtime on the simulated network with numbers routed from the store, and the REST API on
 * one HTTP server. Calls a crash left live are closed on start; `close()` lets live calls finish
 * within a bound, then ends the rest.
 *
 * @example
 * const server = await startServer({ port: 3000, data: './.patchbay' });
 * console.log(server.url, server.account.sid);
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { REALISTIC_TIMING, type Timing } from '../adapters/simulated/leg.js';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import type { AccountRecord } from '../api/auth.js';
import { storeDirectory } from '../api/device-directory.js';
import type { StoredConference } from '../api/persist.js';
import { messageRouter, numberRouter } from '../api/routing.js';
import { bootstrapAccount, createApi } from '../api/server.js';
import type { DeviceBridge, DeviceBridgeOptions } from '../bridge/bridge.js';
import { deviceEndpoints } from '../bridge/endpoints.js';
import type { CallRecord, CallStatus } from '../calls/call.js';
import { systemClock } from '../clock/clock.js';
import type { AccountLimits } from '../limits/account-limits.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { SqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { rfc2822 } from '../webhooks/callbacks.js';
import { DurableCallbacks } from '../webhooks/durable-callbacks.js';
import { createEgress, type EgressPolicy } from '../webhooks/egress.js';

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
}

export interface RunningServer {
  readonly url: string;
  readonly account: AccountRecord;
  /** Whether the bootstrap account was created by this start (its token is shown only then). */
  readonly accountCreated: boolean;
  readonly runtime: Runtime;
  readonly network: SimulatedNetwork;
  readonly store: Store;
  close(): Promise<void>;
}

const LIVE: readonly CallStatus[] = ['queued', 'ringing', 'in-progress'];

/**
 * The `completed` status callback of a call a crash ended, if the app asked for it. Its
 * SequenceNumber is the next free one: the stored record says which comes next as of its last
 * write, and the outbox (keyed `CallSid:SequenceNumber`) refuses one already used.
 */
async function finalCallback(store: Store, call: CallRecord, now: number): Promise<void> {
  const settings = call.statusCallback;
  if (!settings?.events.includes('completed')) return;
  for (let sequence = settings.nextSequence; sequence < settings.nextSequence + 8; sequence++) {
    const params = {
      CallSid: call.sid,
      AccountSid: call.accountSid,
      From: call.from,
      To: call.to,
      Caller: call.from,
      Called: call.to,
      CallStatus: call.status,
      ApiVersion: '2010-04-01',
      Direction: call.direction,
      ...(call.parentCallSid ? { ParentCallSid: call.parentCallSid } : {}),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(sequence),
      Timestamp: rfc2822(now),
      CallDuration: String(call.duration ?? 0),
      Duration: String(Math.ceil((call.duration ?? 0) / 60)),
    };
    const key = `${call.sid}:${sequence}`;
    const added = await store.outbox.add({
      key,
      accountSid: call.accountSid,
      url: settings.url,
      method: settings.method,
      params,
      nextAttemptAt: now,
    });
    if (added !== undefined) return;
  }
}

/**
 * Calls and conferences still live in the store belonged to a process that is gone: close them,
 * and queue the final status callback of each call whose app asked for one.
 */
export async function recoverCalls(store: Store, now: number): Promise<number> {
  let recovered = 0;
  for (const status of LIVE) {
    for (;;) {
      const call = await store.findOne<CallRecord>('call', { status });
      if (!call) break;
      const ended: CallRecord = {
        ...call,
        status: status === 'in-progress' ? 'completed' : 'failed',
        updatedAt: now,
        endedAt: now,
        duration: call.startedAt === undefined ? 0 : Math.round((now - call.startedAt) / 1000),
        errors: [...call.errors, { code: 20500, message: 'the server stopped during the call', at: now }],
      };
      await store.put('call', ended);
      await finalCallback(store, ended, now);
      recovered++;
    }
  }
  for (const status of ['init', 'in-progress'] as const) {
    for (;;) {
      const room = await store.findOne<StoredConference>('conference', { status });
      if (!room) break;
      await store.put('conference', { ...room, status: 'completed', endedAt: now, updatedAt: now });
      recovered++;
    }
  }
  return recovered;
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.logger;
  const store = await SqliteStore.open(options.data ?? './.patchbay');
  const recovered = await recoverCalls(store, Date.now());
  if (recovered > 0) log?.warn({ recovered }, 'closed calls left live by a previous run');
  const { account, created } = await bootstrapAccount(store, {
    sid: options.accountSid,
    authToken: options.authToken,
    now: Date.now(),
  });

  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const network = new SimulatedNetwork({ timing: options.timing ?? REALISTIC_TIMING });
  const egress = createEgress({ policy: options.egress ?? 'allow-private' });
  // Callbacks go through the store's outbox: what is not delivered survives a restart.
  const callbacks = new DurableCallbacks(
    store,
    systemClock,
    async (sid) => (await store.find<AccountRecord>('account', sid))?.authToken,
    { egress },
  );
  callbacks.start();
  const runtime = createRuntime({
    media: network,
    accountSid: account.sid,
    authToken: account.authToken,
    incoming: numberRouter(store),
    incomingMessage: messageRouter(store),
    publicUrl: options.publicUrl ?? url,
    callbackQueue: callbacks,
    devices: { ...storeDirectory(store), ...options.devices },
    egress,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const devices = deviceEndpoints(runtime.devices as DeviceBridge);
  runtime.events.on('call.status', (call, previous) =>
    log?.info({ call: call.sid, direction: call.direction, from: previous, to: call.status }, 'call status'),
  );
  runtime.events.on('call.error', (call, error) =>
    log?.error({ call: call.sid, code: error.code, url: error.url }, error.message),
  );
  runtime.events.on('call.warning', (call, warning) =>
    log?.warn({ call: call.sid, code: warning.code, url: warning.url }, warning.message),
  );
  runtime.events.on('incoming.rejected', (event) =>
    log?.info(event, `inbound ${event.kind} rejected: no app for the number`),
  );
  runtime.events.on('message.error', (message, error) =>
    log?.warn({ message: message.sid, code: error.code, url: error.url }, error.message),
  );
  callbacks.events.on('idle', () => log?.debug('outbox empty: every status callback delivered'));
  runtime.callbacks.events.on('failed', (callback, error) =>
    log?.warn({ url: callback.url, code: error.numericCode }, 'callback given up'),
  );
  const api = createApi({
    runtime,
    store,
    simulator: network,
    publicUrl: options.publicUrl ?? url,
    onRequest: (entry) => log?.info(entry, 'request'),
    onError: (error) => log?.error({ err: error }, 'request failed'),
  });
  server.on('request', (req, res) => devices.request(req, res) || api.handle(req, res));
  server.on('upgrade', (req, socket, head) => {
    if (!devices.upgrade(req, socket, head)) socket.destroy();
  });
  runtime.devices?.events.on('refused', (event) =>
    log?.warn({ ...event, code: event.error.code }, event.error.message),
  );
  runtime.devices?.events.on('presence', (record) =>
    log?.info({ identity: record.identity, status: record.status, registrations: record.registrations }, 'presence'),
  );

  return {
    url,
    account,
    accountCreated: created,
    runtime,
    network,
    store,
    async close() {
      server.close();
      devices.close();
      const live = runtime.calls.list().filter((call) => LIVE.includes(call.status));
      if (live.length > 0) {
        log?.info({ live: live.length }, 'waiting for live calls to finish');
        const limit = new Promise((resolve) => setTimeout(resolve, options.drainMs ?? 10_000).unref());
        await Promise.race([Promise.all(live.map((call) => runtime.calls.ended(call.sid))), limit]);
      }
      await runtime.close();
      await callbacks.close();
      api.close();
      server.closeAllConnections();
      await network.close();
      await store.close();
    },
  };
}
