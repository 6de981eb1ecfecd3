import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import type { CallRecord } from '../calls/call.js';
import { createRuntime } from '../runtime.js';
import { MemoryStore } from '../store/memory.js';
import { startAppServer } from '../testing/app-server.js';
import { numberRouter } from './routing.js';
import { bootstrapAccount, createApi } from './server.js';

const FAST = { msPerWord: 5, audioMs: 20, beepMs: 5, digitMs: 5, inputDelayMs: 10 };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const store = new MemoryStore();
  const { account } = await bootstrapAccount(store, { now: Date.now() });
  const network = new SimulatedNetwork({ timing: FAST });
  const runtime = createRuntime({
    media: network,
    accountSid: account.sid,
    authToken: account.authToken,
    incoming: numberRouter(store),
  });
  const api = createApi({ runtime, store });
  const server = createServer(api.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = await startAppServer({ '/voice': () => '<Response><Say>Routed by number</Say></Response>' });
  cleanups.push(async () => {
    await runtime.close();
    api.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await app.close();
  });
  const inner = new twilio.RequestClient();
  const request: typeof inner.request = (opts) =>
    inner.request({ ...opts, uri: opts.uri.replace('https://api.twilio.com', base) });
  const client = twilio(account.sid, account.authToken, {
    httpClient: Object.assign(Object.create(inner) as typeof inner, { request }),
  });
  return { store, account, network, runtime, app, client };
}

describe('IncomingPhoneNumbers', () => {
  it('creates, lists, updates and deletes numbers; refuses invalid and taken ones', async () => {
    const { client, app } = await setup();
    const number = await client.incomingPhoneNumbers.create({
      phoneNumber: '+15557770001',
      voiceUrl: `${app.url}/voice`,
      friendlyName: 'Support line',
    });
    expect(number).toMatchObject({
      phoneNumber: '+15557770001',
      voiceUrl: `${app.url}/voice`,
      voiceMethod: 'POST',
      friendlyName: 'Support line',
    });
    expect(number.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(await client.incomingPhoneNumbers.list({ phoneNumber: '+15557770001' })).toHaveLength(1);
    const updated = await client
      .incomingPhoneNumbers(number.sid)
      .update({ voiceMethod: 'GET', smsUrl: `${app.url}/sms` });
    expect(updated).toMatchObject({ voiceMethod: 'GET', smsUrl: `${app.url}/sms`, voiceUrl: `${app.url}/voice` });
    const error = (promise: Promise<unknown>) =>
      promise.then(
        () => expect.fail('accepted'),
        (e: { code: number }) => e,
      );
    expect(await error(client.incomingPhoneNumbers.create({ phoneNumber: '5557770001' }))).toMatchObject({
      code: 21421,
    });
    expect(await error(client.incomingPhoneNumbers.create({ phoneNumber: '+15557770001' }))).toMatchObject({
      code: 21422,
    });
    expect(
      await error(client.incomingPhoneNumbers.create({ phoneNumber: '+15557770002', voiceUrl: 'not a url' })),
    ).toMatchObject({ code: 21502 });
    expect(await client.incomingPhoneNumbers(number.sid).remove()).toBe(true);
    expect(await client.incomingPhoneNumbers.list()).toEqual([]);
  });

  it("routes a call to the number's VoiceUrl, signed with the owner's token; numbers with no app reject", async () => {
    const { client, app, network, runtime, account } = await setup();
    await client.incomingPhoneNumbers.create({ phoneNumber: '+15557770001', voiceUrl: `${app.url}/voice` });
    await client.incomingPhoneNumbers.create({ phoneNumber: '+15557770003' });
    const created = new Promise<CallRecord>((resolve) => runtime.events.once('call.created', resolve));
    const caller = network.call({ from: '+15550009000', to: '+15557770001' });
    const call = await runtime.calls.ended((await created).sid);
    expect(call).toMatchObject({ accountSid: account.sid, status: 'completed', direction: 'inbound' });
    expect(caller.lines()).toContain('heard-speech Routed by number man en-US');
    const [request] = app.requests;
    expect(
      twilio.validateRequest(
        account.authToken,
        String(request?.headers['x-twilio-signature']),
        request?.url ?? '',
        request?.params ?? {},
      ),
    ).toBe(true);
    const declined: string[] = [];
    const bothDeclined = new Promise<void>((resolve) =>
      runtime.events.on('incoming.rejected', ({ to }) => declined.push(to) === 2 && resolve()),
    );
    const rejected = network.call({ from: '+15550009000', to: '+15557770003' });
    const unknown = network.call({ from: '+15550009000', to: '+15557779999' });
    await bothDeclined;
    expect(declined.sort()).toEqual(['+15557770003', '+15557779999']);
    expect(rejected.lines()).toEqual(['rejected']);
    expect(unknown.lines()).toEqual(['rejected']);
  });
});
