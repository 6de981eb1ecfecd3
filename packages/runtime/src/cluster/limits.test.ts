/**
 * Per-account caps across the cluster (docs/cluster.md, "Limits across the cluster"): device
 * sessions (devices-limits.ts) and inbound calls past the account's live calls (nodes-limits.ts,
 * calls/inbound-gate.ts), on both buses.
 */
import { describe, expect, it } from 'vitest';
import { deviceFor, newKey, RawDevice, tokenFor } from '../bridge/devices.test-support.js';
import type { RuntimeEvents } from '../interpreter/types.js';
import { BUS_KINDS, clustersPerTest, type TestNode } from './devices-cluster.test-support.js';

const clusters = clustersPerTest();

const REFUSED = { type: 'error', error: { name: 'AccountLimitExceeded', code: 31206 } };

/** Two nodes whose account may have two device sessions, across the cluster. */
async function twoNodes(kind: (typeof BUS_KINDS)[number]) {
  const cluster = await clusters.start(kind, ['node-a', 'node-b'], { harness: { limits: { deviceSessions: 2 } } });
  const a = cluster.nodes['node-a'] as TestNode;
  const b = cluster.nodes['node-b'] as TestNode;
  const sessions = () => b.bus.count(`devices:${cluster.accountSid}`);
  return { cluster, a, b, sessions, token: tokenFor(a.harness, cluster.key, 'alice') };
}

/** A raw device's hello to `node`: the welcome, or the refusal. */
async function hello(node: TestNode, token: string, resume?: { session: string; received: number }) {
  const opened = await RawDevice.open(node.harness, token, resume);
  clusters.later(async () => opened.device.socket.close());
  return opened;
}

describe.each(BUS_KINDS)("an account's device sessions across the cluster (%s bus)", (kind) => {
  it('refuses a session past the limit on any node; one that ends gives its unit back once', async () => {
    const { a, b, sessions, token } = await twoNodes(kind);
    const first = await hello(a, token);
    expect(first.welcome.type).toBe('welcome');
    expect((await hello(b, token)).welcome.type).toBe('welcome');
    expect((await hello(a, token)).welcome).toMatchObject(REFUSED);
    expect((await hello(b, token)).welcome).toMatchObject(REFUSED);
    expect(await sessions()).toBe(2);

    // A session that says bye (closed) frees its unit once: one more, not two, may open.
    first.device.send({ type: 'bye' });
    await first.device.closed;
    await expect.poll(sessions).toBe(1);
    expect((await hello(b, token)).welcome.type).toBe('welcome');
    expect((await hello(b, token)).welcome).toMatchObject(REFUSED);
  });

  it('at the limit, a device back on another node resumes its session through it, over a WebSocket or long-poll', async () => {
    const { cluster, a, b, sessions, token } = await twoNodes(kind);
    const alice = await hello(a, token);
    const bob = await hello(a, tokenFor(a.harness, cluster.key, 'bob'));
    const named = (opened: typeof alice) => ({ session: (opened.welcome as { session: string }).session, received: 0 });
    // Alice's connection drops; she comes back through the balancer to node B, naming her session:
    // over a WebSocket it is relayed to node A, where it lives, and takes no other unit.
    alice.device.socket.close();
    await alice.device.closed;
    const back = await hello(b, token, named(alice));
    expect(back.welcome).toMatchObject({ type: 'welcome', resumed: true });
    expect(await sessions()).toBe(2);
    expect(a.harness.runtime.devices?.size).toBe(2);
    back.device.socket.close();
    await back.device.closed;
    // So over long-poll: the hello is relayed too, and her polls through node B are answered at node A.
    const polled = await fetch(`${b.harness.base}/devices/v1/poll`, {
      method: 'POST',
      body: JSON.stringify({ type: 'hello', v: 1, token, resume: named(alice) }),
    });
    expect(((await polled.json()) as { messages: unknown[] }).messages[0]).toMatchObject({
      type: 'welcome',
      resumed: true,
    });
    const pinged = await fetch(`${b.harness.base}/devices/v1/poll`, {
      method: 'POST',
      headers: { 'x-patchbay-session': named(alice).session },
      body: JSON.stringify({ messages: [{ type: 'ping' }] }),
    });
    expect(pinged.status).toBe(200);
    expect(await pinged.json()).toEqual({ messages: [{ type: 'pong' }] });
    expect(await sessions()).toBe(2);
    expect(a.harness.runtime.devices?.size).toBe(2);
    expect(b.harness.runtime.devices?.size).toBe(0);
    // Naming another identity's session takes nothing from it.
    expect((await hello(b, token, named(bob))).welcome).toMatchObject(REFUSED);
    expect(a.harness.runtime.devices?.size).toBe(2);
  });

  it("frees a revoked session's unit, and a dead node's, for sessions on the others", async () => {
    const { a, b, sessions, token } = await twoNodes(kind);
    const revoked = await newKey(b.harness);
    const onB = await hello(b, tokenFor(b.harness, revoked, 'bob'));
    expect(onB.welcome.type).toBe('welcome');
    expect((await hello(a, token)).welcome.type).toBe('welcome');
    expect((await hello(b, token)).welcome).toMatchObject(REFUSED);

    // Its key deleted, bob's session ends: its unit comes back.
    await b.harness.client.keys(revoked.sid).remove();
    await onB.device.closed;
    await expect.poll(sessions).toBe(1);
    expect((await hello(b, token)).welcome.type).toBe('welcome');
    expect((await hello(b, token)).welcome).toMatchObject(REFUSED);

    // Node A dies with its session: once it is declared down, its unit is free again.
    await a.crash();
    await expect.poll(sessions).toBe(1);
    expect((await hello(b, token)).welcome.type).toBe('welcome');
    expect((await hello(b, token)).welcome).toMatchObject(REFUSED);
  });
});

