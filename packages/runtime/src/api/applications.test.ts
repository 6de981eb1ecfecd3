import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../calls/call.js';
import { type ApiHarness, rejected, startApiHarness } from './harness.test-support.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

const PEER = '+15550501001';

async function setup() {
  const harness = await startApiHarness({
    routes: {
      '/app-voice': () => '<Response><Say>From the application</Say></Response>',
      '/app-status': () => '',
      '/number-voice': () => '<Response><Say>From the number</Say></Response>',
    },
    setup: (network) => network.addNumber(PEER),
  });
  harnesses.push(harness);
  return harness;
}

describe('Applications with the official client', () => {
  it('creates, lists, fetches, updates and deletes applications', async () => {
    const { client, app } = await setup();
    const created = await client.applications.create({
      friendlyName: 'Softphone',
      voiceUrl: `${app.url}/app-voice`,
      voiceMethod: 'GET',
      statusCallback: `${app.url}/app-status`,
    });
    expect(created.sid).toMatch(/^AP[0-9a-f]{32}$/);
    expect(created).toMatchObject({
      friendlyName: 'Softphone',
      voiceUrl: `${app.url}/app-voice`,
      voiceMethod: 'GET',
      smsMethod: 'POST',
      smsUrl: null,
    });
    expect((await client.applications.list()).map((a) => a.sid)).toEqual([created.sid]);
    expect(await client.applications.list({ friendlyName: 'other' })).toEqual([]);
    const updated = await client.applications(created.sid).update({ voiceUrl: '', smsUrl: `${app.url}/sms` });
    expect(updated).toMatchObject({ voiceUrl: null, smsUrl: `${app.url}/sms`, voiceMethod: 'GET' });
    expect((await client.applications(created.sid).fetch()).smsUrl).toBe(`${app.url}/sms`);
    const bad = await rejected(client.applications(created.sid).update({ voiceUrl: 'ftp://nope' }));
    expect(bad).toMatchObject({ status: 400, code: 21502 });
    expect(bad.message).toContain('VoiceUrl');
    expect(await client.applications(created.sid).remove()).toBe(true);
    expect((await rejected(client.applications(created.sid).fetch())).status).toBe(404);
  });

  it('places calls with ApplicationSid, following its VoiceUrl, method and status callback', async () => {
    const { client, app, runtime, network } = await setup();
    const softphone = await client.applications.create({
      friendlyName: 'Softphone',
      voiceUrl: `${app.url}/app-voice`,
      voiceMethod: 'GET',
      statusCallback: `${app.url}/app-status`,
    });
    const call = await client.calls.create({ to: PEER, from: '+15550500000', applicationSid: softphone.sid });
    expect((await runtime.calls.ended(call.sid)).status).toBe('completed');
    await runtime.callbacks.drain();
    const [fetch] = app.requestsTo('/app-voice');
    expect(fetch?.method).toBe('GET');
    expect(fetch?.params.CallSid).toBe(call.sid);
    expect(app.requestsTo('/app-status').map((r) => r.params.CallStatus)).toEqual(['completed']);
    expect(network.party(PEER)?.lines()).toContain('heard-speech "From the application" (voice man, en-US)');

    const unknown = await rejected(
      client.calls.create({ to: PEER, from: '+15550500000', applicationSid: `AP${'0'.repeat(32)}` }),
    );
    expect(unknown).toMatchObject({ status: 400, code: 21200 });
    expect(unknown.message).toContain('ApplicationSid');
    const both = await rejected(
      client.calls.create({ to: PEER, from: '+1', applicationSid: softphone.sid, url: `${app.url}/app-voice` }),
    );
    expect(both).toMatchObject({ status: 400, code: 21205 });
  });

  it('routes a number with a VoiceApplicationSid to the application, and keeps applications per account', async () => {
    const { client, clientFor, app, runtime, network } = await setup();
    const softphone = await client.applications.create({ voiceUrl: `${app.url}/app-voice` });
    const number = await client.incomingPhoneNumbers.create({
      phoneNumber: '+15550502000',
      voiceUrl: `${app.url}/number-voice`,
      voiceApplicationSid: softphone.sid,
    });
    expect(number.voiceApplicationSid).toBe(softphone.sid);
    const created = new Promise<CallRecord>((resolve) => runtime.events.once('call.created', resolve));
    const caller = network.call({ from: '+15550509000', to: '+15550502000' });
    await runtime.calls.ended((await created).sid);
    expect(caller.lines()).toContain('heard-speech "From the application" (voice man, en-US)');
    expect(app.requestsTo('/number-voice')).toEqual([]);
    const cleared = await client.incomingPhoneNumbers(number.sid).update({ voiceApplicationSid: '' });
    expect(cleared.voiceApplicationSid).toBeNull();

    const sub = await client.api.v2010.accounts.create({ friendlyName: 'Tenant' });
    const other = clientFor(sub.sid, sub.authToken);
    expect(await other.applications.list()).toEqual([]);
    expect((await rejected(other.applications(softphone.sid).fetch())).status).toBe(404);
    const borrowed = await rejected(
      other.incomingPhoneNumbers.create({ phoneNumber: '+15550502001', voiceApplicationSid: softphone.sid }),
    );
    expect(borrowed).toMatchObject({ status: 400, code: 21200 });
    const placed = await rejected(other.calls.create({ to: PEER, from: '+1', applicationSid: softphone.sid }));
    expect(placed).toMatchObject({ status: 400, code: 21200 });
  });
});
