import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBusConformance } from '../testing/bus-conformance.js';
import { startRedis, type TestRedis } from './redis.test-support.js';
import { RedisBus } from './redis-bus.js';
import { startProxy } from './redis-proxy.test-support.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.close());

runBusConformance('redis', async () => {
  const prefix = redis.prefix();
  return { node: (nodeId, lease) => new RedisBus({ url: redis.url, prefix, nodeId, ...lease }), close: async () => {} };
});

describe('the Redis bus', () => {
  it('refuses to start, in words, when Redis cannot be reached', async () => {
    const bus = new RedisBus({ url: 'redis://:secret@127.0.0.1:1', nodeId: 'node-a' });
    const failure = bus.start();
    await expect(failure).rejects.toMatchObject({ code: 'bus-unreachable', numericCode: 91303 });
    await expect(failure).rejects.toThrow(/cannot reach the bus at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    await expect(failure).rejects.not.toThrow(/secret/);
  });

  it('partitions a node cut off from Redis: it refuses work, a survivor claims it, and it rejoins when healed', async () => {
    const proxy = await startProxy(redis.port);
    const prefix = redis.prefix();
    const lease = { leaseMs: 600, heartbeatMs: 100 };
    const a = new RedisBus({ url: proxy.url, prefix, nodeId: 'node-a', ...lease });
    const b = new RedisBus({ url: redis.url, prefix, nodeId: 'node-b', ...lease });
    try {
      await a.start();
      await b.start();
      expect(await a.take('calls:AC1', 10)).toBe(true);
      const events: string[] = [];
      a.on('partitioned', () => events.push('a partitioned'));
      a.on('rejoined', () => events.push('a rejoined'));
      b.on('node-down', (down) => events.push(`b: ${down.node} down, claimed ${down.claimed}`));
      b.on('node-up', (node) => events.push(`b: ${node} up`));
      proxy.cut();
      await expect.poll(() => events.length, { timeout: 5000 }).toBe(2);
      // The partitioned node stops first: it never works on while a survivor takes it over.
      expect(events).toEqual(['a partitioned', 'b: node-a down, claimed true']);
      expect(a.connected).toBe(false);
      expect(await b.count('calls:AC1')).toBe(0);
      await expect(a.take('calls:AC1', 10)).rejects.toMatchObject({ code: 'partitioned', numericCode: 91300 });
      await expect(a.request('node-b', 'x', {})).rejects.toMatchObject({ code: 'partitioned' });
      await expect(b.request('node-a', 'x', {})).rejects.toMatchObject({ code: 'bus-node-gone' });
      proxy.restore();
      await expect.poll(() => events.length, { timeout: 5000 }).toBe(4);
      expect(events.slice(2).sort()).toEqual(['a rejoined', 'b: node-a up']);
      expect(a.connected).toBe(true);
      expect((await b.nodes()).map((node) => node.id).sort()).toEqual(['node-a', 'node-b']);
    } finally {
      await a.close();
      await b.close();
      await proxy.close();
    }
  });

  it('partitions every node while Redis is frozen, and they rejoin when it thaws', async () => {
    const prefix = redis.prefix();
    const a = new RedisBus({ url: redis.url, prefix, nodeId: 'node-a', leaseMs: 600, heartbeatMs: 100 });
    try {
      await a.start();
      const events: string[] = [];
      a.on('partitioned', () => events.push('partitioned'));
      a.on('rejoined', () => events.push('rejoined'));
      redis.pause();
      await expect.poll(() => events, { timeout: 5000 }).toEqual(['partitioned']);
      redis.resume();
      await expect.poll(() => events, { timeout: 5000 }).toEqual(['partitioned', 'rejoined']);
    } finally {
      redis.resume();
      await a.close();
    }
  });

  it('carries on through a Redis restarted empty within the lease: nobody took anything over', async () => {
    const prefix = redis.prefix();
    const a = new RedisBus({ url: redis.url, prefix, nodeId: 'node-a', leaseMs: 5000, heartbeatMs: 100 });
    try {
      await a.start();
      const events: string[] = [];
      a.on('partitioned', () => events.push('partitioned'));
      a.on('rejoined', () => events.push('rejoined'));
      await redis.stop();
      await redis.start();
      await expect
        .poll(async () => (await a.nodes().catch(() => [])).map((node) => node.id), { timeout: 5000 })
        .toEqual(['node-a']);
      expect(events).toEqual([]);
      expect(a.connected).toBe(true);
    } finally {
      await a.close();
    }
  });

  it('fails a request whose failure overtakes its own publish, without an unhandled rejection (CI)', async () => {
    const prefix = redis.prefix();
    const a = new RedisBus({ url: redis.url, prefix, nodeId: 'node-a' });
    const b = new RedisBus({ url: redis.url, prefix, nodeId: 'node-b' });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await Promise.all([a.start(), b.start()]);
      // The publish's acknowledgement comes back only after the reply reached node-a's inbox, as
      // it can when the subscriber connection is quicker than the command connection.
      const inner = a as unknown as { commands: Redis; subscriber: Redis };
      const publish = inner.commands.publish.bind(inner.commands);
      inner.commands.publish = (async (channel: string, text: string) => {
        const replied = once(inner.subscriber, 'message');
        const heard = await publish(channel, text);
        await replied;
        await new Promise((resolve) => setImmediate(resolve));
        return heard;
      }) as Redis['publish'];
      await expect(a.request('node-b', 'nobody.serves', {})).rejects.toMatchObject({ code: 'bus-remote-failure' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('listens on its inbox and its topics again once its connections are back', async () => {
    const proxy = await startProxy(redis.port);
    const prefix = redis.prefix();
    const a = new RedisBus({ url: proxy.url, prefix, nodeId: 'node-a' });
    const b = new RedisBus({ url: redis.url, prefix, nodeId: 'node-b' });
    try {
      await Promise.all([a.start(), b.start()]);
      a.serve('ping', async () => 'pong');
      const heard: unknown[] = [];
      await a.subscribe('news', (body) => heard.push(body));
      const dropped = await a.subscribe('gone', () => heard.push('gone'));
      dropped();
      const subscriber = (a as unknown as { subscriber: Redis }).subscriber;
      const reconnecting = new Promise((resolve) => subscriber.once('reconnecting', resolve));
      proxy.cut();
      await reconnecting;
      proxy.restore();
      await expect
        .poll(() => b.request('node-a', 'ping', {}).catch((error: { code?: string }) => error.code), { timeout: 5000 })
        .toBe('pong');
      await b.publish('gone', 0);
      await b.publish('news', 1);
      await expect.poll(() => heard).toEqual([1]);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await proxy.close();
    }
  });

  it('closes while its subscriber, back on Redis, waits for its channels, without an unhandled rejection (CI)', async () => {
    const proxy = await startProxy(redis.port);
    const a = new RedisBus({ url: proxy.url, prefix: redis.prefix(), nodeId: 'node-a' });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await a.start();
      await a.subscribe('news', () => undefined);
      const subscriber = (a as unknown as { subscriber: Redis }).subscriber;
      const reconnecting = new Promise((resolve) => subscriber.once('reconnecting', resolve));
      proxy.cut();
      await reconnecting;
      // Back: it subscribes to its channels again, and is closed before Redis has answered.
      const ready = new Promise((resolve) => subscriber.once('ready', resolve));
      proxy.restore();
      await ready;
      // ioredis rejects what is pending as its connection ends ('end'); a rejection nobody
      // handles is reported once the promise jobs of that turn have run.
      const ended = new Promise((resolve) => subscriber.once('end', resolve));
      await a.close({ leave: false });
      await ended;
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await a.close();
      await proxy.close();
    }
  });
});
