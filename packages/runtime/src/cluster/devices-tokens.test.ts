/**
 * Call tokens across nodes: an answer with a token another node sealed is decided on that node
 * (the first accept wins there), and what it refuses there is reported there, as one node reports
 * the refusals it decides (the bridge's `refused` event, on both buses).
 */
import { describe, expect, it } from 'vitest';
import { RawDevice, tokenFor } from '../bridge/devices.test-support.js';
import { BUS_KINDS, clustersPerTest, type TestNode } from './devices-cluster.test-support.js';
import { presenceSet } from './devices-presence.js';

const NUMBER = '+15550146000';
const clusters = clustersPerTest();

describe.each(BUS_KINDS)('call tokens across nodes (%s bus)', (kind) => {
  it("refuses a replayed token on the call's node, and reports it there", async () => {
    const running = await clusters.start(kind, ['node-a', 'node-b'], {
      routes: { '/voice': () => '<Response><Dial timeout="20"><Client>alice</Client></Dial></Response>' },
    });
    const a = running.nodes['node-a'] as TestNode;
    const b = running.nodes['node-b'] as TestNode;
    await b.harness.client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: `${b.harness.app.url}/voice` });
    const refused: Array<{ node: string; identity?: string; message: string }> = [];
    for (const node of [a, b])
      node.harness.runtime.devices?.events.on('refused', (event) =>
        refused.push({
          node: node.id,
          message: event.error.message,
          ...(event.identity ? { identity: event.identity } : {}),
        }),
      );
    // Alice's device is on node A; the call arrives at node B.
    const { device } = await RawDevice.open(a.harness, tokenFor(a.harness, running.key, 'alice'));
    expect(await device.request({ type: 'register' })).toMatchObject({ ok: true });
    await expect.poll(() => b.bus.members(presenceSet(running.accountSid, 'alice'))).toEqual(['node-a']);
    b.harness.network.call({ from: '+15550100046', to: NUMBER });
    const invite = await device.next((m) => m.type === 'invite');
    if (invite.type !== 'invite') throw new Error('expected an invite');
    expect(await device.request({ type: 'accept', callToken: invite.callToken })).toMatchObject({ ok: true });
    const replay = await device.request({ type: 'accept', callToken: invite.callToken });
    expect(replay).toMatchObject({
      ok: false,
      error: { name: 'CallTokenInvalid', message: expect.stringMatching(/already used/) },
    });
    expect(refused).toEqual([{ node: 'node-b', identity: 'alice', message: expect.stringMatching(/already used/) }]);
    device.close();
  });
});
