/**
 * The event stream across two nodes on a real redis-server, each reached directly: a stream on
 * one node carries the account's events from the other, in order, nothing twice; another
 * account's stream gets none of them; the cap on streams counts the cluster's; a reader resumes
 * on a node that never streamed the account with exactly what it missed.
 */
import { describe, expect, it } from 'vitest';
import { basic, isEvent, open } from '../api/event-stream.test-support.js';
import { otherAccount } from '../api/simulator.test-support.js';
import { restNodesPerTest } from './rest-nodes.test-support.js';

const PEER = '+15550007101';
const FROM = '+15550007100';
const startNodes = restNodesPerTest();
const nodes = (maxStreamsPerAccount = 16) =>
  startNodes('redis', ['node-a', 'node-b'], {
    routeByNumber: false,
    setup: (network) => network.addNumber(PEER, { ringMs: 20, hangupAfterMs: 100 }),
    api: { events: { maxStreamsPerAccount } },
  });

const statuses = (stream: Awaited<ReturnType<typeof open>>, sid: string) =>
  stream
    .events()
    .map((item) => JSON.parse(item.data) as { sid: string; status: string })
    .filter((data) => data.sid === sid)
    .map((data) => data.status);

describe('event stream across nodes', () => {
  it("carries an account's events from every node to its streams only, and caps streams across the cluster", async () => {
    const [a, b] = await nodes(1);
    if (!a || !b) throw new Error('two nodes');
    const auth = basic(a.account.sid, a.account.authToken);
    const mine = await open(a.base, a.account.sid, auth);
    const other = await otherAccount(a);
    const theirs = await open(b.base, other.sid, basic(other.sid, other.authToken));
    // The account's one stream is open on node A: node B refuses a second.
    const second = await fetch(`${b.base}/events/v1/Accounts/${a.account.sid}/Stream`, {
      headers: { authorization: auth },
    });
    expect([second.status, ((await second.json()) as { code: number }).code]).toEqual([429, 20429]);

    const call = await b.client.calls.create({
      to: PEER,
      from: FROM,
      twiml: '<Response><Pause length="1"/></Response>',
    });
    expect(b.runtime.calls.get(call.sid)).toBeDefined();
    await mine.next(isEvent('call.status', (d) => d.sid === call.sid && d.status === 'completed'));
    expect(statuses(mine, call.sid)).toEqual(['queued', 'ringing', 'in-progress', 'completed']);
    const ids = mine.events().map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(theirs.events()).toEqual([]);
    mine.close();
    theirs.close();
  });

  it('resumes on a node that never streamed the account: exactly the events missed', async () => {
    const [a, b] = await nodes();
    if (!a || !b) throw new Error('two nodes');
    const auth = basic(a.account.sid, a.account.authToken);
    const reference = await open(a.base, a.account.sid, auth);
    const first = await open(a.base, a.account.sid, auth);
    const one = await b.client.calls.create({ to: PEER, from: FROM, twiml: '<Response/>' });
    const seen = (await first.next(isEvent('call.status', (d) => d.sid === one.sid && d.status === 'ringing'))) as {
      id: string;
    };
    first.close();
    const two = await a.client.calls.create({ to: PEER, from: FROM, twiml: '<Response/>' });
    const last = (await reference.next(
      isEvent('call.status', (d) => d.sid === two.sid && d.status === 'completed'),
    )) as {
      id: string;
    };
    const resumed = await open(b.base, a.account.sid, auth, { 'last-event-id': seen.id });
    await resumed.next((item) => item.kind === 'event' && item.id === last.id);
    const ids = reference.events().map((item) => item.id);
    expect(resumed.events().map((item) => item.id)).toEqual(
      ids.slice(ids.indexOf(seen.id) + 1, ids.indexOf(last.id) + 1),
    );
    expect(resumed.items.some((item) => item.kind === 'event' && item.event === 'stream.gap')).toBe(false);
    // An id no live node made: a gap, the reader told the node it came from restarted.
    const stale = await open(b.base, a.account.sid, auth, { 'last-event-id': '00000000-5' });
    expect(JSON.parse(((await stale.next(isEvent('stream.gap'))) as { data: string }).data)).toMatchObject({
      reason: 'restarted',
    });
    for (const stream of [reference, resumed, stale]) stream.close();
  });
});
