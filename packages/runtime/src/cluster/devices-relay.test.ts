/**
 * A device reconnecting to a node that does not hold its session (through a balancer) resumes
 * it where it lives, relayed over the bus (cluster/devices-relay.ts), on both buses.
 */
import type { ServerMessage } from '@patchbay/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { RawDevice, tokenFor } from '../bridge/devices.test-support.js';
import { BUS_KINDS, clustersPerTest, type TestNode } from './devices-cluster.test-support.js';

const NUMBER = '+15550145000';
const CALLER = '+15550100045';

const clusters = clustersPerTest();

const seqOf = (message: ServerMessage) => ('seq' in message ? message.seq : 0);

/** Alice's device on node A, in a call node A holds; her connection then drops. */
async function inCallOnA(kind: (typeof BUS_KINDS)[number]) {
  const running = await clusters.start(kind, ['node-a', 'node-b'], {
    routes: { '/voice': () => '<Response><Dial timeout="20"><Client>alice</Client></Dial></Response>' },
  });
  const a = running.nodes['node-a'] as TestNode;
  const b = running.nodes['node-b'] as TestNode;
  await a.harness.client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: `${a.harness.app.url}/voice` });
  const token = tokenFor(a.harness, running.key, 'alice');
  const { device, welcome } = await RawDevice.open(a.harness, token);
  const session = welcome.type === 'welcome' ? welcome.session : '';
  expect(await device.request({ type: 'register' })).toMatchObject({ ok: true });
  a.harness.network.call({ from: CALLER, to: NUMBER });
  const invite = await device.next((m) => m.type === 'invite');
  if (invite.type !== 'invite') throw new Error('expected an invite');
  expect(await device.request({ type: 'accept', callToken: invite.callToken })).toMatchObject({ ok: true });
  await device.next((m) => m.type === 'call' && m.state === 'open');
  const received = Math.max(...device.received.map(seqOf));
  device.close();
  return { running, a, b, token, session, received, callSid: invite.callSid };
}

describe.each(BUS_KINDS)('a session reached through another node (%s bus)', (kind) => {
  it('resumes where it lives: the call goes on, and is hung up through the node reached', async () => {
    const { running, a, b, token, session, received, callSid } = await inCallOnA(kind);
    const { device, welcome } = await RawDevice.open(b.harness, token, { session, received });
    expect(welcome).toMatchObject({ type: 'welcome', session, resumed: true, registered: true });
    // Node B opened nothing of its own: the session is node A's, still registered there.
    expect(b.harness.runtime.devices?.presenceOf(running.accountSid, 'alice')).toEqual([]);
    expect(a.harness.runtime.devices?.presenceOf(running.accountSid, 'alice')[0]?.registrations).toBe(1);
    expect(a.harness.runtime.calls.get(callSid)?.status).toBe('in-progress');
    // Both ways, in order: a ping answered, then the hang-up carried out where the call lives.
    device.send({ type: 'ping' });
    await device.next((m) => m.type === 'pong');
    expect(await device.request({ type: 'hangup', callSid })).toMatchObject({ ok: true });
    await a.harness.runtime.calls.ended(callSid);
    expect(a.harness.runtime.calls.get(callSid)?.status).toBe('completed');
    expect(await device.next((m) => m.type === 'call' && m.state === 'closed')).toMatchObject({ callSid });
    device.close();
  });

  it("refuses a bad token with the holder's typed error; another's session, or one nobody holds, opens anew", async () => {
    const { running, a, b, token, session, received } = await inCallOnA(kind);
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    const { device: refused, welcome: refusal } = await RawDevice.open(b.harness, forged, { session, received });
    expect(refusal).toMatchObject({ type: 'error', fatal: true, error: { name: 'AccessTokenSignatureInvalid' } });
    expect((await refused.closed).code).toBe(4401);
    // The session stays node A's, waiting for its own device.
    expect(a.harness.runtime.devices?.presenceOf(running.accountSid, 'alice')[0]?.registrations).toBe(1);
    for (const [identity, resume] of [
      ['bob', session],
      ['carol', 'no-such-session'],
    ] as const) {
      const other = tokenFor(a.harness, running.key, identity);
      const { device, welcome } = await RawDevice.open(b.harness, other, { session: resume, received: 0 });
      expect(welcome).toMatchObject({ type: 'welcome', resumed: false, identity });
      expect(b.harness.runtime.devices?.session(welcome.type === 'welcome' ? welcome.session : '')).toBeDefined();
      device.close();
    }
  });

  it('closes the relayed connection when the node holding the session goes down', async () => {
    const { a, b, token, session, received } = await inCallOnA(kind);
    const { device, welcome } = await RawDevice.open(b.harness, token, { session, received });
    expect(welcome).toMatchObject({ resumed: true });
    await a.kill();
    expect(await device.closed).toMatchObject({ code: 1012 });
  });
});
