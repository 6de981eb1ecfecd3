import { afterEach, describe, expect, it } from 'vitest';
import type { Route } from '../testing/app-server.js';
import type { AccountRecord, KeyRecord } from './auth.js';
import { type ApiHarness, officialClient, startApiHarness } from './harness.test-support.js';

const PEER = '+15550006001';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function setup(routes: Record<string, Route> = {}): Promise<ApiHarness> {
  const harness = await startApiHarness({
    routes: {
      '/call': () => '<Response><Say>Hello from the app</Say><Pause length="1"/></Response>',
      '/status': () => '',
      ...routes,
    },
    routeByNumber: false,
    setup: (network) => network.addNumber(PEER, { ringMs: 20, hangupAfterMs: 200 }),
  });
  harnesses.push(harness);
  return harness;
}

describe('REST API with the official client', () => {
  it('creates calls with Url and with Twiml, fetches them, and hangs one up', async () => {
    const { client, app, runtime } = await setup();
    const byUrl = await client.calls.create({
      to: PEER,
      from: '+15550006000',
      url: `${app.url}/call`,
      statusCallback: `${app.url}/status`,
      statusCallbackEvent: ['initiated', 'completed'],
    });
    expect(byUrl.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(byUrl.status).toBe('queued');
    expect(byUrl.direction).toBe('outbound-api');
    const byTwiml = await client.calls.create({
      to: PEER,
      from: '+15550006000',
      twiml: '<Response><Pause length="30"/></Response>',
    });
    await new Promise<void>((resolve) =>
      runtime.events.on('call.verb', (call) => call.sid === byTwiml.sid && resolve()),
    );
    const live = await client.calls(byTwiml.sid).fetch();
    expect(live.status).toBe('in-progress');
    expect(live.startTime).toBeInstanceOf(Date);
    const ended = await client.calls(byTwiml.sid).update({ status: 'completed' });
    expect(ended.status).toBe('completed');
    await runtime.calls.ended(byUrl.sid);
    const fetched = await client.calls(byUrl.sid).fetch();
    expect(fetched).toMatchObject({
      status: 'completed',
      to: PEER,
      from: '+15550006000',
      accountSid: byUrl.accountSid,
    });
    expect(Number(fetched.duration)).toBeGreaterThanOrEqual(0);
    expect(fetched.dateCreated).toBeInstanceOf(Date);
  });

  it('lists with filters and pages through several pages', async () => {
    const { client, runtime } = await setup();
    const sids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const call = await client.calls.create({
        to: PEER,
        from: '+15550006000',
        twiml: '<Response><Hangup/></Response>',
      });
      sids.push(call.sid);
      await runtime.calls.ended(call.sid);
    }
    const all = await client.calls.list({ pageSize: 3 });
    expect(all.map((c) => c.sid).sort()).toEqual([...sids].sort());
    const first = await client.calls.page({ pageSize: 3 });
    expect(first.instances).toHaveLength(3);
    const second = await first.nextPage();
    expect(second?.instances).toHaveLength(3);
    const third = await second?.nextPage();
    expect(third?.instances).toHaveLength(1);
    expect(await third?.nextPage()).toBeUndefined();
    expect(await client.calls.list({ status: 'completed', to: PEER })).toHaveLength(7);
    expect(await client.calls.list({ status: 'busy' })).toHaveLength(0);
  });

  it('redirects a live call to a new URL', async () => {
    const { client, app, runtime, network } = await setup({
      '/hold': () => '<Response><Say loop="0">Please hold</Say></Response>',
      '/moved': () => '<Response><Say>You have been moved</Say></Response>',
    });
    const call = await client.calls.create({ to: PEER, from: '+15550006000', url: `${app.url}/hold` });
    await new Promise<void>((resolve) =>
      runtime.events.on('call.verb', (c, verb) => c.sid === call.sid && verb === 'Say' && resolve()),
    );
    await client.calls(call.sid).update({ url: `${app.url}/moved`, method: 'POST' });
    await runtime.calls.ended(call.sid);
    expect(network.party(PEER)?.lines()).toContain('heard-speech "You have been moved" (voice man, en-US)');
  });

  it('reports invalid input as RestException with the compatible code', async () => {
    const { client, app } = await setup();
    const attempt = (params: object) =>
      client.calls.create(params as never).then(
        () => expect.fail('accepted'),
        (error: { status: number; code: number; message: string }) => error,
      );
    // The client checks that To and From are given; empty values reach the server.
    expect(await attempt({ to: '', from: '+1', url: `${app.url}/call` })).toMatchObject({ status: 400, code: 21201 });
    expect(await attempt({ to: PEER, from: '', url: `${app.url}/call` })).toMatchObject({ status: 400, code: 21213 });
    expect(await attempt({ to: 'not a number', from: '+1', url: `${app.url}/call` })).toMatchObject({ code: 21211 });
    expect(await attempt({ to: PEER, from: '+1', url: 'ftp://nowhere' })).toMatchObject({ code: 21205 });
    expect(await attempt({ to: PEER, from: '+1', url: `${app.url}/call`, timeout: 900 })).toMatchObject({
      code: 21208,
    });
    expect(await attempt({ to: PEER, from: '+1', url: `${app.url}/call`, method: 'PUT' })).toMatchObject({
      code: 21200,
    });
    const missing = await client
      .calls(`CA${'0'.repeat(32)}`)
      .fetch()
      .catch((error) => error);
    expect(missing).toMatchObject({ status: 404, code: 20404 });
  });

  it('authenticates with the auth token or an API key, in constant time, and hides other accounts', async () => {
    const { base, account, store, client } = await setup();
    const wrong = officialClient(base, account.sid, 'not-the-token');
    expect(await wrong.calls.list().catch((error) => error)).toMatchObject({ status: 401, code: 20003 });
    const key: KeyRecord = {
      sid: `SK${'1'.repeat(32)}`,
      accountSid: account.sid,
      friendlyName: 'ci',
      secret: 'key-secret',
      createdAt: 1,
      updatedAt: 1,
    };
    await store.put('key', key);
    const withKey = officialClient(base, key.sid, key.secret, account.sid);
    expect(await withKey.calls.list()).toEqual([]);
    const other: AccountRecord = {
      ...account,
      sid: `AC${'9'.repeat(32)}`,
      accountSid: `AC${'9'.repeat(32)}`,
      ownerAccountSid: `AC${'9'.repeat(32)}`,
      authToken: 'other',
    };
    await store.put('account', other);
    const mine = await client.calls.create({ to: PEER, from: '+1', twiml: '<Response/>' });
    const otherClient = officialClient(base, other.sid, other.authToken);
    expect(
      await otherClient
        .calls(mine.sid)
        .fetch()
        .catch((error) => error),
    ).toMatchObject({ status: 404 });
    const intoMine = officialClient(base, other.sid, other.authToken, account.sid);
    expect(await intoMine.calls.list().catch((error) => error)).toMatchObject({ status: 404 });
  });

  it('refuses oversize bodies with 413 and non-form bodies with 415', async () => {
    const { base, account } = await setup();
    const auth = `Basic ${Buffer.from(`${account.sid}:${account.authToken}`).toString('base64')}`;
    const url = `${base}/2010-04-01/Accounts/${account.sid}/Calls.json`;
    const big = await fetch(url, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: `Twiml=${'a'.repeat(2 * 1024 * 1024)}`,
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 20413, status: 413 });
    const json = await fetch(url, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: '{"To":"+1"}',
    });
    expect(json.status).toBe(415);
    expect(json.headers.get('x-request-id')).toMatch(/^RQ[0-9a-f]{32}$/);
  });
});

