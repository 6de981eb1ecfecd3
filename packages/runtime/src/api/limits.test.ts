/**
 * Per-account limits: the parent sets its subaccounts' (never an account its own), and an account
 * at one of its limits is refused with a typed error while every other account goes on as before.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { deviceFor, next, RawDevice, tokenFor } from '../bridge/devices.test-support.js';
import {
  type ApiHarness,
  type ApiHarnessOptions,
  harnessPerTest,
  rejected,
  WatchedStore,
} from './harness.test-support.js';

const start = harnessPerTest();
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function setup(options: ApiHarnessOptions = {}) {
  const harness = await start(options);
  const tenant = async (name: string) => {
    const sub = await harness.client.api.v2010.accounts.create({ friendlyName: name });
    return { sid: sub.sid, authToken: sub.authToken, client: harness.clientFor(sub.sid, sub.authToken) };
  };
  return { harness, a: await tenant('A'), b: await tenant('B') };
}

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

async function limits(
  harness: ApiHarness,
  credentials: [string, string],
  sid: string,
  params?: Record<string, string>,
) {
  const response = await fetch(`${harness.base}/2010-04-01/Accounts/${sid}/Limits.json`, {
    method: params ? 'POST' : 'GET',
    headers: { authorization: basic(...credentials), 'content-type': 'application/x-www-form-urlencoded' },
    ...(params ? { body: new URLSearchParams(params) } : {}),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

describe('the Limits resource', () => {
  it('lets the parent set (and reset) a subaccount’s limits, and nobody set their own', async () => {
    const { harness, a } = await setup();
    const parent: [string, string] = [harness.account.sid, harness.account.authToken];
    expect(await limits(harness, [a.sid, a.authToken], a.sid)).toMatchObject({
      status: 200,
      json: {
        concurrent_calls: 1000,
        device_sessions: 1000,
        api_concurrency: 100,
        api_requests_per_second: 0,
        own: [],
      },
    });
    const set = await limits(harness, parent, a.sid, { ConcurrentCalls: '5', ApiRequestsPerSecond: '20' });
    expect(set).toMatchObject({
      status: 200,
      json: { concurrent_calls: 5, api_requests_per_second: 20, own: ['concurrent_calls', 'api_requests_per_second'] },
    });
    expect((await limits(harness, [a.sid, a.authToken], a.sid)).json).toMatchObject({ concurrent_calls: 5 });
    expect(await limits(harness, [a.sid, a.authToken], a.sid, { ConcurrentCalls: '5000' })).toMatchObject({
      status: 403,
      json: { code: 20403 },
    });
    expect(await limits(harness, parent, harness.account.sid, { ConcurrentCalls: '5000' })).toMatchObject({
      status: 403,
    });
    const key = await harness.client.newKeys.create();
    expect(await limits(harness, [key.sid, key.secret], a.sid, { ConcurrentCalls: '9' })).toMatchObject({
      status: 401,
      json: { code: 20003 },
    });
    for (const bad of ['0', '-1', '1.5', 'lots', '99999999'])
      expect(await limits(harness, parent, a.sid, { ConcurrentCalls: bad })).toMatchObject({
        status: 400,
        json: { code: 21200 },
      });
    const reset = await limits(harness, parent, a.sid, { ConcurrentCalls: '', ApiRequestsPerSecond: '' });
    expect(reset.json).toMatchObject({ concurrent_calls: 1000, api_requests_per_second: 0, own: [] });
  });
});

describe('an account at its limit', () => {
  it('gets 429 (20429, Retry-After) past its REST concurrency while others are served', async () => {
    const store = new WatchedStore();
    const { harness, a, b } = await setup({ store });
    await limits(harness, [harness.account.sid, harness.account.authToken], a.sid, { ApiConcurrency: '1' });
    // A slow body holds A's one slot.
    const slow = request(`${harness.base}/2010-04-01/Accounts/${a.sid}/Applications.json`, {
      method: 'POST',
      headers: {
        authorization: basic(a.sid, a.authToken),
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String('FriendlyName=slowly'.length),
      },
    });
    const answered = new Promise<number>((resolve) => slow.on('response', (res) => resolve(res.statusCode ?? 0)));
    const authenticated = store.read(a.sid);
    slow.write('FriendlyName=');
    await authenticated;
    // Its second request is refused until the first is answered...
    const refusal = await limits(harness, [a.sid, a.authToken], a.sid);
    expect(refusal).toMatchObject({ status: 429, json: { code: 20429 } });
    expect(refusal.headers.get('retry-after')).toBe('1');
    // ...while B and the parent are served as usual.
    expect(await b.client.applications.list()).toEqual([]);
    expect((await harness.client.api.v2010.accounts.list()).length).toBe(3);
    slow.end('slowly');
    expect(await answered).toBe(201);
    expect((await a.client.applications.list()).map((app) => app.friendlyName)).toEqual(['slowly']);
  });

  it('holds at most its limit of numbers, applications and API keys (59200, 70151); the others go on', async () => {
    const { harness, a, b } = await setup();
    const parent: [string, string] = [harness.account.sid, harness.account.authToken];
    await limits(harness, parent, a.sid, { Numbers: '2', Applications: '1', Keys: '1' });
    const number = (n: number) => ({ phoneNumber: `+1555042${String(n).padStart(4, '0')}` });
    await a.client.incomingPhoneNumbers.create(number(1));
    const second = await a.client.incomingPhoneNumbers.create(number(2));
    expect(await rejected(a.client.incomingPhoneNumbers.create(number(3)))).toMatchObject({ status: 400, code: 59200 });
    await a.client.applications.create({ friendlyName: 'one' });
    expect(await rejected(a.client.applications.create({ friendlyName: 'two' }))).toMatchObject({ code: 59200 });
    const keyOf = (sid: string, token: string) =>
      fetch(`${harness.base}/2010-04-01/Accounts/${sid}/Keys.json`, {
        method: 'POST',
        headers: { authorization: basic(sid, token), 'content-type': 'application/x-www-form-urlencoded' },
      }).then(async (response) => ({ status: response.status, json: (await response.json()) as { code?: number } }));
    expect((await keyOf(a.sid, a.authToken)).status).toBe(201);
    expect(await keyOf(a.sid, a.authToken)).toMatchObject({ status: 400, json: { code: 70151 } });
    // Another account is not affected; and a released number makes room again.
    await b.client.incomingPhoneNumbers.create(number(3));
    await b.client.applications.create({ friendlyName: 'b' });
    expect((await keyOf(b.sid, b.authToken)).status).toBe(201);
    await a.client.incomingPhoneNumbers(second.sid).remove();
    await a.client.incomingPhoneNumbers.create(number(4));
  });

  it('gets 429 past its request rate while others are served', async () => {
    const { harness, a, b } = await setup();
    await limits(harness, [harness.account.sid, harness.account.authToken], a.sid, { ApiRequestsPerSecond: '2' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await limits(harness, [a.sid, a.authToken], a.sid)).status);
    expect(statuses).toEqual([200, 200, 429]);
    for (let i = 0; i < 3; i++) expect(await b.client.applications.list()).toEqual([]);
  });

  it('fails its calls past its concurrent-call limit (10004) and refuses its inbound calls; others call on', async () => {
    const { harness, a, b } = await setup({ routes: { '/voice': () => '<Response><Pause length="30"/></Response>' } });
    await limits(harness, [harness.account.sid, harness.account.authToken], a.sid, { ConcurrentCalls: '1' });
    const hold = { to: '+15550108000', from: '+15550108001', twiml: '<Response><Pause length="30"/></Response>' };
    const first = await a.client.calls.create(hold);
    const second = await a.client.calls.create(hold);
    expect(second.status).toBe('queued');
    const failed = await harness.runtime.calls.ended(second.sid);
    expect(failed).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ code: 10004 })] });
    expect(harness.runtime.calls.get(first.sid)?.status).not.toBe('failed');

    await a.client.incomingPhoneNumbers.create({ phoneNumber: '+15550108002', voiceUrl: `${harness.app.url}/voice` });
    const rejected = next(harness.runtime.events, 'incoming.rejected');
    harness.network.call({ from: '+15550108003', to: '+15550108002' });
    expect((await rejected)[0]).toMatchObject({ kind: 'call', error: { code: 10004 } });
    expect(harness.app.requestsTo('/voice')).toEqual([]);

    // B is not affected by A being at its limit.
    const other = await b.client.calls.create(hold);
    const otherSecond = await b.client.calls.create(hold);
    for (const sid of [other.sid, otherSecond.sid]) expect(harness.runtime.calls.get(sid)?.status).not.toBe('failed');
    for (const sid of [first.sid, other.sid, otherSecond.sid])
      await harness.client.api.v2010
        .accounts(harness.runtime.calls.get(sid)?.accountSid as string)
        .calls(sid)
        .update({
          status: 'completed',
        });
    // With its call over, A may call again.
    const again = await a.client.calls.create(hold);
    expect(harness.runtime.calls.get(again.sid)?.status).not.toBe('failed');
    await a.client.calls(again.sid).update({ status: 'completed' });
  });

  it('refuses its devices past its session limit; other accounts’ devices connect', async () => {
    const { harness, a, b } = await setup();
    await limits(harness, [harness.account.sid, harness.account.authToken], a.sid, { DeviceSessions: '1' });
    const keyA = await a.client.newKeys.create();
    const keyB = await b.client.newKeys.create();
    const tokenA = tokenFor(harness, { sid: keyA.sid, secret: keyA.secret }, 'a1', undefined, { accountSid: a.sid });
    const tokenB = tokenFor(harness, { sid: keyB.sid, secret: keyB.secret }, 'b1', undefined, { accountSid: b.sid });
    const first = await RawDevice.open(harness, tokenA);
    cleanups.push(() => first.device.close());
    expect(first.welcome.type).toBe('welcome');
    const second = await RawDevice.open(harness, tokenA);
    cleanups.push(() => second.device.close());
    expect(second.welcome).toMatchObject({ type: 'error', error: { name: 'AccountLimitExceeded', code: 31206 } });
    for (let i = 0; i < 3; i++) {
      const device = deviceFor(harness, tokenB);
      cleanups.push(() => device.destroy());
      await device.register();
    }
    expect(harness.runtime.devices?.presenceOf(b.sid, 'b1')[0]).toMatchObject({ registrations: 3 });
    await expect(deviceFor(harness, tokenA).register()).rejects.toMatchObject({ errorName: 'AccountLimitExceeded' });
  });
});
