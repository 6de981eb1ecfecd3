import { Patchbay, RestError } from '@patchbay/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from './harness.test-support.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

describe('the SDK REST client against a real server', () => {
  it('creates and pages calls, simulates a caller, manages keys, and reports errors with codes', async () => {
    const harness = await startApiHarness({
      routes: {
        '/voice': () => '<Response><Gather numDigits="1" action="/done"><Say>Hi</Say></Gather></Response>',
        '/done': () => '<Response/>',
      },
    });
    harnesses.push(harness);
    const client = new Patchbay(harness.account.sid, harness.account.authToken, { baseUrl: harness.base });
    const number = await client.incomingPhoneNumbers.create({
      phoneNumber: '+15550146000',
      voiceUrl: `${harness.app.url}/voice`,
    });
    expect(number).toMatchObject({ phoneNumber: '+15550146000', voiceMethod: 'POST' });
    const simulated = await client.simulator.calls.create({ to: '+15550146000', digits: ['7'], wait: true });
    expect(simulated.status).toBe('completed');
    expect(simulated.transcript).toContain('pressed 7');
    expect(harness.app.requestsTo('/done')[0]?.params.Digits).toBe('7');
    const scripted = await client.simulator.calls.create({ to: '+15550146000', script: 'wait; press 8', wait: true });
    expect(scripted.transcript).toContain('pressed 8');
    const far = await client.simulator.numbers.create({ number: '+15550146999', onCall: 'busy', ringTime: 2 });
    expect(far).toMatchObject({ number: '+15550146999', onCall: 'busy', ringTime: 2, script: null });
    expect(far.dateCreated).toBeInstanceOf(Date);
    expect(await client.simulator.numbers.list()).toHaveLength(1);
    expect((await client.simulator.numbers.get('+15550146999')).onCall).toBe('busy');
    await client.simulator.numbers.remove('+15550146999');
    await expect(client.simulator.numbers.get('+15550146999')).rejects.toMatchObject({ status: 404 });
    await expect(client.simulator.numbers.create({ number: '+15550146999', script: 'press x' })).rejects.toMatchObject({
      status: 400,
      code: 21200,
    });

    for (let i = 0; i < 3; i++)
      await client.calls.create({
        to: `+1555014610${i}`,
        from: '+15550146000',
        twiml: '<Response><Hangup/></Response>',
      });
    const outbound = [];
    for await (const call of client.calls.each({ pageSize: 2 })) outbound.push(call);
    expect(outbound).toHaveLength(5);
    expect(outbound[0]?.dateCreated).toBeInstanceOf(Date);
    expect(await client.calls.list({ to: '+15550146101' })).toHaveLength(1);

    const key = await client.keys.create({ friendlyName: 'sdk', keyType: 'main' });
    expect(key).toMatchObject({ keyType: 'main', secret: expect.any(String) });
    const viaKey = new Patchbay(key.sid, key.secret, { baseUrl: harness.base, accountSid: harness.account.sid });
    expect((await viaKey.fetch()).sid).toBe(harness.account.sid);
    await client.keys.remove(key.sid);
    await expect(viaKey.fetch()).rejects.toMatchObject({ status: 401, code: 20003 });

    const missing = await client.calls.get(`CA${'0'.repeat(32)}`).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(RestError);
    expect(missing).toMatchObject({ status: 404, code: 20404 });
    await expect(client.calls.create({ to: '', from: '+1', url: 'http://x' })).rejects.toMatchObject({ status: 400 });

    const sub = await client.accounts.create({ friendlyName: 'tenant' });
    expect(await client.account(sub.sid).calls.list()).toEqual([]);
  });
});
