/**
 * One live node per node id, on both buses: a second node joining with a live node's id is
 * refused (node-id-taken, 91306) and the holder goes on; a node killed under an id frees it once
 * its lease runs out; a node that left cleanly frees it at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { PatchbayError } from '../errors.js';
import type { Bus, BusOptions } from './bus.js';
import { BusHub, InProcessBus } from './bus-memory.js';
import { startRedis, type TestRedis } from './redis.test-support.js';
import { RedisBus } from './redis-bus.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.close());

const opened: Bus[] = [];
afterEach(async () => {
  for (const bus of opened.splice(0)) await bus.close();
});

/** A refusal comes after one heartbeat of the holder; a dead holder's id is free after its lease. */
const SHORT = { leaseMs: 600, heartbeatMs: 100 };
/** A lease no test waits out: a start that had to wait for it would time the test out. */
const LONG = { leaseMs: 60_000, heartbeatMs: 100 };

type Lease = Omit<BusOptions, 'nodeId'>;

const KINDS = {
  'in-process': () => {
    const hub = new BusHub(systemClock);
    return (nodeId: string, lease: Lease): Bus => new InProcessBus({ nodeId, hub, ...lease });
  },
  redis: () => {
    const prefix = redis.prefix();
    return (nodeId: string, lease: Lease): Bus => new RedisBus({ url: redis.url, prefix, nodeId, ...lease });
  },
} as const;

describe.each(Object.keys(KINDS) as Array<keyof typeof KINDS>)('a node id (%s bus)', (kind) => {
  const cluster = () => {
    const make = KINDS[kind]();
    return (nodeId: string, lease: Lease) => {
      const bus = make(nodeId, lease);
      opened.push(bus);
      return bus;
    };
  };

  it('held by a live node is refused to a second node (91306), and the holder goes on', async () => {
    const bus = cluster();
    const holder = bus('node-a', LONG);
    await holder.start();
    const other = bus('node-b', LONG);
    await other.start();

    const refused = await bus('node-a', LONG)
      .start()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(PatchbayError);
    expect(refused).toMatchObject({ code: 'node-id-taken', numericCode: 91306, status: 409 });
    expect((refused as Error).message).toMatch(/^Node id "node-a" is in use by a live node of this cluster/);
    expect(holder.connected).toBe(true);
    expect((await other.nodes()).map((node) => node.id).sort()).toEqual(['node-a', 'node-b']);
    // The holder still answers under its id.
    holder.serve('ping', async () => 'pong');
    await expect(other.request('node-a', 'ping', {})).resolves.toBe('pong');
  });

  it('of a node that was killed is free once its lease has run out: the node started again under it starts', async () => {
    const bus = cluster();
    const killed = bus('node-a', SHORT);
    await killed.start();
    await killed.close({ leave: false });

    const again = bus('node-a', SHORT);
    await again.start();
    expect(again.connected).toBe(true);
    expect((await again.nodes()).map((node) => node.id)).toEqual(['node-a']);
  });

  it('of a node that left cleanly is free at once', async () => {
    const bus = cluster();
    const left = bus('node-a', LONG);
    await left.start();
    await left.close();

    const again = bus('node-a', LONG);
    await again.start();
    expect((await again.nodes()).map((node) => node.id)).toEqual(['node-a']);
  });
});
