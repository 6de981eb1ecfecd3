import type { Device } from '@patchbay/sdk';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import type { Timing } from '../adapters/simulated/leg.js';
import { type ApiHarness, FAST, startApiHarness } from '../api/harness.test-support.js';
import type { Route } from '../testing/app-server.js';
import { deviceFor, newKey, next, tokenFor } from './devices.test-support.js';

const harnesses: ApiHarness[] = [];
const devices: Device[] = [];
afterEach(async () => {
  for (const device of devices.splice(0)) device.destroy();
  for (const harness of harnesses.splice(0)) await harness.close();
});

const NUMBER = '+15550142000';

async function setup(routes: Record<string, Route>, timing?: Timing) {
  const harness = await startApiHarness({ routes, ...(timing ? { timing } : {}) });
  harnesses.push(harness);
  await harness.client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: `${harness.app.url}/voice` });
  const key = await newKey(harness);
  const device = (
    identity: string,
    grant?: Parameters<typeof tokenFor>[3],
    options?: Parameters<typeof deviceFor>[2],
  ) => {
    const created = deviceFor(harness, tokenFor(harness, key, identity, grant), options);
    devices.push(created);
    return created;
  };
  return { harness, key, device };
}

const dialAlice = (client = '') =>
  `<Response><Dial action="/dialed" timeout="5"><Client${client}><Identity>alice</Identity><Parameter name="ticket" value="T-42"/></Client></Dial></Response>`;
const WITH_STATUS = ' statusCallback="/client-status" statusCallbackEvent="initiated ringing answered completed"';

