/**
 * The conformance suite every Bus runs (in-process, Redis): several nodes of one cluster talk
 * through it, as the runtime's cluster code expects.
 *
 * @example
 * runBusConformance('redis', async () => {
 *   const prefix = randomPrefix();
 *   return { node: (nodeId, lease) => new RedisBus({ url, prefix, nodeId, ...lease }), close: async () => {} };
 * });
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, NodeDown } from '../cluster/bus.js';

export interface BusCluster {
  /** A bus for a node of this cluster (not started). */
  node(nodeId: string, lease: { leaseMs: number; heartbeatMs: number }): Bus;
  close(): Promise<void>;
}

const LEASE = { leaseMs: 600, heartbeatMs: 100 };

export function runBusConformance(name: string, open: () => Promise<BusCluster>): void {
  describe(`bus conformance: ${name}`, () => {
    const opened: Bus[] = [];
    let cluster: BusCluster | undefined;
    afterEach(async () => {
      for (const bus of opened.splice(0)) await bus.close();
      await cluster?.close();
      cluster = undefined;
    });
    async function nodes<const T extends readonly string[]>(...ids: T): Promise<{ [K in keyof T]: Bus }> {
      cluster ??= await open();
      const current = cluster;
      const buses = ids.map((id) => current.node(id, LEASE));
      opened.push(...buses);
      for (const bus of buses) await bus.start();
      return buses as { [K in keyof T]: Bus };
    }
    const heard = (bus: Bus, topic: string) => {
      const bodies: { body: unknown; from: string }[] = [];
      return bus.subscribe(topic, (body, from) => bodies.push({ body, from })).then((stop) => ({ bodies, stop }));
    };

    it('broadcasts a topic to every subscribed node, the sender included, until unsubscribed', async () => {
      const [a, b] = await nodes('node-a', 'node-b');
      const onA = await heard(a, 'rooms');
      const onB = await heard(b, 'rooms');
      const other = await heard(b, 'other');
      await a.publish('rooms', { room: 'RM1', n: 1 });
      await expect.poll(() => onB.bodies.length).toBe(1);
      await expect.poll(() => onA.bodies.length).toBe(1);
      expect(onB.bodies[0]).toEqual({ body: { room: 'RM1', n: 1 }, from: 'node-a' });
      onB.stop();
      await a.publish('rooms', { n: 2 });
      await expect.poll(() => onA.bodies.length).toBe(2);
      expect(onB.bodies).toHaveLength(1);
      expect(other.bodies).toHaveLength(0);
    });

    it('asks one node and gets its answer; a failure comes back typed', async () => {
      const [a, b] = await nodes('node-a', 'node-b');
      b.serve('call.update', async (body, from) => ({ echoed: body, by: 'node-b', from }));
      b.serve('call.fail', () => {
        throw Object.assign(new Error('call CA1 is over'), { code: 'invalid-call-state' });
      });
      expect(await a.request('node-b', 'call.update', { sid: 'CA1' })).toEqual({
        echoed: { sid: 'CA1' },
        by: 'node-b',
        from: 'node-a',
      });
      await expect(a.request('node-b', 'call.fail', {})).rejects.toMatchObject({
        code: 'bus-remote-failure',
        numericCode: 91304,
        message: expect.stringContaining('call CA1 is over (invalid-call-state)'),
      });
      await expect(a.request('node-b', 'nobody.serves', {})).rejects.toMatchObject({ code: 'bus-remote-failure' });
    });

    it('refuses a request to a node that is not in the cluster, at once', async () => {
      const [a] = await nodes('node-a');
      await expect(a.request('node-x', 'call.update', {}, { timeoutMs: 60_000 })).rejects.toMatchObject({
        code: 'bus-node-gone',
        numericCode: 91301,
      });
    });

    it('gives up on a node that stopped answering: timeout or gone, never a hang', async () => {
      const [a, b] = await nodes('node-a', 'node-b');
      b.serve('call.update', () => ({ ok: true }));
      await b.close({ leave: false });
      await expect(a.request('node-b', 'call.update', {}, { timeoutMs: 200 })).rejects.toMatchObject({
        code: expect.stringMatching(/^bus-(timeout|node-gone)$/),
      });
    });

    it('refuses an oversized body and a bad key name with typed errors', async () => {
      const [a] = await nodes('node-a');
      await expect(a.publish('big', 'x'.repeat(300 * 1024))).rejects.toMatchObject({ code: 'bus-message-too-large' });
      await expect(a.setKey('has space', 'v', 1000)).rejects.toMatchObject({ code: 'invalid-parameter' });
      await expect(a.setKey('k', 'v', 0)).rejects.toMatchObject({ code: 'invalid-parameter' });
    });

    it('shares keys between nodes; a key lives its TTL; a claim is won by exactly one node', async () => {
      const [a, b] = await nodes('node-a', 'node-b');
      await a.setKey('device:alice', 'node-a', 60_000);
      expect(await b.getKey('device:alice')).toBe('node-a');
      expect(await b.deleteKey('device:alice', 'node-b')).toBe(false);
      expect(await b.deleteKey('device:alice', 'node-a')).toBe(true);
      expect(await a.getKey('device:alice')).toBeUndefined();

      const claims = await Promise.all([
        a.claimKey('conference:CF1', 'node-a', 60_000),
        b.claimKey('conference:CF1', 'node-b', 60_000),
        a.claimKey('conference:CF1', 'node-a', 60_000),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);

      await a.setKey('short', 'v', 100);
      await expect.poll(() => b.getKey('short'), { timeout: 3000 }).toBeUndefined();
      expect(await b.claimKey('short', 'again', 60_000)).toBe(true);
    });

    it('renews a key only for the node holding it', async () => {
      const [a, b] = await nodes('node-a', 'node-b');
      expect(await a.claimKey('conference:CF2', 'node-a', 60_000)).toBe(true);
      expect(await b.renewKey('conference:CF2', 'node-b', 100)).toBe(false);
      expect(await b.getKey('conference:CF2')).toBe('node-a');
      // The holder's renewal sets its new TTL (here shorter, so it shows by running out).
      expect(await a.renewKey('conference:CF2', 'node-a', 100)).toBe(true);
      await expect.poll(() => b.getKey('conference:CF2'), { timeout: 3000 }).toBeUndefined();
      expect(await a.renewKey('conference:CF2', 'node-a', 60_000)).toBe(false);
      expect(await b.getKey('conference:CF2')).toBeUndefined();
    });

    it('keeps sets of members, each for its own TTL: renewed by adding again, gone when removed', async () => {
      const [a, b] = await nodes('node-a', 'node-b');
      expect(await a.members('presence:AC1:alice')).toEqual([]);
      await a.addMember('presence:AC1:alice', 'node-a', 60_000);
      await b.addMember('presence:AC1:alice', 'node-b', 150);
      await b.addMember('presence:AC1:bob', 'node-b', 60_000);
      expect(await b.members('presence:AC1:alice')).toEqual(['node-a', 'node-b']);
      // node-b's entry runs out on its own (a node that died never removes it).
      await expect.poll(() => a.members('presence:AC1:alice'), { timeout: 3000 }).toEqual(['node-a']);
      await b.addMember('presence:AC1:alice', 'node-b', 60_000);
      expect(await a.members('presence:AC1:alice')).toEqual(['node-a', 'node-b']);
      expect(await a.removeMember('presence:AC1:alice', 'node-a')).toBe(true);
      expect(await a.removeMember('presence:AC1:alice', 'node-a')).toBe(false);
      expect(await b.members('presence:AC1:alice')).toEqual(['node-b']);
      expect(await a.members('presence:AC1:bob')).toEqual(['node-b']);
      await expect(a.addMember('presence:AC1:alice', 'node a', 1000)).rejects.toMatchObject({
        code: 'invalid-parameter',
      });
      await expect(a.addMember('presence:AC1:alice', 'node-a', 0)).rejects.toMatchObject({ code: 'invalid-parameter' });
    });

    it('counts a cap across nodes: never more than the limit, given back units free room', async () => {
      const [a, b] = await nodes('node-a', 'node-b');
      const takes = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).take('calls:AC1', 4)));
      expect(takes.filter(Boolean)).toHaveLength(4);
      expect(await a.count('calls:AC1')).toBe(4);
      const holder = (await a.take('calls:AC1', 5)) ? a : b;
      expect(await b.take('calls:AC1', 5)).toBe(false);
      await holder.give('calls:AC1');
      expect(await b.count('calls:AC1')).toBe(4);
      expect(await a.count('calls:AC2')).toBe(0);
    });

    it('counts hits in a window across nodes', async () => {
      const [a, b] = await nodes('node-a', 'node-b');
      expect(await a.hit('rate:AC1', 60_000)).toBe(1);
      expect(await b.hit('rate:AC1', 60_000)).toBe(2);
      expect(await a.hit('rate:AC2', 60_000)).toBe(1);
    });

    it('knows the live nodes; a node that leaves is down for the others, and nobody takes it over', async () => {
      const [a, b] = await nodes('node-a', 'node-b');
      expect((await a.nodes()).map((node) => node.id).sort()).toEqual(['node-a', 'node-b']);
      const downs: NodeDown[] = [];
      a.on('node-down', (event) => downs.push(event));
      await b.close();
      await expect.poll(() => downs).toEqual([{ node: 'node-b', claimed: false }]);
      expect((await a.nodes()).map((node) => node.id)).toEqual(['node-a']);
    });

    it('declares a silent node down after its lease; exactly one survivor claims it and its units are freed', async () => {
      const [a, b, c] = await nodes('node-a', 'node-b', 'node-c');
      expect(await c.take('calls:AC1', 1)).toBe(true);
      const downs: { on: string; event: NodeDown }[] = [];
      a.on('node-down', (event) => downs.push({ on: 'node-a', event }));
      b.on('node-down', (event) => downs.push({ on: 'node-b', event }));
      await c.close({ leave: false });
      await expect.poll(() => downs.length, { timeout: 5000 }).toBe(2);
      expect(downs.every((down) => down.event.node === 'node-c')).toBe(true);
      expect(downs.filter((down) => down.event.claimed)).toHaveLength(1);
      expect(await a.count('calls:AC1')).toBe(0);
      expect((await b.nodes()).map((node) => node.id).sort()).toEqual(['node-a', 'node-b']);
      await expect(a.request('node-c', 'x', {})).rejects.toMatchObject({ code: 'bus-node-gone' });
    });
  });
}
