/**
 * The Redis bus: several nodes on one Redis (ioredis). Two connections: one subscribed (topics,
 * this node's inbox, membership news), one for commands; Lua where two nodes must not both win
 * (redis-scripts.ts). A node renews its lease every `heartbeatMs`; the heartbeat that finds a
 * lease run out removes that node and announces it, so exactly one survivor claims it.
 *
 * A node whose heartbeats fail for longer than its lease (less one beat, so it stops before the
 * others take over) is partitioned: `connected` turns false, `partitioned` is emitted, requests
 * and counters are refused; when a heartbeat succeeds again it rejoins (`rejoined`).
 *
 * @example
 * const bus = new RedisBus({ url: 'redis://127.0.0.1:6379', nodeId: 'node-1' });
 * await bus.start(); // rejects with bus-unreachable (91303) when Redis cannot be reached
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PatchbayError } from '../errors.js';
import {
  type Bus,
  busTimeout,
  checkName,
  DEFAULT_REQUEST_TIMEOUT_MS,
  encodeBody,
  type NodeId,
  type NodeInfo,
  nodeGone,
  partitionedError,
  type RemoteFailure,
  type RequestOptions,
  remoteFailure,
  type Unsubscribe,
} from './bus.js';
import { BusHandlers, failureOf, type MethodHandler, type TopicHandler } from './bus-handlers.js';
import { claimNodeId, type Holder } from './node-id.js';
import { HEARTBEAT, LEAVE } from './redis-scripts.js';
import { type RedisBusOptions, RedisShared } from './redis-shared.js';

export type { RedisBusOptions } from './redis-shared.js';

type Envelope =
  | { readonly t: 'topic'; readonly from: NodeId; readonly body: unknown }
  | { readonly t: 'ask'; readonly id: string; readonly from: NodeId; readonly method: string; readonly body: unknown }
  | { readonly t: 'reply'; readonly id: string; readonly body?: unknown; readonly failure?: RemoteFailure };

interface Pending {
  readonly resolve: (body: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly cancel: () => void;
}

export class RedisBus extends RedisShared implements Bus {
  private readonly subscriber: Redis;
  private readonly handlers = new BusHandlers();
  private readonly pending = new Map<string, Pending>();
  /** What the subscriber listens on: this node's inbox, membership news, the topics heard here. */
  private readonly channels = new Set<string>();
  private readonly info: string;
  private stopTimer: (() => void) | undefined;
  private lastBeat = 0;
  private closed = false;

  constructor(private readonly options: RedisBusOptions) {
    super(options);
    this.info = JSON.stringify({ id: this.nodeId, startedAt: this.clock.now() } satisfies NodeInfo);
    // Not ioredis's own resubscription after a reconnect: nothing handles its SUBSCRIBE, so a
    // close (or a failure) before Redis answers it is an unhandled rejection. The bus's own is.
    this.subscriber = this.connection(options.url, undefined, { autoResubscribe: false });
    this.subscriber.on('message', (channel: string, text: string) => this.onMessage(channel, text));
    this.subscriber.on('ready', () => this.resubscribe());
  }

  get connected(): boolean {
    return this.isConnected;
  }

  async start(): Promise<void> {
    try {
      await Promise.all([this.commands.connect(), this.subscriber.connect()]);
      const own = [this.channel('n', this.nodeId), this.channel('down'), this.channel('up')];
      for (const channel of own) this.channels.add(channel);
      await this.subscriber.subscribe(...own);
      const { nodeId, clock, leaseMs, heartbeatMs } = this;
      await claimNodeId({ nodeId, clock, leaseMs, heartbeatMs }, () => this.heartbeat(true));
    } catch (error) {
      this.closed = true;
      this.commands.disconnect();
      this.subscriber.disconnect();
      if (error instanceof PatchbayError && error.code === 'node-id-taken') throw error;
      throw new PatchbayError(
        'bus-unreachable',
        `cannot reach the bus at ${redact(this.options.url)}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    this.isConnected = true;
    await this.commands.publish(this.channel('up'), this.nodeId);
    this.schedule();
  }

  /** Back on Redis (the subscriber reconnected): listens on its channels again. */
  private resubscribe(): void {
    if (this.closed || this.channels.size === 0) return;
    this.subscriber.subscribe(...this.channels).catch(() => {
      // Cut again, or closed, before Redis answered: the next `ready` subscribes again. Refused on
      // a connection still up: reconnect, so that it is tried again instead of going deaf.
      if (!this.closed && this.subscriber.status === 'ready') this.subscriber.disconnect(true);
    });
  }

  private schedule(): void {
    this.stopTimer = this.clock.setTimer(() => {
      if (this.closed) return;
      this.heartbeat()
        .catch(() => {
          // A failed beat: once the lease (less a beat) has gone by without one, stop taking work.
          if (this.isConnected && this.clock.now() - this.lastBeat > this.leaseMs - this.heartbeatMs) {
            this.isConnected = false;
            this.emit('partitioned');
          }
        })
        .finally(() => {
          if (!this.closed) this.schedule();
        });
    }, this.heartbeatMs);
  }

  /** Renews the lease (joining: unless a node holds this id; then that node, and nothing changed). */
  private async heartbeat(joining = false): Promise<Holder | undefined> {
    const started = this.clock.now();
    const result = (await this.commands.eval(
      HEARTBEAT,
      0,
      this.prefix,
      this.nodeId,
      this.info,
      String(this.leaseMs),
      joining ? '1' : '0',
    )) as [number, number, ...string[]];
    const [member, taken, ...dead] = result;
    if (member === -1) return { beatAt: taken, ageMs: Number(dead[0]) };
    const first = this.lastBeat === 0;
    this.lastBeat = started;
    // Taken over meanwhile (cut off, or a long freeze): our work is gone; start afresh. (Not a
    // member without a tombstone: Redis restarted empty, and nobody took anything over.)
    if (!first && (taken === 1 || !this.isConnected)) {
      if (this.isConnected) this.emit('partitioned');
      this.isConnected = true;
      this.emit('rejoined');
      await this.commands.publish(this.channel('up'), this.nodeId);
    }
    for (const node of dead)
      await this.commands.publish(this.channel('down'), JSON.stringify({ node, claimer: this.nodeId }));
    return undefined;
  }

  async close(options: { leave?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimer?.();
    for (const pending of this.pending.values()) pending.cancel();
    this.pending.clear();
    if (options.leave !== false && this.isConnected) {
      try {
        if (await this.commands.eval(LEAVE, 0, this.prefix, this.nodeId))
          await this.commands.publish(this.channel('down'), JSON.stringify({ node: this.nodeId, claimer: null }));
      } catch {
        // Redis gone: the others will find the lease run out.
      }
    }
    this.isConnected = false;
    this.handlers.clear();
    this.commands.disconnect();
    this.subscriber.disconnect();
  }

  private onMessage(channel: string, text: string): void {
    if (this.closed) return;
    if (channel === this.channel('down')) {
      const { node, claimer } = JSON.parse(text) as { node: NodeId; claimer: NodeId | null };
      if (node !== this.nodeId) this.emit('node-down', { node, claimed: claimer === this.nodeId });
      return;
    }
    if (channel === this.channel('up')) {
      if (text !== this.nodeId) this.emit('node-up', text);
      return;
    }
    const envelope = JSON.parse(text) as Envelope;
    if (envelope.t === 'topic') {
      const topic = channel.slice(this.channel('t', '').length);
      for (const handler of this.handlers.heard(topic)) handler(envelope.body, envelope.from);
    } else if (envelope.t === 'ask') void this.answer(envelope);
    else this.settle(envelope);
  }

  private async answer(ask: Extract<Envelope, { t: 'ask' }>): Promise<void> {
    let reply: Envelope;
    try {
      if (!this.isConnected) throw failureOf(partitionedError(this.nodeId, ask.method));
      reply = { t: 'reply', id: ask.id, body: await this.handlers.answer(ask.method, ask.body, ask.from) };
    } catch (failure) {
      reply = { t: 'reply', id: ask.id, failure: failure as RemoteFailure };
    }
    await this.commands.publish(this.channel('n', ask.from), JSON.stringify(reply)).catch(() => {});
  }

  private settle(reply: Extract<Envelope, { t: 'reply' }>): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    pending.cancel();
    if (reply.failure) pending.reject(reply.failure);
    else pending.resolve(reply.body);
  }

  async publish(topic: string, body: unknown): Promise<void> {
    this.live(`publish ${topic}`);
    const text = encodeBody(body, `publish ${checkName(topic, 'topic')}`);
    await this.commands.publish(
      this.channel('t', topic),
      JSON.stringify({ t: 'topic', from: this.nodeId, body: JSON.parse(text) }),
    );
  }

  async subscribe(topic: string, handler: TopicHandler): Promise<Unsubscribe> {
    const { first, stop } = this.handlers.listen(topic, handler);
    const channel = this.channel('t', topic);
    if (first) {
      this.channels.add(channel);
      await this.subscriber.subscribe(channel);
    }
    return () => {
      if (!stop()) return;
      this.channels.delete(channel);
      if (!this.closed) void this.subscriber.unsubscribe(channel).catch(() => {});
    };
  }

  serve(method: string, handler: MethodHandler): Unsubscribe {
    return this.handlers.serve(method, handler);
  }

  async request<T>(node: NodeId, method: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    this.live(`request ${method}`);
    const text = encodeBody(body, `request ${method}`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const id = randomUUID();
    const answered = new Promise<unknown>((resolve, reject) => {
      const cancel = this.clock.setTimer(() => {
        this.pending.delete(id);
        reject(busTimeout(node, method, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, cancel });
    });
    // The reply comes on the subscriber connection and can overtake the publish's own
    // acknowledgement: a failure settled before it is awaited below is still handled.
    answered.catch(() => {});
    const ask: Envelope = { t: 'ask', id, from: this.nodeId, method, body: JSON.parse(text) };
    try {
      // Nobody subscribed to the node's inbox: the node is not running.
      const heard = await this.commands.publish(this.channel('n', node), JSON.stringify(ask));
      if (heard === 0) throw nodeGone(node, method);
    } catch (error) {
      this.pending.get(id)?.cancel();
      this.pending.delete(id);
      throw error;
    }
    try {
      return (await answered) as T;
    } catch (error) {
      if (error instanceof PatchbayError) throw error;
      throw remoteFailure(node, method, error as RemoteFailure);
    }
  }
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid URL)';
  }
}
