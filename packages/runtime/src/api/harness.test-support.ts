/**
 * For this package's REST tests: a runtime on the simulated network, the REST API on a loopback
 * HTTP server, an app server, and the official helper library (unchanged) pointed at the API
 * through the SDK's `patchbayHttpClient`, as apps do.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { patchbayHttpClient } from '@patchbay/sdk';
import twilio from 'twilio';
import { afterEach } from 'vitest';
import type { Timing } from '../adapters/simulated/leg.js';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import type { DeviceBridge, DeviceBridgeOptions } from '../bridge/bridge.js';
import { deviceEndpoints } from '../bridge/endpoints.js';
import type { Clock } from '../clock/clock.js';
import type { ClusterNode } from '../cluster/nodes.js';
import { numberIdentities } from '../devices/ring-number.js';
import type { AccountLimits } from '../limits/account-limits.js';
import type { MessagingAdapter } from '../messaging/types.js';
import { storeQueueRecords } from '../queue/records.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { MemoryStore } from '../store/memory.js';
import type { RecordKind, Store, StoredRecord } from '../store/types.js';
import { type AppServer, type Route, startAppServer } from '../testing/app-server.js';
import type { Egress } from '../webhooks/egress.js';
import type { AccountRecord } from './auth.js';
import { storeDirectory } from './device-directory.js';
import { StoreWrites } from './persist.js';
import { callerIdPolicy, messageRouter, numberRouter, withSimulatedApps } from './routing.js';
import { type ApiOptions, bootstrapAccount, createApi } from './server.js';

export const FAST: Timing = { msPerWord: 5, audioMs: 20, beepMs: 5, digitMs: 5, inputDelayMs: 10 };

export type OfficialClient = ReturnType<typeof twilio>;

export interface ApiHarness {
  readonly base: string;
  readonly store: Store;
  readonly account: AccountRecord;
  readonly network: SimulatedNetwork;
  readonly runtime: Runtime;
  readonly app: AppServer;
  /** The official client with the bootstrap account's credentials. */
  readonly client: OfficialClient;
  /** The official client with other credentials (an API key acts for `accountSid`). */
  clientFor(user: string, secret: string, accountSid?: string): OfficialClient;
  close(): Promise<void>;
}

export interface ApiHarnessOptions {
  readonly routes?: Record<string, Route>;
  readonly messaging?: MessagingAdapter;
  /** Route inbound calls by the numbers in the store. @default true */
  readonly routeByNumber?: boolean;
  readonly setup?: (network: SimulatedNetwork) => void;
  /** Device bridge settings. */
  readonly devices?: Partial<Omit<DeviceBridgeOptions, 'directory' | 'application'>>;
  /** Simulated media timing. @default FAST */
  readonly timing?: Timing;
  /** The runtime's clock (the network keeps real time unless `networkClock`). */
  readonly clock?: Clock;
  /** The simulated network's clock (give the runtime's VirtualClock to run whole calls in virtual time). */
  readonly networkClock?: Clock;
  /** The store. @default a new MemoryStore */
  readonly store?: Store;
  /** Where the runtime may fetch from. @default DEFAULT_EGRESS */
  readonly egress?: Egress;
  /** Per-account limits for accounts without their own. */
  readonly limits?: Partial<AccountLimits>;
  /** The API's request log and error hooks, and its event stream's settings. */
  readonly api?: Pick<ApiOptions, 'onError' | 'onRequest' | 'events' | 'sip' | 'devices' | 'commandPolicy'>;
  /** How long a registered number's devices ring in the app before the number. */
  readonly appRingMs?: number;
  /** How often long Simulator answers write to keep their connection alive. */
  readonly keepAliveMs?: number;
  /** A cluster node (started) this harness is: records stamped with its id, call control over its bus. */
  readonly cluster?: ClusterNode;
}

/** The official client, unchanged, talking to the server at `base`. */
export function officialClient(base: string, user: string, secret: string, accountSid = user): OfficialClient {
  return twilio(user, secret, { accountSid, httpClient: patchbayHttpClient(base) });
}

export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  // PATCHBAY_TEST_CLUSTER=3: the same harness as three nodes behind nginx (cluster/suite.test-support.ts).
  if (!options.cluster && clusterSize() > 1)
    return (await import('../cluster/suite.test-support.js')).startClusterHarness(options);
  const store = options.store ?? new MemoryStore();
  const { account } = await bootstrapAccount(store, { now: Date.now() });
  const network = new SimulatedNetwork({
    timing: options.timing ?? FAST,
    ...(options.networkClock ? { clock: options.networkClock } : {}),
  });
  options.setup?.(network);
  const node = await startHarnessNode(options, { store, account, network, cluster: options.cluster });
  const app = await startAppServer(options.routes ?? {});
  return {
    base: node.base,
    store,
    account,
    network,
    runtime: node.runtime,
    app,
    client: officialClient(node.base, account.sid, account.authToken),
    clientFor: (user, secret, accountSid) => officialClient(node.base, user, secret, accountSid ?? user),
    async close() {
      await node.close();
      await network.close();
      await app.close();
    },
  };
}

