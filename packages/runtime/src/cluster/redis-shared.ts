/**
 * What the Redis bus shares through plain commands: keys, cluster-wide counters, rate windows,
 * member sets and the list of live nodes, each one command or one Lua script (redis-scripts.ts)
 * on the command connection. The bus (redis-bus.ts) adds the lease, the subscriber connection
 * and messaging on top.
 */
import { EventEmitter } from 'eventemitter3';
import { Redis, type RedisOptions } from 'ioredis';
import { type Clock, systemClock } from '../clock/clock.js';
import {
  type BusEvents,
  type BusOptions,
  checkMs,
  checkName,
  DEFAULT_LEASE_MS,
  type NodeId,
  type NodeInfo,
  partitionedError,
} from './bus.js';
import { ADD_MEMBER, COUNT, DELETE_IF, GIVE, HIT, LIVE_MEMBERS, MEMBERS, RENEW_IF, TAKE } from './redis-scripts.js';

export interface RedisBusOptions extends BusOptions {
  /** `redis://[:password@]host:port[/db]` (or `rediss://` for TLS). */
  readonly url: string;
  /** Prefix of every key and channel, so clusters can share a Redis. @default 'patchbay:' */
  readonly prefix?: string;
  readonly clock?: Clock;
}

export abstract class RedisShared extends EventEmitter<BusEvents> {
  readonly kind = 'redis';
  readonly nodeId: NodeId;
  protected readonly prefix: string;
  readonly clock: Clock;
  protected readonly leaseMs: number;
  protected readonly heartbeatMs: number;
  protected readonly commands: Redis;
  protected isConnected = false;

  constructor(options: RedisBusOptions) {
    super();
    this.nodeId = checkName(options.nodeId, 'node id');
    this.prefix = options.prefix ?? 'patchbay:';
    this.clock = options.clock ?? systemClock;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(this.leaseMs / 3));
    this.commands = this.connection(options.url);
  }

  /** A connection of this node's; a command waits at most `commandTimeout`. */
  protected connection(
    url: string,
    commandTimeout: number | undefined = Math.max(this.heartbeatMs, 200),
    options: Pick<RedisOptions, 'autoResubscribe'> = {},
  ): Redis {
    const redis = new Redis(url, {
      ...options,
      lazyConnect: true,
      // A command waits at most one beat: a frozen Redis must turn into a partition, not a hang.
      commandTimeout,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(50 * times, 1000),
    });
    // Errors surface through commands and the heartbeat; without a listener ioredis logs them.
    redis.on('error', () => {});
    return redis;
  }

  protected channel(kind: string, name?: string): string {
    return name === undefined ? `${this.prefix}${kind}` : `${this.prefix}${kind}:${name}`;
  }

  async setKey(key: string, value: string, ttlMs: number): Promise<void> {
    await this.commands.set(this.channel('k', checkName(key, 'key')), value, 'PX', checkMs(ttlMs, 'TTL'));
  }

  async claimKey(key: string, value: string, ttlMs: number): Promise<boolean> {
    const set = await this.commands.set(
      this.channel('k', checkName(key, 'key')),
      value,
      'PX',
      checkMs(ttlMs, 'TTL'),
      'NX',
    );
    return set === 'OK';
  }

  async getKey(key: string): Promise<string | undefined> {
    return (await this.commands.get(this.channel('k', checkName(key, 'key')))) ?? undefined;
  }

  async deleteKey(key: string, ifValue?: string): Promise<boolean> {
    const full = this.channel('k', checkName(key, 'key'));
    const deleted =
      ifValue === undefined ? await this.commands.del(full) : await this.commands.eval(DELETE_IF, 1, full, ifValue);
    return deleted === 1;
  }

  async renewKey(key: string, value: string, ttlMs: number): Promise<boolean> {
    const full = this.channel('k', checkName(key, 'key'));
    return (await this.commands.eval(RENEW_IF, 1, full, value, checkMs(ttlMs, 'TTL'))) === 1;
  }

  async take(counter: string, limit: number): Promise<boolean> {
    this.live('take');
    const keys = [this.channel('c', checkName(counter, 'counter')), this.channel('cn', this.nodeId)];
    return (await this.commands.eval(TAKE, 2, ...keys, this.nodeId, String(limit))) === 1;
  }

  async give(counter: string): Promise<void> {
    const keys = [this.channel('c', checkName(counter, 'counter')), this.channel('cn', this.nodeId)];
    await this.commands.eval(GIVE, 2, ...keys, this.nodeId);
  }

  async count(counter: string): Promise<number> {
    return Number(await this.commands.eval(COUNT, 1, this.channel('c', checkName(counter, 'counter'))));
  }

  async hit(counter: string, windowMs: number): Promise<number> {
    this.live('hit');
    const key = this.channel('w', checkName(counter, 'counter'));
    return Number(await this.commands.eval(HIT, 1, key, String(checkMs(windowMs, 'window'))));
  }

  async nodes(): Promise<readonly NodeInfo[]> {
    const infos = (await this.commands.eval(MEMBERS, 0, this.prefix, String(this.leaseMs))) as (string | null)[];
    return infos.flatMap((info) => (info ? [JSON.parse(info) as NodeInfo] : []));
  }

  async addMember(set: string, member: string, ttlMs: number): Promise<void> {
    const key = this.channel('s', checkName(set, 'set'));
    await this.commands.eval(ADD_MEMBER, 1, key, checkName(member, 'member'), String(checkMs(ttlMs, 'TTL')));
  }

  async removeMember(set: string, member: string): Promise<boolean> {
    return (await this.commands.zrem(this.channel('s', checkName(set, 'set')), member)) === 1;
  }

  async members(set: string): Promise<string[]> {
    const members = (await this.commands.eval(LIVE_MEMBERS, 1, this.channel('s', checkName(set, 'set')))) as string[];
    return members.sort();
  }

  protected live(what: string): void {
    if (!this.isConnected) throw partitionedError(this.nodeId, what);
  }
}