describe('Calls create: Record, TimeLimit, CallerId, SendDigits', () => {
  it('records the call, ends it at its time limit, and presents the caller ID', async () => {
    const { client, runtime, network } = await setup();
    network.addNumber('+15550006002', { ringMs: 10 });
    const call = await client.calls.create({
      to: '+15550006002',
      from: 'client:alice',
      callerId: '+15550006999',
      twiml: '<Response><Pause length="30"/></Response>',
      record: true,
      timeLimit: 1,
    });
    const ended = await runtime.calls.ended(call.sid);
    expect(ended).toMatchObject({ status: 'completed', duration: 1 });
    expect(network.party('+15550006002')?.calledFrom).toEqual(['+15550006999']);
    const [recording] = await client.recordings.list({ callSid: call.sid });
    expect(recording).toMatchObject({ source: 'OutboundAPI', callSid: call.sid, duration: '1' });

    const error = (params: Record<string, unknown>) =>
      client.calls.create({ to: PEER, from: '+1', twiml: '<Response/>', ...params }).then(
        () => expect.fail('accepted'),
        (e: { code: number; message: string }) => e,
      );
    expect(await error({ timeLimit: 0 })).toMatchObject({ code: 21200, message: expect.stringContaining('TimeLimit') });
    expect(await error({ sendDigits: '12x' })).toMatchObject({
      code: 21200,
      message: expect.stringContaining('SendDigits'),
    });
    expect(await error({ record: 'maybe' as unknown as boolean })).toMatchObject({ code: 21200 });
  });
});

