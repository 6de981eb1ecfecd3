/**
 * A long-poll device whose requests start reaching another node (its address changed, so the
 * balancer's hash picks another node) goes on with the session it has, answered where it lives
 * (cluster/devices-poll-relay.ts), on both buses: an SDK device behind a loopback forwarder that
 * the test points at node A, then at node B.
 */
import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Device } from '@patchbay/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { next, tokenFor } from '../bridge/devices.test-support.js';
import { BUS_KINDS, clustersPerTest, type TestNode } from './devices-cluster.test-support.js';

const NUMBER = '+15550146000';
const CALLER = '+15550100046';

const clusters = clustersPerTest();
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * A forwarder on loopback, as a balancer picking a node: `moveTo` sends the requests that follow
 * to another node and cuts those in flight (the device's address changed); `seen` is what each
 * request got, in order: its method, whether it named a session, where it went, and its status.
 */
async function forwarder(to: string) {
  let base = to;
  const inFlight = new Set<{ destroy(): void }>();
  const seen: Array<{ method: string; session: boolean; to: string; status?: number | undefined }> = [];
  const server = createServer((req, res) => {
    const entry: (typeof seen)[number] = {
      method: req.method ?? '',
      session: 'x-patchbay-session' in req.headers,
      to: base,
    };
    seen.push(entry);
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    const forwarded = httpRequest(
      `${base}${req.url ?? '/'}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        entry.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    res.on('close', () => forwarded.destroy());
    req.pipe(forwarded);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    moveTo(next: string) {
      base = next;
      for (const res of [...inFlight]) res.destroy();
    },
  };
}

async function aliceOverLongPoll(kind: (typeof BUS_KINDS)[number]) {
  const running = await clusters.start(kind, ['node-a', 'node-b'], {
    routes: { '/voice': () => '<Response><Dial timeout="20"><Client>alice</Client></Dial></Response>' },
  });
  const a = running.nodes['node-a'] as TestNode;
  const b = running.nodes['node-b'] as TestNode;
  const number = await a.harness.client.incomingPhoneNumbers.create({
    phoneNumber: NUMBER,
    voiceUrl: `${a.harness.app.url}/voice`,
  });
  const balancer = await forwarder(a.harness.base);
  const alice = new Device(tokenFor(a.harness, running.key, 'alice'), {
    server: balancer.url,
    transport: 'long-poll',
    reconnectDelayMs: 20,
  });
  await alice.register();
  const session = a.harness.runtime.devices?.presenceOf(running.accountSid, 'alice')[0];
  expect(session?.registrations).toBe(1);
  return { running, a, b, alice, balancer, number };
}

describe.each(BUS_KINDS)('a long-poll device reaching another node (%s bus)', (kind) => {
  it('is rung, answers and hangs up through it, in the session it has where that lives', async () => {
    const { running, a, b, alice, balancer } = await aliceOverLongPoll(kind);
    try {
      // Her address changes: her poll waiting at node A is cut, and what follows goes to node B.
      balancer.moveTo(b.harness.base);
      const relayedGet = () =>
        balancer.seen.some((entry) => entry.to === b.harness.base && entry.method === 'GET' && entry.session);
      await expect.poll(relayedGet, { timeout: 10_000 }).toBe(true);
      const invited = next(alice, 'incoming');
      a.harness.network.call({ from: CALLER, to: NUMBER });
      const [call] = await invited;
      expect(call.parameters).toMatchObject({ From: CALLER, To: 'client:alice' });
      await call.accept();
      if (call.status() !== 'open') await next(call, 'accept');
      const legSid = call.parameters.CallSid as string;
      const seen = () => JSON.stringify(balancer.seen);
      expect(a.harness.runtime.calls.get(legSid)?.status).toBe('in-progress');
      // Node B holds nothing of hers: the session, its registration and the call are node A's.
      expect(b.harness.runtime.devices?.size, seen()).toBe(0);
      expect(a.harness.runtime.devices?.presenceOf(running.accountSid, 'alice')[0]?.registrations).toBe(1);
      const disconnected = next(call, 'disconnect');
      call.disconnect();
      await disconnected;
      await a.harness.runtime.calls.ended(legSid);
      expect(a.harness.runtime.calls.get(legSid)?.status).toBe('completed');
      expect(b.harness.runtime.devices?.size, seen()).toBe(0);
      // Node B answered her polls and posts, relayed: none was refused.
      const atB = balancer.seen.filter((entry) => entry.to === b.harness.base && entry.session);
      expect(atB.filter((entry) => entry.method === 'GET' && entry.status === 200).length, seen()).toBeGreaterThan(0);
      expect(atB.filter((entry) => entry.method === 'POST' && entry.status === 200).length, seen()).toBeGreaterThan(0);
      expect(atB.filter((entry) => entry.status !== undefined && entry.status !== 200)).toEqual([]);
    } finally {
      alice.destroy();
    }
  });

  it('opens a new session where it is once the node that held its session is gone', async () => {
    const { running, a, b, alice, balancer, number } = await aliceOverLongPoll(kind);
    try {
      balancer.moveTo(b.harness.base);
      await a.crash();
      // (Node A's app server went with it.)
      await b.harness.client.incomingPhoneNumbers(number.sid).update({ voiceUrl: `${b.harness.app.url}/voice` });
      // Node B is told no node holds the session; the device says hello there and registers again.
      await expect
        .poll(() => b.harness.runtime.devices?.presenceOf(running.accountSid, 'alice')[0]?.registrations, {
          timeout: 10_000,
        })
        .toBe(1);
      const invited = next(alice, 'incoming');
      b.harness.network.call({ from: CALLER, to: NUMBER });
      const [call] = await invited;
      expect(call.parameters).toMatchObject({ From: CALLER, To: 'client:alice' });
      await call.reject();
    } finally {
      alice.destroy();
    }
  });

  it('answers a poll naming a session no node holds 404, with a typed error', async () => {
    const { b, alice } = await aliceOverLongPoll(kind);
    alice.destroy();
    // Not a session id at all, and one of the right form that no node holds.
    for (const session of ['no-such-session', 'A'.repeat(22)]) {
      const answer = await fetch(`${b.harness.base}/devices/v1/poll?after=0`, {
        headers: { 'x-patchbay-session': session },
      });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toMatchObject({
        messages: [{ type: 'error', fatal: true, error: { name: 'RegistrationError' } }],
      });
    }
  });
});
