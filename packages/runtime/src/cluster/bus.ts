/**
 * The bus: what Patchbay nodes tell each other. One interface, two implementations: the
 * in-process bus (one node, the default, costs nothing) and the Redis bus (several nodes).
 * Everything a node must know about the others goes through here, so the rest of the runtime
 * never names Redis:
 *
 * - broadcast topics (`publish`/`subscribe`): conference and room events, device presence changes;
 * - one node's methods (`serve`/`request`): call control forwarded to the call's owner, with a
 *   timeout and a typed error when the owner is gone;
 * - short-lived shared keys with a TTL (`setKey`, `claimKey`): which node holds which device,
 *   which node holds which conference;
 * - counters shared by the cluster (`take`/`give`, `hit`): per-account caps and rate limits;
 * - membership: this node's id, the live nodes, `node-down` when a node misses its lease, with
 *   exactly one survivor told to take it over (`claimed: true`), and `partitioned`/`rejoined`
 *   when this node loses and regains the others.
 *
 * Bodies are JSON values (they cross a socket on the Redis bus; the in-process bus copies them
 * the same way, so code tested on one behaves the same on the other).
 *
 * @example
 * bus.serve('call.update', async (body) => updateLocally(body));
 * const answer = await bus.request(ownerNode, 'call.update', { sid, params }, { timeoutMs: 5000 });
 */

import type { EventEmitter } from 'eventemitter3';
import type { Clock } from '../clock/clock.js';
import { PatchbayError } from '../errors.js';

/** A node's identity in the cluster: stable across restarts of the same node. */
export type NodeId = string;

/** A live node, as membership knows it. */
export interface NodeInfo {
  readonly id: NodeId;
  /** When it joined (epoch ms, its own clock). */
  readonly startedAt: number;
}

export interface NodeDown {
  readonly node: NodeId;
  /** True on exactly one survivor: the one that must take the dead node's work over. */
  readonly claimed: boolean;
}

export interface BusEvents {
  /** A node missed its lease (or left). Every survivor hears it; one has `claimed`. */
  'node-down': (event: NodeDown) => void;
  /** A node joined (or came back). */
  'node-up': (node: NodeId) => void;
  /** This node lost the others for longer than its lease: it must stop taking work. */
  partitioned: () => void;
  /** This node reaches the others again and is a member once more. */
  rejoined: () => void;
}

export type Unsubscribe = () => void;

export interface RequestOptions {
  /** How long the node has to answer. @default 5000 */
  readonly timeoutMs?: number;
}

export interface Bus extends Pick<EventEmitter<BusEvents>, 'on' | 'off' | 'once'> {
  /** This node's id. */
  readonly nodeId: NodeId;
  readonly kind: 'in-process' | 'redis';
  /** False while this node is partitioned from the others (it must not take new work). */
  readonly connected: boolean;
  /**
   * The clock the bus's TTLs and leases run on (real time for Redis): what renews a key or a
   * member set runs on it, not on a runtime's clock, which a test may hold or run ahead.
   */
  readonly clock: Clock;

  /** Joins the cluster (connects, starts heartbeats). Rejects with `bus-unreachable` (91303). */
  start(): Promise<void>;
  /**
   * Leaves the cluster and frees what it holds. `{ leave: false }` stops without telling anyone,
   * as a killed process would: the others declare the node down when its lease runs out.
   */
  close(options?: { leave?: boolean }): Promise<void>;

  /** Sends `body` to every node subscribed to `topic` (this one included). */
  publish(topic: string, body: unknown): Promise<void>;
  /** Hears `topic`; resolves once subscribed, with what stops it. */
  subscribe(topic: string, handler: (body: unknown, from: NodeId) => void): Promise<Unsubscribe>;

  /** Answers `method` for requests sent to this node. One handler per method. */
  serve(method: string, handler: (body: unknown, from: NodeId) => unknown): Unsubscribe;
  /**
   * Asks one node. Rejects with `bus-node-gone` (91301) when the node is not there (no live
   * node with that id, or it left), `bus-timeout` (91302) when it does not answer in time,
   * `bus-remote-failure` (91304) when its handler threw, `partitioned` (91300) when this node is.
   */
  request<T = unknown>(node: NodeId, method: string, body: unknown, options?: RequestOptions): Promise<T>;

