/**
 * A Patchbay node's part in a cluster: it joins the bus, stamps what it runs with its id (the
 * StoreWrites made with `nodeId`), and
 *
 * - takes a dead node over when the bus names it the claimer: the dead node's live calls,
 *   conferences and messages are closed in the shared store with their final status callbacks
 *   (the same recovery a single node runs on its own records at start, cli/recover.ts);
 * - answers call control forwarded by other nodes for the calls it runs (call-control.ts);
 * - stops taking work while partitioned from the bus: new calls and messages are refused
 *   (`partitioned`, 91300), `/health` answers 503, its live calls end at once (the survivors are
 *   about to close them in the store), its callbacks stop (`pause`), and it takes work again
 *   when it rejoins, if nothing of its was taken over meanwhile; if it was (or another process
 *   has started under its id since), it takes no work and `lost` settles with `node-taken-over`
 *   (91307) or `node-id-taken` (91306): the process stops (node-id.ts `Incarnation`).
 *
 * @example
 * const node = new ClusterNode({ bus, store, runtime, log });
 * await node.start();
 * createRuntime({ ..., admit: (admission) => node.admit(admission, writes.admit) });
 */
import { LIVE, recoverOwn } from '../cli/recover.js';
import type { Clock } from '../clock/clock.js';
import { PatchbayError } from '../errors.js';
import type { Admission, Runtime } from '../runtime-types.js';
import type { Store } from '../store/types.js';
import { type Bus, DEFAULT_LEASE_MS, type NodeDown, type NodeId, partitionedError } from './bus.js';
import { serveCallControl } from './call-control.js';
import { Incarnation, nodeTakenOver } from './node-id.js';
import { ClusterApiLimiter, ClusterCallCap } from './nodes-limits.js';

/** Where the default node id comes from: the host's name and the port, stable across restarts. */
export function defaultNodeId(hostname: string, port: number, pid: number = process.pid): NodeId {
  const host = hostname.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 120) || 'host';
  // Port 0 (a free one picked at start) is not stable: the process id is as good, and unique.
  return port === 0 ? `${host}-pid${pid}` : `${host}-${port}`;
}

export interface ClusterLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ClusterNodeParts {
  readonly bus: Bus;
  readonly store: Store;
  readonly clock: Clock;
  readonly log?: ClusterLog | undefined;
  /** The bus's lease: how often this node checks that its id is still its own. @default 10000 */
  readonly leaseMs?: number | undefined;
}

/** What the node's callbacks offer it: delivered again, stopped while cut off, resumed. */
export interface NodeCallbacks {
  wake(): void;
  pause?(): void;
  resume?(): void;
}

export type ClusterHealth = {
  readonly status: 'partitioned';
  readonly code: 'partitioned';
  readonly reason: string;
  readonly since: number;
};

export class ClusterNode {
  private runtime: Runtime | undefined;
  private callbacks: NodeCallbacks | undefined;
  /** A takeover finished before the callbacks were attached: wake them once they are. */
  private wakeWhenAttached = false;
  private partitionedSince: number | undefined;
  /** Taking no work: cut off, or back and not yet sure its id is still its own, or lost. */
  private out = false;
  private lostError: PatchbayError | undefined;
  private readonly incarnation: Incarnation;
  /**
   * Settles when this node must stop: taken over while it was cut off (`node-taken-over`), or
   * its id taken by another process (`node-id-taken`). Never rejects.
   */
  readonly lost: Promise<PatchbayError>;
  private resolveLost!: (error: PatchbayError) => void;
  private readonly stops: Array<() => void> = [];
  /** The cluster-wide cap on live calls (the runtime's `callCap`: inbound calls reserve their unit). */
  readonly callCap: ClusterCallCap;
  /** The cluster-wide REST limits (the API takes a slot per request). */
  readonly apiLimiter: ClusterApiLimiter;
  /** Takeovers in progress (awaited by close, and by tests). */
  private readonly takeovers = new Set<Promise<void>>();

  constructor(private readonly parts: ClusterNodeParts) {
    this.callCap = new ClusterCallCap(parts.bus, parts.store);
    this.apiLimiter = new ClusterApiLimiter(parts.bus, parts.clock);
    this.incarnation = new Incarnation(parts.bus);
    this.lost = new Promise((resolve) => {
      this.resolveLost = resolve;
    });
  }

  get nodeId(): NodeId {
    return this.parts.bus.nodeId;
  }

  get bus(): Bus {
    return this.parts.bus;
  }

  /** Joins the bus; rejects with `bus-unreachable` (91303). */
  async start(): Promise<void> {
    const { bus } = this.parts;
    const onDown = (down: NodeDown) => this.nodeDown(down);
    const onPartitioned = () => this.partitioned();
    const onRejoined = () => void this.rejoined();
    bus.on('node-down', onDown);
    bus.on('partitioned', onPartitioned);
    bus.on('rejoined', onRejoined);
    this.stops.push(() => {
      bus.off('node-down', onDown);
      bus.off('partitioned', onPartitioned);
      bus.off('rejoined', onRejoined);
    });
    await bus.start();
    await this.incarnation.claim();
    this.checkEvery(this.parts.leaseMs ?? DEFAULT_LEASE_MS);
  }