describe('Calls update: FallbackUrl and StatusCallback', () => {
  it('sends the rest of the call’s status callbacks to the new URL', async () => {
    const { client, runtime, app } = await setup({ '/later-status': () => '' });
    const call = await client.calls.create({
      to: PEER,
      from: '+15550006000',
      twiml: '<Response><Pause length="1"/></Response>',
    });
    const updated = await client.calls(call.sid).update({ statusCallback: `${app.url}/later-status` });
    expect(updated.sid).toBe(call.sid);
    await runtime.calls.ended(call.sid);
    await runtime.callbacks.drain();
    expect(app.requestsTo('/later-status').map((r) => r.params.CallStatus)).toEqual(['completed']);
    const late = await client
      .calls(call.sid)
      .update({ statusCallback: `${app.url}/later-status` })
      .then(
        () => expect.fail('accepted'),
        (e: { status: number; code: number }) => e,
      );
    expect(late).toMatchObject({ status: 400, code: 21220 });
  });
});

describe('Calls list: StartTime and EndTime', () => {
  it('filters by when calls started and ended', async () => {
    const { client, runtime, base, account, network } = await setup();
    network.addNumber('+15550006003', { ringMs: 600_000 });
    const before = new Date(Date.now() - 1000);
    const sids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const call = await client.calls.create({
        to: PEER,
        from: '+15550006000',
        twiml: '<Response><Hangup/></Response>',
      });
      await runtime.calls.ended(call.sid);
      sids.push(call.sid);
    }
    // Still ringing: it has not started, so no StartTime filter finds it.
    const queued = await client.calls.create({ to: '+15550006003', from: '+15550006000', twiml: '<Response/>' });
    const started = await client.calls.list({ startTimeAfter: before });
    expect(started.map((c) => c.sid).sort()).toEqual([...sids].sort());
    expect(await client.calls.list({ startTimeBefore: new Date(before.getTime() - 60_000) })).toEqual([]);
    expect((await client.calls.list({ endTimeAfter: before })).map((c) => c.sid).sort()).toEqual([...sids].sort());

    const auth = `Basic ${Buffer.from(`${account.sid}:${account.authToken}`).toString('base64')}`;
    const today = new Date().toISOString().slice(0, 10);
    const byDay = await fetch(`${base}/2010-04-01/Accounts/${account.sid}/Calls.json?StartTime=${today}`, {
      headers: { authorization: auth },
    }).then((r) => r.json() as Promise<{ calls: Array<{ sid: string }> }>);
    expect(byDay.calls.map((c) => c.sid).sort()).toEqual([...sids].sort());
    expect(byDay.calls.map((c) => c.sid)).not.toContain(queued.sid);
    const bad = await fetch(`${base}/2010-04-01/Accounts/${account.sid}/Calls.json?StartTime%3E=soon`, {
      headers: { authorization: auth },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 21200, message: expect.stringContaining('StartTime>') });
  });
});
