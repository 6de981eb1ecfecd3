/**
 * Presence across nodes (in-process buses: the Redis path runs in bridge/tokens.test.ts in
 * cluster mode): REST on any node adds up every live node's registrations, a follower on one
 * node hears changes made on another, each once, and a node that dies takes its devices with it.
 */
import { describe, expect, it } from 'vitest';
import { next } from '../bridge/devices.test-support.js';
import { clustersPerTest, type TestNode } from './devices-cluster.test-support.js';

const clusters = clustersPerTest();

describe('presence across nodes', () => {
  it("counts every live node's registrations, tells followers elsewhere, and forgets a dead node's", async () => {
    const cluster = await clusters.start('in-process', ['node-a', 'node-b', 'node-c']);
    const node = (id: string) => cluster.nodes[id] as TestNode;
    const { harness } = node('node-a');
    const auth = `Basic ${Buffer.from(`${harness.account.sid}:${harness.account.authToken}`).toString('base64')}`;
    const alice = async () => {
      const response = await fetch(`${harness.base}/2010-04-01/Accounts/${cluster.accountSid}/Clients/alice.json`, {
        headers: { authorization: auth },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const watcher = cluster.device('node-a', 'supervisor');
    const seen: string[] = [];
    watcher.on('presence', (presence) => seen.push(`${presence.status} ${presence.registrations}`));
    const initial = next(watcher, 'presence');
    await watcher.subscribe(['alice']);
    await initial;

    const online = next(watcher, 'presence');
    await cluster.device('node-b', 'alice').register();
    expect((await online)[0]).toMatchObject({ identity: 'alice', status: 'online', registrations: 1 });
    const two = next(watcher, 'presence');
    await cluster.device('node-c', 'alice').register();
    expect((await two)[0]).toMatchObject({ registrations: 2 });
    expect((await alice()).body).toMatchObject({ identity: 'alice', status: 'online', registrations: 2 });

    // Node C dies: once the bus declares it down, its device counts no more.
    const down = next(watcher, 'presence');
    await node('node-c').kill();
    expect((await down)[0]).toMatchObject({ status: 'online', registrations: 1 });
    expect((await alice()).body).toMatchObject({ status: 'online', registrations: 1 });
    expect(seen).toEqual(['offline 0', 'online 1', 'online 2', 'online 1']);
  });
});
