/**
 * Device commands across nodes: a command POSTed on one node for a device whose channel is open
 * on another goes out through that node at once, and its result, sent on the device's node, is
 * recorded once, as every node answers.
 */
import { describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../api/harness.test-support.js';
import { roomsRequest } from '../api/rooms.test-support.js';
import { deviceFor } from '../bridge/devices.test-support.js';
import { registerAnn, ringingCommands } from '../devices/commands/commands.test-support.js';
import { DEFAULT_POLICY } from '../devices/commands/decide.js';
import type { DevicesHarness } from '../devices/harness.test-support.js';
import { startDevicesHarness } from '../devices/harness.test-support.js';
import { BUS_KINDS, clustersPerTest, type TestNode } from './devices-cluster.test-support.js';

const clusters = clustersPerTest();

describe.each(BUS_KINDS)('device commands across nodes (%s bus)', (kind) => {
  it("goes out at once through the node holding the device's channel; the result is recorded once", async () => {
    const running = await clusters.start(kind, ['node-a', 'node-c'], {
      startNode: (index, options) => (index === 0 ? startDevicesHarness(options) : startApiHarness(options)),
    });
    const owner = running.nodes['node-a']?.harness as DevicesHarness;
    const other = (running.nodes['node-c'] as TestNode).harness;
    const ann = await registerAnn(owner);
    const device = deviceFor(owner, owner.token('ann'));
    try {
      const { ran } = await ringingCommands(device, ann);
      const credentials = { sid: owner.account.sid, secret: owner.account.authToken };
      const path = `Devices/${ann.registered.sid}/Commands`;
      const viaC = (method: 'GET' | 'POST', sub = '', form?: Record<string, string>) =>
        roomsRequest(other, method, `${path}${sub}`, form, credentials);
      // The channel is known to node C through the bus before the command is posted there.
      await expect
        .poll(() => running.nodes['node-c']?.bus.members(`commands:${ann.registered.sid}`))
        .toEqual(['node-a']);
      const posted = await viaC('POST', '', { Action: 'ring', 'Params.seconds': '5' });
      expect(posted.status).toBe(201);
      const sid = String(posted.json.sid);
      await expect.poll(async () => (await viaC('GET', `/${sid}`)).json.status, { timeout: 3000 }).toBe('completed');
      const done = (await viaC('GET', `/${sid}`)).json;
      expect(done).toMatchObject({ result: { rang: '5' }, delivered_via: 'channel', attempts: 1 });
      expect(await ann.get(sid)).toMatchObject({ status: 'completed', result: { rang: '5' } });
      expect(ran).toEqual(['5']);
      // Nothing was texted to wake the device: it was reached on its channel.
      expect(ann.phone.inbox.filter((text) => /command/i.test(text.body))).toEqual([]);
    } finally {
      device.destroy();
    }
  });

  it('holds the per-account bound of open commands across the nodes (91233); a command settled on one node frees room on the other', async () => {
    const running = await clusters.start(kind, ['node-a', 'node-c'], {
      startNode: (index, options) => (index === 0 ? startDevicesHarness(options) : startApiHarness(options)),
      harness: { api: { commandPolicy: { ...DEFAULT_POLICY, openPerAccount: 3 } } },
    });
    const owner = running.nodes['node-a']?.harness as DevicesHarness;
    const other = (running.nodes['node-c'] as TestNode).harness;
    const ann = await registerAnn(owner);
    const credentials = { sid: owner.account.sid, secret: owner.account.authToken };
    const path = `Devices/${ann.registered.sid}/Commands`;
    const post = (harness: ApiHarness) => roomsRequest(harness, 'POST', path, { Action: 'ring' }, credentials);
    // Nobody is connected: the commands stay open (the device is woken by SMS).
    const first = await post(owner);
    expect((await post(other)).status).toBe(201);
    expect((await post(owner)).status).toBe(201);
    for (const node of [other, owner]) expect(await post(node)).toMatchObject({ status: 429, json: { code: 91233 } });
    // Cancelled on node C, taken on node A: A gives its unit back, and either node has room again.
    const canceled = await roomsRequest(
      other,
      'POST',
      `${path}/${String(first.json.sid)}`,
      { Status: 'canceled' },
      credentials,
    );
    expect(canceled.status).toBe(200);
    await expect.poll(async () => (await post(other)).status, { timeout: 3000 }).toBe(201);
    expect(await post(owner)).toMatchObject({ status: 429, json: { code: 91233 } });
  });

  it("a dead node's open commands are taken over by the survivor, which resends them and expires them in the end", async () => {
    const running = await clusters.start(kind, ['node-a', 'node-c'], {
      startNode: (index, options) => (index === 0 ? startDevicesHarness(options) : startApiHarness(options)),
      harness: { api: { commandPolicy: { ...DEFAULT_POLICY, resendMs: 300, maxResendMs: 300, attempts: 2 } } },
    });
    const owner = running.nodes['node-a']?.harness as DevicesHarness;
    const other = (running.nodes['node-c'] as TestNode).harness;
    const ann = await registerAnn(owner);
    const credentials = { sid: owner.account.sid, secret: owner.account.authToken };
    const viaC = (sid: string) =>
      roomsRequest(other, 'GET', `Devices/${ann.registered.sid}/Commands/${sid}`, undefined, credentials);
    // Nobody is connected: node A wakes the device by SMS (its first attempt), then dies.
    const posted = await ann.post({ Action: 'ring' });
    const sid = String(posted.json.sid);
    await expect.poll(async () => (await viaC(sid)).json.attempts).toBe(1);
    await running.nodes['node-a']?.crash();
    // Node C takes it over: its second attempt, then, with no result, expired.
    await expect.poll(async () => (await viaC(sid)).json.status, { timeout: 10_000 }).toBe('expired');
    expect((await viaC(sid)).json.attempts).toBe(2);
  });
});