describe('incoming calls to client devices', () => {
  it('invites every registration with the call parameters; the first accept is bridged, the others are canceled', async () => {
    const { harness, device } = await setup({
      '/voice': () => dialAlice(WITH_STATUS),
      '/dialed': () => '<Response><Say>bye</Say></Response>',
      '/client-status': () => '',
    });
    const laptop = device('alice');
    const phone = device('alice');
    await Promise.all([laptop.register(), phone.register()]);
    expect(laptop.state).toBe('registered');

    const invitations = Promise.all([next(laptop, 'incoming'), next(phone, 'incoming')]);
    const caller = harness.network.call({ from: '+15550100001', to: NUMBER });
    const [[onLaptop], [onPhone]] = await invitations;
    expect(onLaptop.parameters).toMatchObject({
      From: '+15550100001',
      To: 'client:alice',
      AccountSid: harness.account.sid,
      ApiVersion: '2010-04-01',
    });
    expect(onLaptop.parameters.CallSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(onLaptop.parameters.CallSid).toBe(onPhone.parameters.CallSid);
    expect(onLaptop.customParameters.get('ticket')).toBe('T-42');
    expect(onLaptop.status()).toBe('pending');

    const canceled = next(onPhone, 'cancel');
    const accepted = next(onLaptop, 'accept');
    await onLaptop.accept();
    await accepted;
    expect(await canceled).toEqual(['answered-elsewhere']);
    expect(onLaptop.status()).toBe('open');
    expect(onPhone.status()).toBe('closed');
    expect(laptop.calls).toEqual([onLaptop]);

    const child = harness.runtime.calls.get(onLaptop.parameters.CallSid as string);
    expect(child).toMatchObject({ direction: 'outbound-dial', to: 'client:alice', status: 'in-progress' });
    const disconnected = next(onLaptop, 'disconnect');
    onLaptop.disconnect();
    await disconnected;
    const parent = await harness.runtime.calls.ended(child?.parentCallSid as string);
    expect(parent.status).toBe('completed');
    const dialed = harness.app.requestsTo('/dialed')[0];
    expect(dialed?.params).toMatchObject({ DialCallStatus: 'completed', DialCallSid: onLaptop.parameters.CallSid });
    expect(caller.lines()).toContain('bridged client:alice');
    // The client leg's status callbacks, as for any dialed leg.
    await harness.runtime.callbacks.drain();
    const statuses = harness.app
      .requestsTo('/client-status')
      .map((request) => request.params)
      .sort((a, b) => Number(a.SequenceNumber) - Number(b.SequenceNumber));
    expect(statuses.map((params) => params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(statuses[0]).toMatchObject({
      CallSid: onLaptop.parameters.CallSid,
      To: 'client:alice',
      Direction: 'outbound-dial',
    });
    expect(harness.network.party('client:alice')?.lines()).toContain('bridged +15550100001');
  });

  it('ends the Dial when the client leg is completed through REST: the device is told, the action runs', async () => {
    const { harness, device } = await setup({
      '/voice': () => dialAlice(),
      '/dialed': () => '<Response><Say>bye</Say></Response>',
    });
    const alice = device('alice');
    await alice.register();
    const invited = next(alice, 'incoming');
    harness.network.call({ from: '+15550100003', to: NUMBER });
    const [call] = await invited;
    await call.accept();
    const childSid = call.parameters.CallSid as string;
    const disconnected = next(call, 'disconnect');
    await harness.client.calls(childSid).update({ status: 'completed' });
    await disconnected;
    const parent = await harness.runtime.calls.ended(harness.runtime.calls.get(childSid)?.parentCallSid as string);
    expect(parent.status).toBe('completed');
    expect(harness.app.requestsTo('/dialed')[0]?.params).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: childSid,
    });
  });

  it('maps reject to busy, and stops the other registrations ringing', async () => {
    const { harness, device } = await setup({ '/voice': () => dialAlice(), '/dialed': () => '<Response/>' });
    const a = device('alice');
    const b = device('alice');
    await Promise.all([a.register(), b.register()]);
    const invitations = Promise.all([next(a, 'incoming'), next(b, 'incoming')]);
    harness.network.call({ from: '+15550100002', to: NUMBER });
    const [[call], [other]] = await invitations;
    const canceled = next(other, 'cancel');
    await call.reject();
    expect(await canceled).toEqual(['rejected-elsewhere']);
    const parent = await harness.runtime.calls.ended(
      harness.runtime.calls.get(call.parameters.CallSid as string)?.parentCallSid as string,
    );
    expect(parent.status).toBe('completed');
    expect(harness.app.requestsTo('/dialed')[0]?.params.DialCallStatus).toBe('busy');
    expect(harness.runtime.calls.get(call.parameters.CallSid as string)?.status).toBe('busy');
  });

  it('is no-answer at once when nobody is registered, and after the Dial timeout when nobody answers', async () => {
    const { harness, device } = await setup({
      '/voice': () => dialAlice().replace('timeout="5"', 'timeout="1"'),
      '/dialed': () => '<Response/>',
    });
    const created = next(harness.runtime.events, 'call.created');
    const first = harness.network.call({ from: '+15550100003', to: NUMBER });
    await harness.runtime.calls.ended((await created)[0].sid);
    expect(harness.app.requestsTo('/dialed')[0]?.params.DialCallStatus).toBe('no-answer');
    expect(first.lines()).not.toContain('bridged client:alice');

    const idle = device('alice');
    await idle.register();
    const invited = next(idle, 'incoming');
    harness.network.call({ from: '+15550100004', to: NUMBER });
    const [call] = await invited;
    expect(await next(call, 'cancel')).toEqual(['no-answer']);
    await harness.runtime.calls.ended(
      harness.runtime.calls.get(call.parameters.CallSid as string)?.parentCallSid as string,
    );
    expect(harness.app.requestsTo('/dialed')[1]?.params.DialCallStatus).toBe('no-answer');
  });

  it('cancels every invitation when the caller hangs up while it rings', async () => {
    const { harness, device } = await setup({ '/voice': () => dialAlice(), '/dialed': () => '<Response/>' });
    const alice = device('alice');
    await alice.register();
    const invited = next(alice, 'incoming');
    harness.network.call({ from: '+15550100005', to: NUMBER });
    const [call] = await invited;
    const parentSid = harness.runtime.calls.get(call.parameters.CallSid as string)?.parentCallSid as string;
    const session = harness.runtime.calls.get(parentSid);
    expect(session?.status).toBe('in-progress');
    await harness.runtime.calls.update(parentSid, { status: 'completed' });
    expect(await next(call, 'cancel')).toEqual(['canceled']);
    await expect(call.accept()).rejects.toMatchObject({ errorName: 'CallCancelled', code: 31008 });
  });
});

describe('calls placed by devices', () => {
  it("runs the token's application with From=client:<identity>, the params, and the device's keys", async () => {
    const { harness, key } = await setup({
      '/outgoing': () =>
        '<Response><Gather numDigits="2" action="/gathered" timeout="5"><Say>Enter code</Say></Gather></Response>',
      '/gathered': () => '<Response><Say>Thanks</Say><Hangup/></Response>',
    });
    const app = await harness.client.applications.create({
      friendlyName: 'softphone',
      voiceUrl: `${harness.app.url}/outgoing`,
    });
    const token = tokenFor(harness, key, 'bob', {
      outgoingApplicationSid: app.sid,
      outgoingApplicationParams: { team: 'blue' },
    });
    const bob = deviceFor(harness, token);
    devices.push(bob);
    const call = await bob.connect({ params: { To: '+15550177777', note: 'hello world' } });
    expect(call.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    if (call.status() !== 'open') await next(call, 'accept');
    const request = harness.app.requestsTo('/outgoing')[0];
    expect(request?.params).toMatchObject({
      From: 'client:bob',
      Caller: 'client:bob',
      To: '+15550177777',
      Direction: 'inbound',
      ApplicationSid: app.sid,
      team: 'blue',
      note: 'hello world',
      CallSid: call.callSid,
    });
    // The signature covers the custom parameters too.
    expect(
      twilio.validateRequest(
        harness.account.authToken,
        String(request?.headers['x-twilio-signature']),
        request?.url as string,
        request?.params as Record<string, string>,
      ),
    ).toBe(true);

    call.mute(true);
    expect(call.isMuted()).toBe(true);
    await harness.network.heard('client:bob', (entry) => entry.type === 'heard-speech');
    call.sendDigits('42');
    const disconnected = next(call, 'disconnect');
    await disconnected;
    expect(harness.app.requestsTo('/gathered')[0]?.params.Digits).toBe('42');
    expect(harness.network.party('client:bob')?.lines()).toEqual(
      expect.arrayContaining([
        'heard-speech "Enter code" (voice man, en-US)',
        'mic-muted',
        'pressed 42',
        'heard-speech "Thanks" (voice man, en-US)',
      ]),
    );
    expect(call.status()).toBe('closed');
    expect((await harness.runtime.calls.ended(call.callSid as string)).status).toBe('completed');
  });

  it('records a device until it presses the finish key', async () => {
    // No beep length: the recording starts as the beep is heard, so the key cannot come before it.
    const { harness, key } = await setup(
      {
        '/memo': () => '<Response><Record finishOnKey="#" action="/recorded" maxLength="30"/></Response>',
        '/recorded': () => '<Response><Hangup/></Response>',
      },
      { ...FAST, beepMs: 0 },
    );
    const app = await harness.client.applications.create({ voiceUrl: `${harness.app.url}/memo` });
    const bob = deviceFor(harness, tokenFor(harness, key, 'bob', { outgoingApplicationSid: app.sid }));
    devices.push(bob);
    const call = await bob.connect();
    if (call.status() !== 'open') await next(call, 'accept');
    await harness.network.heard('client:bob', (entry) => entry.type === 'heard-beep');
    call.sendDigits('#');
    await next(call, 'disconnect');
    expect(harness.app.requestsTo('/recorded')[0]?.params).toMatchObject({ Digits: '#' });
  });

  it('refuses connect without an outgoing grant, and with an application that does not exist', async () => {
    const { harness, key, device } = await setup({});
    const incomingOnly = device('carol');
    await expect(incomingOnly.connect()).rejects.toMatchObject({ errorName: 'AccessTokenGrantsInvalid', code: 20106 });
    const ghost = deviceFor(
      harness,
      tokenFor(harness, key, 'carol', { outgoingApplicationSid: `AP${'0'.repeat(32)}` }),
    );
    devices.push(ghost);
    await expect(ghost.connect()).rejects.toMatchObject({ errorName: 'ApplicationNotFound', code: 21218 });
    await expect(
      deviceFor(harness, tokenFor(harness, key, 'carol', { outgoingApplicationSid: `AP${'0'.repeat(32)}` })).register(),
    ).rejects.toMatchObject({ errorName: 'AccessTokenGrantsInvalid' });
  });
});

describe('API calls to client identities', () => {
  it('rings the devices of the identity and runs the call once one accepts', async () => {
    const { harness, device } = await setup({
      '/agent': () =>
        '<Response><Gather numDigits="1" action="/done"><Say>You have a callback to make</Say></Gather></Response>',
      '/done': () => '<Response/>',
    });
    const agent = device('agent');
    await agent.register();
    const invited = next(agent, 'incoming');
    const created = await harness.client.calls.create({
      to: 'client:agent',
      from: '+15550100100',
      url: `${harness.app.url}/agent`,
    });
    const [call] = await invited;
    expect(call.parameters).toMatchObject({ CallSid: created.sid, From: '+15550100100', To: 'client:agent' });
    await call.accept();
    if (call.status() !== 'open') await next(call, 'accept');
    // Like a person: keys pressed once the prompt is heard.
    await harness.network.heard('client:agent', (entry) => entry.type === 'heard-speech');
    call.sendDigits('5');
    expect((await harness.runtime.calls.ended(created.sid)).status).toBe('completed');
    expect(harness.app.requestsTo('/done')[0]?.params.Digits).toBe('5');
  });
});