  /**
   * The runtime this node runs calls with (call control from other nodes reaches it), and the
   * durable callbacks that deliver what a takeover queues in the outbox.
   */
  attach(runtime: Runtime, callbacks?: NodeCallbacks): void {
    this.runtime = runtime;
    this.callbacks = callbacks;
    if (this.wakeWhenAttached) callbacks?.wake();
    this.stops.push(serveCallControl(this.parts.bus, runtime));
    this.callCap.attach(runtime);
    this.stops.push(() => this.callCap.close());
  }

  /**
   * The runtime's admission hook: refuses new work while partitioned, and a call past its
   * account's cap across the cluster (10004); then `next` (the store's admission).
   */
  async admit(admission: Admission, next: (admission: Admission) => Promise<void>): Promise<void> {
    if (this.lostError) throw this.lostError;
    if (!this.parts.bus.connected || this.out)
      throw partitionedError(this.nodeId, `new ${admission.kind} ${admission.record.sid}`);
    if (admission.kind === 'call') await this.callCap.admit(admission.record);
    await next(admission);
  }

  /** `/health` while partitioned (else undefined: the store's health says). */
  health(): ClusterHealth | undefined {
    if (this.parts.bus.connected && !this.out) return undefined;
    return {
      status: 'partitioned',
      code: 'partitioned',
      reason: this.lostError?.message ?? `node ${this.nodeId} has lost the cluster's bus`,
      since: this.partitionedSince ?? this.parts.clock.now(),
    };
  }

  /** Settles when the takeovers started so far are done. */
  async settled(): Promise<void> {
    await Promise.all([...this.takeovers]);
  }

  async close(options: { leave?: boolean } = {}): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    await this.settled();
    // An id another process holds now is not ours to free.
    await this.parts.bus.close(this.lostError?.code === 'node-id-taken' ? { leave: false } : options);
  }

  /** Back from a cut: takes work again only if its id is still its own and nothing was taken over. */
  private async rejoined(): Promise<void> {
    await this.verify();
    if (this.lostError || !this.parts.bus.connected) return;
    this.parts.log?.info({ node: this.nodeId }, 'rejoined the cluster: taking work again');
    this.partitionedSince = undefined;
    this.out = false;
    this.callbacks?.resume?.();
  }

  /** Checks the incarnation every `everyMs`: a takeover that raced the rejoin is found within one. */
  private checkEvery(everyMs: number): void {
    let cancel: (() => void) | undefined;
    const next = () => {
      cancel = this.parts.clock.setTimer(() => void this.verify().finally(next), everyMs);
    };
    next();
    this.stops.push(() => cancel?.());
  }

  private async verify(): Promise<void> {
    if (this.lostError || !this.parts.bus.connected) return;
    let standing: Awaited<ReturnType<Incarnation['check']>>;
    try {
      standing = await this.incarnation.check();
    } catch {
      return; // the bus is unreachable again: its own partition handling applies
    }
    if (standing === 'held') return;
    this.lose(
      standing === 'taken-over'
        ? nodeTakenOver(this.nodeId)
        : new PatchbayError(
            'node-id-taken',
            `Node id ${JSON.stringify(this.nodeId)} was taken by another process while this node was cut off from the cluster: this one stops`,
          ),
    );
  }

  /** This process may no longer run under its id: no work, no callbacks, its calls ended; it stops. */
  private lose(error: PatchbayError): void {
    this.lostError = error;
    this.out = true;
    this.callbacks?.pause?.();
    this.endLiveCalls();
    this.parts.log?.error({ node: this.nodeId, code: error.code, numericCode: error.numericCode }, error.message);
    this.resolveLost(error);
  }

  private nodeDown({ node, claimed }: NodeDown): void {
    if (!claimed) {
      this.parts.log?.info({ node }, 'a node left the cluster');
      return;
    }
    // First the dead node's incarnation: should it come back, it stops instead of going on.
    const revoked = Incarnation.revoke(this.parts.bus, node).catch(() => undefined);
    const takeover = revoked
      .then(() => recoverOwn(this.parts.store, this.parts.clock.now(), node))
      .then(
        ({ calls, messages, callbacks }) => {
          this.parts.log?.warn(
            { node, calls, messages, callbacks },
            'took over a dead node: closed its calls and messages, released its claimed callbacks',
          );
          if (this.callbacks) this.callbacks.wake();
          else this.wakeWhenAttached = true;
        },
        (error: unknown) => this.parts.log?.error({ node, err: error }, 'could not take over a dead node'),
      );
    this.takeovers.add(takeover);
    void takeover.finally(() => this.takeovers.delete(takeover));
  }

  private partitioned(): void {
    this.partitionedSince = this.parts.clock.now();
    this.out = true;
    this.callbacks?.pause?.();
    const live = this.endLiveCalls();
    this.parts.log?.error(
      { node: this.nodeId, calls: live },
      'lost the cluster: refusing new work, sending no callbacks and ending this node’s calls',
    );
  }

  /** Ends this node's live calls (the survivors are about to, or did, close them in the store). */
  private endLiveCalls(): number {
    const live = (this.runtime?.calls.list() ?? []).filter((call) => LIVE.includes(call.status));
    for (const call of live) void this.runtime?.calls.update(call.sid, { status: 'completed' }).catch(() => undefined);
    return live.length;
  }
}
