/**
 * What `patchbay serve` as a function (startServer in serve.ts) takes and gives back: its options
 * (where the state lives, the media, the account, devices, limits, TLS and the cluster, each with
 * its unit and default) and the running server.
 *
 * @example
 * const options: ServeOptions = { port: 0, data: './.patchbay', drainMs: 5_000 };
 * const server: RunningServer = await startServer(options);
 */
import type { Logger } from 'pino';
import type { Timing } from '../adapters/simulated/leg.js';
import type { SimulatedNetwork } from '../adapters/simulated/network.js';
import type { AccountRecord } from '../api/auth.js';
import type { HealthReport } from '../api/health.js';
import type { DeviceBridgeOptions } from '../bridge/bridge.js';
import type { CompatMedia } from '../bridge/compat/media.js';
import type { Clock } from '../clock/clock.js';
import type { ClusterNode } from '../cluster/nodes.js';
import type { RegistrationSettings } from '../devices/index.js';
import type { AccountLimits } from '../limits/account-limits.js';
import type { MediaAdapter } from '../media/types.js';
import type { Runtime } from '../runtime.js';
import type { SipDirectory } from '../sip/directory.js';
import type { MediaOptions } from '../sip/media-options.js';
import type { MonitoredStore } from '../store/health.js';
import type { EgressPolicy } from '../webhooks/egress.js';
import type { SipMediaModule } from './serve-media.js';
import type { TlsFiles } from './tls.js';

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
