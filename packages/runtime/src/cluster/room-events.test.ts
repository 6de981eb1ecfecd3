/**
 * Room events across nodes: a member's app following a room on one node hears what happens in
 * the room on another, live, in order; following again on another node (after a reconnect)
 * replays what it missed from the shared store and nothing twice.
 */
import { Patchbay } from '@patchbay/sdk';
import type { RoomChatMessage } from '@patchbay/sdk/client';
import { describe, expect, it } from 'vitest';
import { roomWith } from '../api/room-calls.test-support.js';
import { until } from '../bridge/devices.test-support.js';
import { BUS_KINDS, clustersPerTest, type TestNode } from './devices-cluster.test-support.js';

const clusters = clustersPerTest();

describe.each(BUS_KINDS)('room events across nodes (%s bus)', (kind) => {
  it('reach followers on every node, in order, and a follower on another node replays only what it missed', async () => {
    const running = await clusters.start(kind, ['node-a', 'node-b']);
    const cluster = running;
    const [a, b] = [cluster.nodes['node-a'] as TestNode, cluster.nodes['node-b'] as TestNode];
    const room = await roomWith(a.harness, [
      { name: 'Olga', identity: 'olga', role: 'organizer' },
      { name: 'Ann', identity: 'ann' },
      { name: 'Dee', identity: 'dee' },
    ]);
    const ann = room.members.Ann as string;
    const chatVia = (node: TestNode) =>
      new Patchbay(a.harness.account.sid, a.harness.account.authToken, { baseUrl: node.harness.base }).rooms.messages(
        room.sid,
      );
    const follow = async (node: string) => {
      const device = cluster.device(node, 'dee');
      const followed = device.room(room.sid);
      const messages: RoomChatMessage[] = [];
      followed.on('message', (message) => messages.push(message));
      await followed.subscribe();
      const seen = (body: string) =>
        messages.some((m) => m.body === body) ? Promise.resolve() : until(followed, 'message', (m) => m.body === body);
      return { messages, seen };
    };

    const onA = await follow('node-a');
    // Posted on node B: the follower on node A hears them live, in order.
    for (const body of ['one', 'two', 'three']) await chatVia(b).create({ body, from: ann });
    await onA.seen('three');
    expect(onA.messages.map((m) => m.body)).toEqual(['one', 'two', 'three']);

    // The same person follows on node B (as after a reconnect there): the log is replayed once,
    // then what node A appends arrives live, to both, once each.
    const onB = await follow('node-b');
    await onB.seen('three');
    await chatVia(a).create({ body: 'four', from: ann });
    await Promise.all([onA.seen('four'), onB.seen('four')]);
    expect(onB.messages.map((m) => m.body)).toEqual(['one', 'two', 'three', 'four']);
    expect(onA.messages.map((m) => m.body)).toEqual(['one', 'two', 'three', 'four']);
    const sequences = onB.messages.map((m) => m.sequence);
    expect(sequences).toEqual([...sequences].sort((x, y) => x - y));
  });
});
