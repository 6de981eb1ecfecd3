/**
 * The event stream over real HTTP: what a reader sees (ringing included), who may read what,
 * resuming with Last-Event-ID, heartbeats, slow readers and shutdown.
 */
import { request as httpGet } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import type { MessageRecord } from '../messaging/types.js';
import { basic, isEvent, open } from './event-stream.test-support.js';
import { type ApiHarness, type ApiHarnessOptions, clusterSize, startApiHarness } from './harness.test-support.js';

const PEER = '+15550007001';
const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function setup(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const harness = await startApiHarness({
    routeByNumber: false,
    setup: (network) => network.addNumber(PEER, { ringMs: 20, hangupAfterMs: 100 }),
    ...options,
  });
  harnesses.push(harness);
  return harness;
}

describe('event stream', () => {
  it("streams a call's events as they happen, ringing included, each with an id", async () => {
    const { base, account, client } = await setup();
    const stream = await open(base, account.sid, basic(account.sid, account.authToken));
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const call = await client.calls.create({
      to: PEER,
      from: '+15550007000',
      twiml: '<Response><Pause length="1"/></Response>',
    });
    await stream.next(isEvent('call.status', (d) => d.sid === call.sid && d.status === 'completed'));
    const mine = stream.events().filter((item) => JSON.parse(item.data).sid === call.sid);
    expect(mine.map((item) => [item.event, JSON.parse(item.data).status])).toEqual([
      ['call.created', 'queued'],
      ['call.status', 'ringing'],
      ['call.status', 'in-progress'],
      ['call.status', 'completed'],
    ]);
    expect(JSON.parse(mine[1]?.data as string)).toMatchObject({
      sid: call.sid,
      account_sid: account.sid,
      direction: 'outbound-api',
      from: '+15550007000',
      to: PEER,
      previous_status: 'queued',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const ids = mine.map((item) => item.id as string);
    expect(new Set(ids).size).toBe(4);
    stream.close();
  });

  it('authenticates like the REST API and shows an account and its subaccounts only', async () => {
    const { base, account, client, clientFor } = await setup();
    const none = await fetch(`${base}/events/v1/Accounts/${account.sid}/Stream`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 20003 });
    const wrong = await fetch(`${base}/events/v1/Accounts/${account.sid}/Stream`, {
      headers: { authorization: basic(account.sid, 'wrong') },
    });
    expect(wrong.status).toBe(401);
    const sub = await client.api.v2010.accounts.create({ friendlyName: 'Tenant' });
    const subClient = clientFor(sub.sid, sub.authToken);
    // The subaccount may not read its parent's stream.
    const up = await fetch(`${base}/events/v1/Accounts/${account.sid}/Stream`, {
      headers: { authorization: basic(sub.sid, sub.authToken) },
    });
    expect(up.status).toBe(404);

    const parent = await open(base, account.sid, basic(account.sid, account.authToken));
    const child = await open(base, sub.sid, basic(sub.sid, sub.authToken));
    const parentCall = await client.calls.create({ to: PEER, from: '+15550007000', twiml: '<Response/>' });
    const subCall = await subClient.calls.create({ to: PEER, from: '+15550007000', twiml: '<Response/>' });
    for (const sid of [parentCall.sid, subCall.sid])
      await parent.next(isEvent('call.status', (d) => d.sid === sid && d.status === 'completed'));
    await child.next(isEvent('call.status', (d) => d.sid === subCall.sid && d.status === 'completed'));
    expect(child.events().some((item) => JSON.parse(item.data).sid === parentCall.sid)).toBe(false);
    parent.close();
    child.close();
  });

  it('resumes with Last-Event-ID: exactly the events missed, none repeated', async () => {
    const { base, account, client } = await setup();
    const auth = basic(account.sid, account.authToken);
    const reference = await open(base, account.sid, auth);
    const first = await open(base, account.sid, auth);
    const one = await client.calls.create({ to: PEER, from: '+15550007000', twiml: '<Response/>' });
    const seen = await first.next(isEvent('call.status', (d) => d.sid === one.sid && d.status === 'ringing'));
    first.close();
    const two = await client.calls.create({ to: PEER, from: '+15550007000', twiml: '<Response/>' });
    const last = await reference.next(isEvent('call.status', (d) => d.sid === two.sid && d.status === 'completed'));
    const resumed = await open(base, account.sid, auth, { 'last-event-id': (seen as { id: string }).id });
    await resumed.next((item) => item.kind === 'event' && item.id === (last as { id: string }).id);
    const ids = (stream: { events(): Array<{ id: string | undefined }> }) => stream.events().map((item) => item.id);
    const from = ids(reference).indexOf((seen as { id: string }).id) + 1;
    const to = ids(reference).indexOf((last as { id: string }).id) + 1;
    expect(from).toBeGreaterThan(0);
    expect(ids(resumed).slice(0, to - from)).toEqual(ids(reference).slice(from, to));
    expect(resumed.items.some((item) => item.kind === 'event' && item.event === 'stream.gap')).toBe(false);
    // An id from before a restart (another run) is answered with a gap notice.
    const stale = await open(base, account.sid, auth, { 'last-event-id': '00000000-5' });
    expect(JSON.parse(((await stale.next(isEvent('stream.gap'))) as { data: string }).data)).toEqual({
      reason: 'restarted',
      last_event_id: '00000000-5',
    });
    for (const stream of [reference, resumed, stale]) stream.close();
  });

  it('sends heartbeats on an idle stream', async () => {
    const clock = new VirtualClock();
    const { base, account } = await setup({ api: { events: { clock, heartbeatMs: 15_000 } } });
    const started = clock.now();
    const stream = await open(base, account.sid, basic(account.sid, account.authToken));
    await stream.next((item) => item.kind === 'comment' && item.text === 'connected');
    await stream.next((item) => item.kind === 'comment' && item.text === 'heartbeat');
    expect(clock.now() - started).toBeGreaterThanOrEqual(15_000);
    stream.close();
  });

  // Not in cluster mode: through nginx a reader's events cross two connections, whose socket
  // buffers hold the whole flood, so it never falls behind at the node (the cap on streams across
  // the cluster is tested in cluster/event-stream.test.ts).
  it.skipIf(clusterSize() > 1)(
    'disconnects a reader that falls too far behind, and limits streams per account',
    async () => {
      const { base, account, runtime } = await setup({
        api: { events: { maxBufferedBytes: 64 * 1024, maxStreamsPerAccount: 1 } },
      });
      const auth = basic(account.sid, account.authToken);
      const url = new URL(`${base}/events/v1/Accounts/${account.sid}/Stream`);
      const slow = await new Promise<import('node:http').IncomingMessage>((resolve) =>
        httpGet(url, { headers: { authorization: auth } }, resolve).end(),
      );
      slow.pause();
      const second = await fetch(url, { headers: { authorization: auth } });
      expect([second.status, ((await second.json()) as { code: number }).code]).toEqual([429, 20429]);
      // 20 MB of events, more than the socket buffers hold.
      const body = 'x'.repeat(1600);
      const flood = 12_000;
      for (let i = 0; i < flood; i++) {
        const message: MessageRecord = {
          sid: `SM${String(i).padStart(32, '0')}`,
          accountSid: account.sid,
          direction: 'inbound',
          from: '+1',
          to: '+2',
          body,
          mediaUrls: [],
          status: 'received',
          createdAt: 0,
          updatedAt: 0,
        };
        runtime.events.emit('message.updated', message);
      }
      let received = '';
      slow.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8');
      });
      slow.on('error', () => undefined);
      await new Promise((resolve) => {
        slow.once('close', resolve);
        slow.resume();
      });
      // Closed by the server (the reader never caught up with the last event).
      expect(received).not.toContain(`SM${String(flood - 1).padStart(32, '0')}`);
      // Its place is free again.
      const again = await open(base, account.sid, auth);
      expect(again.response.status).toBe(200);
      again.close();
    },
  );

  it('tells readers the server is closing, then ends their streams', async () => {
    const harness = await startApiHarness();
    const stream = await open(harness.base, harness.account.sid, basic(harness.account.sid, harness.account.authToken));
    await stream.next((item) => item.kind === 'comment' && item.text === 'connected');
    await harness.close();
    await stream.done;
    expect(stream.events().map((item) => item.event)).toEqual(['stream.closing']);
  });
});