const LINE = '+15550144000';
const CALLER = '+15550100001';
const OTHER = '+15550100002';

describe.each(BUS_KINDS)("inbound calls past the account's live calls across the cluster (%s bus)", (kind) => {
  it("refuses them busy without a record (a device's with AccountLimitExceeded); the held call's end frees one unit", async () => {
    const cluster = await clusters.start(kind, ['node-a', 'node-b'], {
      routes: { '/hold': () => '<Response><Pause length="30"/></Response>' },
      harness: { limits: { concurrentCalls: 1 } },
    });
    const a = cluster.nodes['node-a'] as TestNode;
    const b = cluster.nodes['node-b'] as TestNode;
    const voiceUrl = `${a.harness.app.url}/hold`;
    await a.harness.client.incomingPhoneNumbers.create({ phoneNumber: LINE, voiceUrl });
    const app = await a.harness.client.applications.create({ voiceUrl, friendlyName: 'hold' });
    const device = deviceFor(b.harness, tokenFor(a.harness, cluster.key, 'alice', { outgoingApplicationSid: app.sid }));
    clusters.later(async () => device.destroy());
    const units = () => b.bus.count(`calls:${cluster.accountSid}`);

    const holding = a.harness.network.call({ from: CALLER, to: LINE });
    await expect.poll(units).toBe(1);
    const rejected = new Promise<Parameters<RuntimeEvents['incoming.rejected']>[0]>((resolve) =>
      b.harness.runtime.events.once('incoming.rejected', resolve),
    );
    const refused = b.harness.network.call({ from: OTHER, to: LINE });
    const declined = await refused.heard((entry) => entry.type === 'busy' || entry.type === 'rejected');
    expect(declined.type).toBe('busy');
    expect(await rejected).toMatchObject({ kind: 'call', to: LINE, from: OTHER, error: { code: 10004 } });
    await expect(device.connect()).rejects.toMatchObject({ errorName: 'AccountLimitExceeded' });
    expect((await b.harness.client.calls.list()).map((call) => call.from)).toEqual([CALLER]);
    expect(await units()).toBe(1);

    // The held call ends: its unit comes back once, so one more call may start, not two.
    a.harness.network.hangUp(holding);
    await expect.poll(units).toBe(0);
    const call = await device.connect();
    expect(call.callSid).toMatch(/^CA/);
    const busy = b.harness.network.call({ from: OTHER, to: LINE });
    await busy.heard((entry) => entry.type === 'busy');
    expect(await units()).toBe(1);
  });
});