  /** Sets a shared key that lives `ttlMs`. */
  setKey(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets the key only if nobody holds it; true when this call set it. */
  claimKey(key: string, value: string, ttlMs: number): Promise<boolean>;
  getKey(key: string): Promise<string | undefined>;
  /** Deletes the key (only when it still holds `ifValue`, when given); true when it did. */
  deleteKey(key: string, ifValue?: string): Promise<boolean>;
  /**
   * Gives the key another `ttlMs` only while it holds `value` (a holder renewing its claim);
   * false when it does not (it expired, or another node holds it now): the claim is lost.
   */
  renewKey(key: string, value: string, ttlMs: number): Promise<boolean>;

  /**
   * Takes one unit of a cluster-wide counter if fewer than `limit` are taken; true when taken.
   * Units are held per node: when a node goes down, the survivor frees its units.
   */
  take(counter: string, limit: number): Promise<boolean>;
  /** Gives back one unit this node took. */
  give(counter: string): Promise<void>;
  /** Units taken across the cluster. */
  count(counter: string): Promise<number>;
  /** Counts one hit in the current `windowMs` window (cluster-wide); resolves with the window's count. */
  hit(counter: string, windowMs: number): Promise<number>;

  /** The live nodes, this one included. */
  nodes(): Promise<readonly NodeInfo[]>;

  /**
   * Adds `member` to a shared set for `ttlMs` (adding it again renews it): each member expires
   * on its own, so what a dead node added leaves the set within its TTL (device presence).
   */
  addMember(set: string, member: string, ttlMs: number): Promise<void>;
  /** Removes `member` from the set; true when it was there. */
  removeMember(set: string, member: string): Promise<boolean>;
  /** The set's members whose TTL has not run out, sorted. */
  members(set: string): Promise<string[]>;
}

/** Options every bus takes. */
export interface BusOptions {
  /** This node's id. */
  readonly nodeId: NodeId;
  /** How long a node stays a member without a heartbeat. @default 10000 */
  readonly leaseMs?: number;
  /** How often a node renews its lease and looks for dead ones. @default leaseMs / 3 */
  readonly heartbeatMs?: number;
}

export const DEFAULT_LEASE_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/** The largest body the bus carries (a call update, a presence entry): bounded, never a recording. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Encodes a body for the wire (both buses, so they behave alike); refuses an oversized one. */
export function encodeBody(body: unknown, where: string): string {
  const text = JSON.stringify(body ?? null);
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw new PatchbayError('bus-message-too-large', `${where}: body is over ${MAX_BODY_BYTES} bytes`);
  return text;
}

/** Checks a key or topic name: non-empty, bounded, printable (they become Redis keys). */
export function checkName(name: string, what: string): string {
  if (!/^[\x21-\x7e]{1,200}$/.test(name))
    throw new PatchbayError(
      'invalid-parameter',
      `bus ${what} ${JSON.stringify(name)} is not 1-200 printable characters`,
    );
  return name;
}

/** Checks a TTL or window: a positive whole number of milliseconds. */
export function checkMs(ms: number, what: string): number {
  if (!Number.isInteger(ms) || ms <= 0)
    throw new PatchbayError('invalid-parameter', `bus ${what} must be a positive whole number of ms, got ${ms}`);
  return ms;
}

/** What a remote handler's failure looks like on the wire. */
export interface RemoteFailure {
  readonly code: string;
  readonly message: string;
}

export function remoteFailure(node: NodeId, method: string, failure: RemoteFailure): PatchbayError {
  return new PatchbayError('bus-remote-failure', `node ${node} failed ${method}: ${failure.message} (${failure.code})`);
}

export function nodeGone(node: NodeId, method: string): PatchbayError {
  return new PatchbayError('bus-node-gone', `node ${node} is not in the cluster (${method})`);
}

export function busTimeout(node: NodeId, method: string, timeoutMs: number): PatchbayError {
  return new PatchbayError('bus-timeout', `node ${node} did not answer ${method} within ${timeoutMs} ms`);
}

export function partitionedError(node: NodeId, what: string): PatchbayError {
  return new PatchbayError('partitioned', `node ${node} has lost the cluster: ${what} refused`);
}
