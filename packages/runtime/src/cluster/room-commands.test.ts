/**
 * Room commands across nodes: an organizer's app connected to one node commands the room's call
 * running on another; answers and typed errors are those of the node running it.
 */
import { AccessToken, RoomsGrant } from '@patchbay/sdk';
import { describe, expect, it } from 'vitest';
import { roomWith } from '../api/room-calls.test-support.js';
import { PRESS_1 } from '../api/room-channel.test-support.js';
import { roomsRequest } from '../api/rooms.test-support.js';
import { deviceFor, refusal } from '../bridge/devices.test-support.js';
import { BUS_KINDS, clustersPerTest, type TestNode } from './devices-cluster.test-support.js';

const clusters = clustersPerTest();

const [OLGA, ANN] = ['+15550710001', '+15550710002'];

/** Olga's app, the room's organizer, connected to `node`. */
function organizerOn(node: TestNode, key: { sid: string; secret: string }, roomSid: string) {
  const token = new AccessToken(node.harness.account.sid, key.sid, key.secret, { identity: 'olga' })
    .addGrant(new RoomsGrant({ rooms: [roomSid], organizer: true }))
    .toJwt();
  return deviceFor(node.harness, token);
}

describe.each(BUS_KINDS)('room commands across nodes (%s bus)', (kind) => {
  it("an organizer connected to one node commands the room's call running on another", async () => {
    const running = await clusters.start(kind, ['node-a', 'node-b']);
    const [a, b] = [running.nodes['node-a'] as TestNode, running.nodes['node-b'] as TestNode];
    const room = await roomWith(a.harness, [
      { name: 'Olga', phone: OLGA, identity: 'olga', role: 'organizer', behaviour: PRESS_1 },
      { name: 'Ann', phone: ANN, identity: 'ann', behaviour: PRESS_1 },
      { name: 'Dee', identity: 'dee' },
    ]);
    for (const phone of [OLGA, ANN]) b.harness.network.addNumber(phone, PRESS_1);
    const credentials = { sid: a.harness.account.sid, secret: a.harness.account.authToken };
    // The call runs on node B.
    const started = await roomsRequest(
      b.harness,
      'POST',
      `Rooms/${room.sid}/Call`,
      { Members: room.members.Ann as string },
      credentials,
    );
    expect(started.status).toBe(201);
    await expect.poll(() => a.bus.members(`room-call:${room.sid}`)).toEqual(['node-b']);

    const organizer = organizerOn(a, running.key, room.sid);
    try {
      const control = organizer.room(room.sid);
      await control.subscribe();
      // Dee is no participant: the node running the call refuses, with the same typed error.
      const refused = await refusal(control.mute(room.members.Dee as string));
      expect([refused.errorName, refused.code]).toEqual(['RoomParticipantNotFound', 91111]);
      const ended = new Promise<string | undefined>((resolve) => control.once('call-ended', resolve));
      expect(await control.end()).toBeGreaterThan(0);
      expect(await ended).toBe('ended-by-request');
      await expect.poll(() => a.bus.members(`room-call:${room.sid}`)).toEqual([]);
    } finally {
      organizer.destroy();
    }
  });

  it('a start from an app connected to a loaded node runs on the least loaded node', async () => {
    const running = await clusters.start(kind, ['node-a', 'node-b']);
    const [a, b] = [running.nodes['node-a'] as TestNode, running.nodes['node-b'] as TestNode];
    const room = await roomWith(a.harness, [
      { name: 'Olga', phone: OLGA, identity: 'olga', role: 'organizer' },
      { name: 'Ann', phone: ANN, identity: 'ann' },
    ]);
    for (const phone of [OLGA, ANN]) b.harness.network.addNumber(phone, {});
    // Node A runs a call, node B none.
    await a.harness.client.calls.create({ to: ANN, from: OLGA, twiml: '<Response><Pause length="600"/></Response>' });
    await expect.poll(() => b.bus.getKey('load:node-a')).toBe('1');
    const organizer = organizerOn(a, running.key, room.sid);
    try {
      const control = organizer.room(room.sid);
      await control.subscribe();
      expect(await control.start()).toBeGreaterThan(0);
      await expect.poll(() => a.bus.members(`room-call:${room.sid}`)).toEqual(['node-b']);
      expect(b.harness.runtime.calls.list().filter((call) => call.from !== OLGA).length).toBeGreaterThan(0);
      expect(await control.end()).toBeGreaterThan(0);
    } finally {
      organizer.destroy();
    }
  });
});
