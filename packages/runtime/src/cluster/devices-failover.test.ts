/**
 * A device whose node dies: it reconnects through the balancer to another node, registers again
 * there, and the next call, on any node, rings it.
 */
import { describe, expect, it } from 'vitest';
import { next } from '../bridge/devices.test-support.js';
import type { Route } from '../testing/app-server.js';
import { BUS_KINDS, type BusKind, clustersPerTest, type TestNode } from './devices-cluster.test-support.js';
import { presenceSet } from './devices-presence.js';
import { startNginx } from './nginx.test-support.js';

const NUMBER = '+15550144000';

const clusters = clustersPerTest();

const routes: Record<string, Route> = {
  '/voice': () => '<Response><Dial action="/dialed" timeout="10"><Client>alice</Client></Dial></Response>',
  '/dialed': () => '<Response/>',
};

/** Nodes A and B behind nginx, where alice's device connects and registers; calls arrive on node C. */
async function setup(kind: BusKind) {
  const cluster = await clusters.start(kind, ['node-a', 'node-b', 'node-c'], { routes });
  const node = (id: string) => cluster.nodes[id] as TestNode;
  const balancer = await startNginx(['node-a', 'node-b'].map((id) => new URL(node(id).harness.base).host));
  clusters.later(() => balancer.close());
  const caller = node('node-c');
  await caller.harness.client.incomingPhoneNumbers.create({
    phoneNumber: NUMBER,
    voiceUrl: `${caller.harness.app.url}/voice`,
  });
  const alice = cluster.device(balancer.url, 'alice');
  await alice.register();
  const holders = () => caller.bus.members(presenceSet(cluster.accountSid, 'alice'));
  await expect.poll(holders).toHaveLength(1);
  return { node, caller, alice, holders };
}

describe.each(BUS_KINDS)('a device whose node dies (%s bus)', (kind) => {
  it('reconnects through the balancer to another node, registers again, and is rung by the next call', async () => {
    const { node, caller, alice, holders } = await setup(kind);
    const [first] = await holders();
    const survivor = first === 'node-a' ? 'node-b' : 'node-a';

    await node(first as string).crash();
    // Back through the balancer on the surviving node, registered there.
    await expect.poll(holders, { timeout: 5000 }).toEqual([survivor]);
    expect(alice.state).toBe('registered');

    const invited = next(alice, 'incoming');
    caller.harness.network.call({ from: '+15550100009', to: NUMBER });
    const [call] = await invited;
    await call.accept();
    const child = caller.harness.runtime.calls.get(call.parameters.CallSid as string);
    expect(child).toMatchObject({ to: 'client:alice', status: 'in-progress' });
    call.disconnect();
    await caller.harness.runtime.calls.ended(child?.parentCallSid as string);
    expect(caller.harness.app.requestsTo('/dialed')[0]?.params.DialCallStatus).toBe('completed');
  });

  it('re-offers a call that was ringing the device when its node died, once it is back on another node', async () => {
    const { node, caller, alice, holders } = await setup(kind);
    const [first] = await holders();

    const invited = next(alice, 'incoming');
    caller.harness.network.call({ from: '+15550100009', to: NUMBER });
    const [ringing] = await invited;
    const callSid = ringing.parameters.CallSid as string;
    // The node dies while the device rings: the call rings on, and the device, back on the
    // other node, is invited again to the same call.
    const again = next(alice, 'incoming');
    await node(first as string).crash();
    const [reoffered] = await again;
    expect(reoffered.parameters.CallSid).toBe(callSid);
    expect(caller.harness.runtime.calls.get(callSid)?.status).toBe('ringing');
    await reoffered.accept();
    expect(caller.harness.runtime.calls.get(callSid)).toMatchObject({ status: 'in-progress' });
    reoffered.disconnect();
    await caller.harness.runtime.calls.ended(caller.harness.runtime.calls.get(callSid)?.parentCallSid as string);
    expect(caller.harness.app.requestsTo('/dialed')[0]?.params).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: callSid,
    });
  });
});
