import { type Call, type Device, fetchNotices } from '@patchbay/sdk';
import { describe, expect, it } from 'vitest';
import { startApiHarness } from '../api/harness.test-support.js';
import { deviceFor, next } from '../bridge/devices.test-support.js';
import { ANN, type DevicesHarness, REGISTRATION_NUMBER, startDevicesHarness } from '../devices/harness.test-support.js';
import { LoopbackPushService } from '../devices/push-service.test-support.js';
import type { Route } from '../testing/app-server.js';
import type { Bus } from './bus.js';
import { BUS_KINDS, clustersPerTest, type TestNode } from './devices-cluster.test-support.js';
import { presenceSet } from './devices-presence.js';

const NUMBER = '+15550143000';
const CALLER = '+15550100001';
const OWNED = '+15550143001';

const clusters = clustersPerTest();

const dialAlice = (timeout = 5) =>
  `<Response><Dial action="/dialed" timeout="${timeout}"><Client statusCallback="/client-status" statusCallbackEvent="initiated ringing answered completed"><Identity>alice</Identity><Parameter name="ticket" value="T-42"/></Client></Dial></Response>`;

function routes(timeout = 5): Record<string, Route> {
  return {
    '/voice': () => dialAlice(timeout),
    '/dialed': () => '<Response><Say>bye</Say></Response>',
    '/client-status': () => '',
    '/number': () => `<Response><Dial action="/dialed" timeout="20"><Number>${ANN}</Number></Dial></Response>`,
  };
}

/** Nodes of one cluster, the number answered by the app of `callerNode`. */
async function cluster(kind: (typeof BUS_KINDS)[number], ids: string[], callerNode: string, timeout = 5) {
  const running = await clusters.start(kind, ids, { routes: routes(timeout) });
  const caller = running.nodes[callerNode] as TestNode;
  await caller.harness.client.incomingPhoneNumbers.create({
    phoneNumber: NUMBER,
    voiceUrl: `${caller.harness.app.url}/voice`,
  });
  return { ...running, caller };
}

/** The nodes listed for an identity's registrations, as any node sees them. */
function listed(node: TestNode, accountSid: string, identity: string): Promise<string[]> {
  return node.bus.members(presenceSet(accountSid, identity));
}

async function registered(...devices: Device[]): Promise<void> {
  await Promise.all(devices.map((device) => device.register()));
}

/** A `<Dial>` timeout no "at once" test comes near: one that waits for it fails at its own timeout. */
const LONG_RING = 60;

/** Alice's laptop on node A, invited to a call that node B holds. */
async function ringingOnA(kind: (typeof BUS_KINDS)[number], timeout = 5) {
  const { device, caller, accountSid } = await cluster(kind, ['node-a', 'node-b'], 'node-b', timeout);
  const laptop = device('node-a', 'alice');
  await registered(laptop);
  await expect.poll(() => listed(caller, accountSid, 'alice')).toEqual(['node-a']);
  const invited = next(laptop, 'incoming');
  caller.harness.network.call({ from: CALLER, to: NUMBER });
  const [call] = await invited;
  return { caller, laptop, call };
}

/** The laptop unregisters while `call` rings it: it is told so, and the caller's `<Dial>` is no-answer. */
async function unregisteredWhileRinging(caller: TestNode, laptop: Device, call: Call): Promise<void> {
  const canceled = next(call, 'cancel');
  await laptop.unregister();
  expect(await canceled).toEqual(['unregistered']);
  const { runtime } = caller.harness;
  await runtime.calls.ended(runtime.calls.get(call.parameters.CallSid as string)?.parentCallSid as string);
  expect(caller.harness.app.requestsTo('/dialed')[0]?.params.DialCallStatus).toBe('no-answer');
}

/** Node A registers Ann's devices (its devices harness); node B runs the app of a number that rings her. */
async function numberCluster(kind: (typeof BUS_KINDS)[number]) {
  const running = await clusters.start(kind, ['node-a', 'node-b'], {
    routes: routes(),
    startNode: (index, options) => (index === 0 ? startDevicesHarness(options) : startApiHarness(options)),
  });
  const owner = running.nodes['node-a']?.harness as DevicesHarness;
  const caller = running.nodes['node-b'] as TestNode;
  await owner.client.incomingPhoneNumbers.create({ phoneNumber: OWNED, voiceUrl: `${caller.harness.app.url}/number` });
  return { owner, caller };
}