/** How many nodes the harness runs (`PATCHBAY_TEST_CLUSTER`); 1 (or unset) is the single server. */
export function clusterSize(): number {
  return Number(process.env.PATCHBAY_TEST_CLUSTER ?? 1) || 1;
}

/** What the nodes of one harness share: the store's data, the account, the phone network. */
export interface HarnessNodeParts {
  readonly store: Store;
  readonly account: AccountRecord;
  /** The node's network (its own view of the shared one in a cluster). */
  readonly network: SimulatedNetwork;
  readonly cluster?: ClusterNode | undefined;
}

export interface HarnessNode {
  readonly runtime: Runtime;
  readonly base: string;
  /** Settles when what the node has written so far is in the store (others read it from there). */
  written(): Promise<void>;
  close(): Promise<void>;
}

/** One server of a harness: a runtime, its REST API and device endpoints on a loopback port. */
export async function startHarnessNode(options: ApiHarnessOptions, parts: HarnessNodeParts): Promise<HarnessNode> {
  const { store, account, network, cluster } = parts;
  const writes = cluster && new StoreWrites(store, undefined, cluster.nodeId);
  const runtime = createRuntime({
    media: network,
    accountSid: account.sid,
    authToken: account.authToken,
    ...(options.routeByNumber === false
      ? {}
      : {
          incoming: withSimulatedApps(numberRouter(store), network),
          onNet: true,
          callerIds: callerIdPolicy(store),
          incomingMessage: messageRouter(store),
        }),
    ...(options.messaging ? { messaging: options.messaging } : {}),
    devices: { ...storeDirectory(store), ...options.devices },
    numberDevices: numberIdentities(store),
    queueRecords: storeQueueRecords(store),
    ...(options.appRingMs === undefined ? {} : { appRingMs: options.appRingMs }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.egress ? { egress: options.egress } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(cluster && writes ? { admit: (admission) => cluster.admit(admission, writes.admit) } : {}),
    ...(cluster ? { bus: cluster.bus, callCap: cluster.callCap } : {}),
  });
  cluster?.attach(runtime);
  const api = createApi({
    runtime,
    store,
    simulator: network,
    ...options.api,
    ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
    ...(cluster && writes ? { writes, bus: cluster.bus, clusterLimiter: cluster.apiLimiter } : {}),
  });
  const devices = deviceEndpoints(runtime.devices as DeviceBridge);
  const server = createServer((req, res) => devices.request(req, res) || api.handle(req, res));
  server.on('upgrade', (req, socket, head) => {
    if (!devices.upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    runtime,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    written: () => (writes ? writes.settled().catch(() => undefined) : Promise.resolve()),
    async close() {
      devices.close();
      await runtime.close();
      api.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A MemoryStore that tells when a record is read, so a test knows a request has got that far. */
export class WatchedStore extends MemoryStore {
  private readonly watchers: Array<{ sid: string; resolve: () => void }> = [];

  override async get<T extends StoredRecord>(kind: RecordKind, accountSid: string, sid: string) {
    const record = await super.get<T>(kind, accountSid, sid);
    this.notify(sid);
    return record;
  }

  override async find<T extends StoredRecord>(kind: RecordKind, sid: string) {
    const record = await super.find<T>(kind, sid);
    this.notify(sid);
    return record;
  }

  private notify(sid: string): void {
    for (const watcher of this.watchers.splice(0)) {
      if (watcher.sid === sid) watcher.resolve();
      else this.watchers.push(watcher);
    }
  }

  /** Resolves the next time `sid` is read. */
  read(sid: string): Promise<void> {
    return new Promise((resolve) => this.watchers.push({ sid, resolve }));
  }
}

/** Starts harnesses that are closed after each test (registers the `afterEach`). */
export function harnessPerTest(): (options?: ApiHarnessOptions) => Promise<ApiHarness> {
  const harnesses: ApiHarness[] = [];
  afterEach(async () => {
    for (const harness of harnesses.splice(0)) await harness.close();
  });
  return async (options) => {
    const harness = await startApiHarness(options);
    harnesses.push(harness);
    return harness;
  };
}

/** The error a request fails with (the helper library's RestException), or a thrown assertion. */
export async function rejected(
  promise: Promise<unknown>,
): Promise<{ status: number; code: number; message: string; moreInfo: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { status: number; code: number; message: string; moreInfo: string };
  }
  throw new Error('expected the request to fail');
}
