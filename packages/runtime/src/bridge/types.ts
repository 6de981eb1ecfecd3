/**
 * The device bridge's contract: its options, what it asks of the runtime, and its events.
 */
import type { DeviceError } from '@patchbay/sdk/protocol';
import type { Clock } from '../clock/clock.js';
import type { Bus } from '../cluster/bus.js';
import type { AccountLimitOverrides, AccountLimits } from '../limits/account-limits.js';
import type { DeviceLeg, MediaAdapter } from '../media/types.js';
import type { InboundApp } from '../runtime-types.js';
import type { DeviceDirectory } from './access-tokens.js';
import type { IceSettings } from './ice-servers.js';
import type { PresenceRecord } from './presence.js';

export interface DeviceBridgeOptions {
  readonly directory: DeviceDirectory;
  /** Where a device's outgoing calls go: the VoiceUrl and settings of an application. */
  readonly application: (accountSid: string, sid: string) => Promise<OutgoingApp | undefined>;
  /** Name of this node, sealed into call tokens. @default the host name */
  readonly node?: string;
  /** Key that seals call tokens (32 bytes; the same on every node of a cluster). @default random */
  readonly callTokenKey?: Uint8Array;
  /** Devices send something at least this often; silence for 2.5 times as long drops the connection. @default 10000 */
  readonly heartbeatMs?: number;
  /** How long a session outlives its connection, waiting for the device to resume. @default 30000 */
  readonly resumeMs?: number;
  /** Clock difference tolerated when checking a token's exp and nbf. @default 60000 */
  readonly skewMs?: number;
  /** Registrations per identity. @default 50 */
  readonly maxPerIdentity?: number;
  /** Sessions on this node, all accounts together (each account also has its own limit). @default 100000 */
  readonly maxSessions?: number;
  /** STUN/TURN servers handed to devices in their welcome (TURN credentials made per device). @default none */
  readonly ice?: IceSettings;
  /**
   * A cluster: devices connected to other nodes are rung (docs/cluster.md, "Devices across
   * nodes"); `node` defaults to the bus's node id, and `callTokenKey` must be the same on every
   * node. @default none: a single node
   */
  readonly cluster?: DeviceClusterOptions;
}

export interface DeviceClusterOptions {
  readonly bus: Bus;
  /** How long a node stays listed for an identity without renewing it (a dead node is listed this long at most). @default 10000 */
  readonly presenceTtlMs?: number;
  /** Reports what failed between nodes (a node gone mid-call, a message refused). */
  readonly onError?: (error: unknown) => void;
}

/** Where a device's outgoing calls go: an application's VoiceUrl and settings. */
export type OutgoingApp = InboundApp;

/** What the bridge asks of the runtime. */
export interface BridgeHost {
  readonly media: MediaAdapter;
  readonly clock: Clock;
  /** Per-account limits for accounts without their own (device sessions). */
  readonly limits: Pick<AccountLimits, 'deviceSessions'>;
  /**
   * Why the account may not have another live call (its concurrency limit), if it may not; else
   * call `sid` holds its unit of the limit (in a cluster) until it ends or `releaseCall`.
   */
  callRefusal(
    account: { readonly sid: string; readonly limits?: AccountLimitOverrides | undefined },
    sid: string,
  ): Promise<string | undefined>;
  /** Gives back the unit of a call admitted by `callRefusal` that never started. */
  releaseCall(sid: string): void;
  /** Starts a call from a device on its application. */
  startCall(call: {
    readonly sid: string;
    readonly leg: DeviceLeg;
    readonly account: {
      readonly sid: string;
      readonly authToken: string;
      readonly limits?: AccountLimitOverrides | undefined;
    };
    readonly from: string;
    readonly to: string;
    readonly app: OutgoingApp;
    readonly extra: Record<string, string>;
  }): void;
}

export interface BridgeEvents {
  /** An identity came online, went offline, or changed its number of registrations. */
  presence: (record: PresenceRecord) => void;
  /** Something a device sent was refused (bad token, replayed call token, malformed message). */
  refused: (event: { readonly session?: string; readonly identity?: string; readonly error: DeviceError }) => void;
}
