import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../calls/call.js';
import { MemoryStore } from '../store/memory.js';
import type { StoredRecord } from '../store/types.js';
import { type ApiHarness, startApiHarness } from './harness.test-support.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function setup() {
  const harness = await startApiHarness({
    routes: { '/voice': () => '<Response><Say>Routed by number</Say></Response>' },
  });
  harnesses.push(harness);
  return harness;
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

  it('gives a number claimed by many requests at once to exactly one of them, on a store that answers later', async () => {
    // A store over the network (PostgreSQL) answers a read after other requests have run.
    class SlowStore extends MemoryStore {
      override async findOne<T extends StoredRecord>(...args: Parameters<MemoryStore['findOne']>) {
        const found = await super.findOne<T>(...args);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return found;
      }
    }
    const harness = await startApiHarness({ store: new SlowStore() });
    harnesses.push(harness);
    const { base, account } = harness;
    const claims = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const response = await fetch(`${base}/2010-04-01/Accounts/${account.sid}/IncomingPhoneNumbers.json`, {
          method: 'POST',
          headers: { authorization: `Basic ${btoa(`${account.sid}:${account.authToken}`)}` },
          body: new URLSearchParams({ PhoneNumber: '+15557770009' }),
        });
        return { status: response.status, code: ((await response.json()) as { code?: number }).code };
      }),
    );
    expect(claims.filter((claim) => claim.status === 201)).toHaveLength(1);
    expect(claims.filter((claim) => claim.status !== 201)).toEqual(Array(7).fill({ status: 400, code: 21422 }));
    expect(await harness.client.incomingPhoneNumbers.list({ phoneNumber: '+15557770009' })).toHaveLength(1);
  });

  it("routes a call to the number's VoiceUrl, signed with the owner's token; numbers with no app reject", async () => {
    const { client, app, network, runtime, account } = await setup();
    await client.incomingPhoneNumbers.create({ phoneNumber: '+15557770001', voiceUrl: `${app.url}/voice` });
    await client.incomingPhoneNumbers.create({ phoneNumber: '+15557770003' });
    const created = new Promise<CallRecord>((resolve) => runtime.events.once('call.created', resolve));
    const caller = network.call({ from: '+15550009000', to: '+15557770001' });
    const call = await runtime.calls.ended((await created).sid);
    expect(call).toMatchObject({ accountSid: account.sid, status: 'completed', direction: 'inbound' });
    expect(caller.lines()).toContain('heard-speech "Routed by number" (voice man, en-US)');
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