describe.each(BUS_KINDS)('devices across nodes (%s bus)', (kind) => {
  it("lists the nodes holding an identity's registrations until they unregister, or their node dies", async () => {
    const { nodes, accountSid, device } = await cluster(kind, ['node-a', 'node-b', 'node-c'], 'node-b');
    const [a, b] = [nodes['node-a'] as TestNode, nodes['node-b'] as TestNode];
    const laptop = device('node-a', 'alice');
    const phone = device('node-c', 'alice');
    await registered(laptop, phone);
    await expect.poll(() => listed(b, accountSid, 'alice')).toEqual(['node-a', 'node-c']);
    expect(await listed(b, accountSid, 'bob')).toEqual([]);
    await phone.unregister();
    await expect.poll(() => listed(b, accountSid, 'alice')).toEqual(['node-a']);
    // Still listed well past its TTL while alive: the entry is renewed.
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await listed(b, accountSid, 'alice')).toEqual(['node-a']);
    await a.kill();
    await expect.poll(() => listed(b, accountSid, 'alice'), { timeout: 3000 }).toEqual([]);
  });

  it('rings devices on other nodes: the first accept wins, the others are cancelled on every node, keys reach the caller', async () => {
    const { device, caller, accountSid } = await cluster(kind, ['node-a', 'node-b', 'node-c'], 'node-b');
    const laptop = device('node-a', 'alice');
    const phone = device('node-c', 'alice');
    const tablet = device('node-b', 'alice');
    await registered(laptop, phone, tablet);
    await expect.poll(() => listed(caller, accountSid, 'alice')).toHaveLength(3);

    const invited = Promise.all([next(laptop, 'incoming'), next(phone, 'incoming'), next(tablet, 'incoming')]);
    const party = caller.harness.network.call({ from: CALLER, to: NUMBER });
    const [[onLaptop], [onPhone], [onTablet]] = await invited;
    const callSid = onLaptop.parameters.CallSid as string;
    expect(onPhone.parameters.CallSid).toBe(callSid);
    expect(onTablet.parameters.CallSid).toBe(callSid);
    expect(onLaptop.parameters).toMatchObject({ From: CALLER, To: 'client:alice', ApiVersion: '2010-04-01' });
    expect(onPhone.customParameters.get('ticket')).toBe('T-42');

    const canceled = Promise.all([next(onPhone, 'cancel'), next(onTablet, 'cancel')]);
    await onLaptop.accept();
    expect(await canceled).toEqual([['answered-elsewhere'], ['answered-elsewhere']]);
    expect(onLaptop.status()).toBe('open');
    // The call and the device's leg live on the caller's node.
    const child = caller.harness.runtime.calls.get(callSid);
    expect(child).toMatchObject({ direction: 'outbound-dial', to: 'client:alice', status: 'in-progress' });
    await party.heard((entry) => entry.type === 'bridged');

    onLaptop.sendDigits('42');
    const heard = await party.heard((entry) => entry.type === 'heard-digits');
    expect(heard).toMatchObject({ digits: expect.stringMatching(/^4/) });

    const disconnected = next(onLaptop, 'disconnect');
    onLaptop.disconnect();
    await disconnected;
    const parent = await caller.harness.runtime.calls.ended(child?.parentCallSid as string);
    expect(parent.status).toBe('completed');
    expect(caller.harness.app.requestsTo('/dialed')[0]?.params).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: callSid,
    });
    await caller.harness.runtime.callbacks.drain();
    const statuses = caller.harness.app
      .requestsTo('/client-status')
      .map((request) => request.params)
      .sort((x, y) => Number(x.SequenceNumber) - Number(y.SequenceNumber));
    expect(statuses.map((params) => params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
  });

  it('ends the call on the device when the caller hangs up after it was answered on another node', async () => {
    const { caller, laptop, call } = await ringingOnA(kind);
    await call.accept();
    const disconnected = next(call, 'disconnect');
    await caller.harness.client.calls(call.parameters.CallSid as string).update({ status: 'completed' });
    await disconnected;
    expect(call.status()).toBe('closed');
    expect(laptop.calls).toEqual([]);
  });

  it('a reject on another node is busy for the caller and stops the other nodes ringing', async () => {
    const { device, caller, accountSid } = await cluster(kind, ['node-a', 'node-b', 'node-c'], 'node-b');
    const laptop = device('node-a', 'alice');
    const phone = device('node-c', 'alice');
    await registered(laptop, phone);
    await expect.poll(() => listed(caller, accountSid, 'alice')).toHaveLength(2);
    const invited = Promise.all([next(laptop, 'incoming'), next(phone, 'incoming')]);
    caller.harness.network.call({ from: CALLER, to: NUMBER });
    const [[call], [other]] = await invited;
    const canceled = next(other, 'cancel');
    await call.reject();
    expect(await canceled).toEqual(['rejected-elsewhere']);
    const callSid = call.parameters.CallSid as string;
    await caller.harness.runtime.calls.ended(caller.harness.runtime.calls.get(callSid)?.parentCallSid as string);
    expect(caller.harness.app.requestsTo('/dialed')[0]?.params.DialCallStatus).toBe('busy');
    expect(caller.harness.runtime.calls.get(callSid)?.status).toBe('busy');
    await expect(other.accept()).rejects.toMatchObject({ errorName: 'CallCancelled' });
  });

  it('cancels invitations on other nodes when the caller hangs up while they ring, and at the Dial timeout', async () => {
    const { device, caller, accountSid } = await cluster(kind, ['node-a', 'node-b'], 'node-b', 1);
    const laptop = device('node-a', 'alice');
    await registered(laptop);
    await expect.poll(() => listed(caller, accountSid, 'alice')).toEqual(['node-a']);
    const { runtime } = caller.harness;

    let invited = next(laptop, 'incoming');
    caller.harness.network.call({ from: CALLER, to: NUMBER });
    const [first] = await invited;
    const parentSid = runtime.calls.get(first.parameters.CallSid as string)?.parentCallSid as string;
    await runtime.calls.update(parentSid, { status: 'completed' });
    expect(await next(first, 'cancel')).toEqual(['canceled']);
    await expect(first.accept()).rejects.toMatchObject({ errorName: 'CallCancelled', code: 31008 });

    invited = next(laptop, 'incoming');
    caller.harness.network.call({ from: CALLER, to: NUMBER });
    const [second] = await invited;
    expect(await next(second, 'cancel')).toEqual(['no-answer']);
    await runtime.calls.ended(runtime.calls.get(second.parameters.CallSid as string)?.parentCallSid as string);
    expect(caller.harness.app.requestsTo('/dialed')[1]?.params.DialCallStatus).toBe('no-answer');
  });

  it('is no-answer at once when the only device on another node unregisters while it rings', async () => {
    const { caller, laptop, call } = await ringingOnA(kind, LONG_RING);
    await unregisteredWhileRinging(caller, laptop, call);
  }, 20_000);

  it("is no-answer at once when the device's withdrawal overtakes its node's reply to the invitation", async () => {
    const { nodes, device, caller, accountSid } = await cluster(kind, ['node-a', 'node-b'], 'node-b', LONG_RING);
    const laptop = device('node-a', 'alice');
    await registered(laptop);
    await expect.poll(() => listed(caller, accountSid, 'alice')).toEqual(['node-a']);
    // Node B hears node A's reply to the invitation only once B has handled A's word that the device went away.
    let handled = () => {};
    const withdrawal = new Promise<void>((resolve) => {
      handled = resolve;
    });
    const relay = (bus: Bus, method: string, then: () => Promise<void> | void) => {
      const request = bus.request.bind(bus);
      bus.request = async <T>(...args: Parameters<Bus['request']>) => {
        const reply = await request<T>(...args);
        if (args[1] === method) await then();
        return reply;
      };
    };
    relay(caller.bus, 'devices.invite', () => withdrawal);
    relay((nodes['node-a'] as TestNode).bus, 'devices.withdrawn', handled);
    const invited = next(laptop, 'incoming');
    caller.harness.network.call({ from: CALLER, to: NUMBER });
    const [call] = await invited;
    await unregisteredWhileRinging(caller, laptop, call);
  }, 20_000);

  it("a call on one node to a registered number rings the number's devices connected to another node", async () => {
    const { owner, caller } = await numberCluster(kind);
    const registered = await owner.registration('ann', 'ann-phone').bySms(owner.phone(ANN), REGISTRATION_NUMBER);
    const annPhone = deviceFor(owner, owner.token('ann'));
    try {
      await annPhone.register();
      caller.harness.network.addNumber(ANN, { onCall: 'answer' });
      await expect.poll(() => listed(caller, owner.account.sid, 'ann')).toEqual(['node-a']);
      const invited = next(annPhone, 'incoming');
      const party = caller.harness.network.call({ from: CALLER, to: OWNED });
      const [call] = await invited;
      expect(call.parameters).toMatchObject({ From: CALLER, To: ANN });
      await call.accept();
      const child = caller.harness.runtime.calls.get(call.parameters.CallSid as string);
      expect(child).toMatchObject({ to: ANN, status: 'in-progress' });
      // Answered in the app: the number itself was never rung.
      expect(caller.harness.network.party(ANN)).toBeUndefined();
      call.disconnect();
      await caller.harness.runtime.calls.ended(child?.parentCallSid as string);
      expect(caller.harness.app.requestsTo('/dialed')[0]?.params).toMatchObject({ DialCallStatus: 'completed' });
      expect(party.lines()).toContain('bridged client:ann');
      // Online on node A, the device was rung there, not woken (no notice, no wake-up text) as if offline.
      expect(await fetchNotices(owner.base, registered.credential)).toEqual([]);
    } finally {
      annPhone.destroy();
    }
  });

  it('devices woken for a call on one node that connect to another are offered the call there; one accepts and is bridged', async () => {
    const { owner, caller } = await numberCluster(kind);
    const push = await LoopbackPushService.start();
    clusters.later(() => push.close());
    for (const id of ['ann-browser', 'ann-laptop'])
      await owner.registration('ann', id, { wakeUp: push.subscribe() }).bySms(owner.phone(ANN), REGISTRATION_NUMBER);
    caller.harness.network.addNumber(ANN, { onCall: 'answer' });
    // Offline everywhere: node B, holding the call, wakes both by Web Push.
    const pushed = Promise.all([push.next(), push.next()]);
    const party = caller.harness.network.call({ from: CALLER, to: OWNED });
    const [woken] = (await pushed).map((push) => JSON.parse(push.payload) as { data: Record<string, string> });
    // Woken, they connect to node A (wherever the balancer sends them) and register there: the
    // first is offered the call by node B, the second by node A, which already rings it.
    const connect = async () => {
      const device = deviceFor(owner, owner.token('ann'));
      clusters.later(async () => device.destroy());
      const invited = next(device, 'incoming');
      await device.register();
      const [call] = await invited;
      expect(call.parameters).toMatchObject({ CallSid: woken?.data.CallSid, From: CALLER, To: ANN });
      return call;
    };
    const browser = await connect();
    const laptop = await connect();
    const canceled = next(browser, 'cancel');
    await laptop.accept();
    expect(await canceled).toEqual(['answered-elsewhere']);
    const child = caller.harness.runtime.calls.get(woken?.data.CallSid as string);
    expect(child).toMatchObject({ to: ANN, status: 'in-progress' });
    expect(caller.harness.network.party(ANN)).toBeUndefined();
    laptop.disconnect();
    await caller.harness.runtime.calls.ended(child?.parentCallSid as string);
    expect(caller.harness.app.requestsTo('/dialed')[0]?.params).toMatchObject({ DialCallStatus: 'completed' });
    expect(party.lines()).toContain('bridged client:ann');
  });
});
