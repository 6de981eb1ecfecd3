/**
 * What apps written for the hosted service see of calls they place and receive through the REST
 * API, checked with the official helper library.
 */
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { roomWhen } from '../conference/when.test-support.js';
import type { RecordedRequest } from '../testing/app-server.js';
import { type ApiHarness, startApiHarness } from './harness.test-support.js';

const PEER = '+15550706001';
const OTHER = '+15550706002';
const NUMBER = '+15550706000';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function setup(routes: Record<string, (req: RecordedRequest) => string> = {}): Promise<ApiHarness> {
  const harness = await startApiHarness({
    routes: { '/call': () => new twilio.twiml.VoiceResponse().say('Hello').toString(), '/status': () => '', ...routes },
    setup: (network) => {
      network.addNumber(PEER, { ringMs: 20 });
      network.addNumber(OTHER, { ringMs: 20 });
    },
  });
  harnesses.push(harness);
  return harness;
}

describe('calls created through the REST API', () => {
  it('fetch their first document with CallStatus=in-progress, the callee having answered', async () => {
    const { client, app, runtime } = await setup();
    const call = await client.calls.create({ to: PEER, from: NUMBER, url: `${app.url}/call` });
    expect(call.status).toBe('queued');
    await runtime.calls.ended(call.sid);
    const [first] = app.requestsTo('/call');
    expect(first?.params).toMatchObject({ CallSid: call.sid, CallStatus: 'in-progress', Direction: 'outbound-api' });
  });

  it('fetch the URL a live update gives with the status the call has then', async () => {
    const { client, app, runtime } = await setup({
      '/hold': () => '<Response><Pause length="30"/></Response>',
      '/moved': () => '<Response><Say>Moved</Say></Response>',
    });
    const call = await client.calls.create({ to: PEER, from: NUMBER, url: `${app.url}/hold` });
    await new Promise<void>((resolve) =>
      runtime.events.on('call.verb', (record, verb) => record.sid === call.sid && verb === 'Pause' && resolve()),
    );
    await client.calls(call.sid).update({ url: `${app.url}/moved` });
    await runtime.calls.ended(call.sid);
    expect(app.requestsTo('/moved')[0]?.params).toMatchObject({ CallStatus: 'in-progress' });
  });
});

describe('inbound calls', () => {
  it('carry the SID of the number they came in on as phone_number_sid', async () => {
    const { client, app, network, runtime } = await setup();
    const number = await client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: `${app.url}/call` });
    const created = new Promise<string>((resolve) => runtime.events.once('call.created', (call) => resolve(call.sid)));
    network.call({ from: PEER, to: NUMBER });
    const sid = await created;
    await runtime.calls.ended(sid);
    const fetched = await client.calls(sid).fetch();
    expect(fetched).toMatchObject({ direction: 'inbound', phoneNumberSid: number.sid });
    const [listed] = await client.calls.list({ to: NUMBER });
    expect(listed?.phoneNumberSid).toBe(number.sid);
  });
});

describe('conferences through the Participants API', () => {
  it('start only when a second participant joins; the first waits on the hold music', async () => {
    const { client, app, network, runtime } = await setup();
    const joined = (count: number) => roomWhen(runtime.events, (room) => room.participants.length === count);
    const one = joined(1);
    const first = await client.conferences('town-hall').participants.create({
      from: NUMBER,
      to: PEER,
      conferenceStatusCallback: `${app.url}/status`,
      conferenceStatusCallbackEvent: ['start', 'join'],
    });
    await one;
    // On a cluster the list is read from the shared store, which the conference's node writes a
    // moment after the join.
    const listed = async () => (await client.conferences.list({ friendlyName: 'town-hall' }))[0];
    await expect.poll(async () => (await listed())?.status).toBe('init');
    const waiting = await listed();
    expect(waiting?.status).toBe('init');
    expect(network.party(PEER)?.lines()).toContain('heard-audio patchbay:hold-music');

    const two = joined(2);
    const second = await client.conferences('town-hall').participants.create({ from: NUMBER, to: OTHER });
    await two;
    expect((await client.conferences(String(waiting?.sid)).fetch()).status).toBe('in-progress');
    await client.conferences(String(waiting?.sid)).update({ status: 'completed' });
    await Promise.all([first.callSid, second.callSid].map((sid) => runtime.calls.ended(sid)));
    await runtime.callbacks.drain();
    const events = app.requestsTo('/status').map((r) => [r.params.StatusCallbackEvent, r.params.CallSid ?? '']);
    expect(events).toEqual([
      ['participant-join', first.callSid],
      ['participant-join', second.callSid],
      ['conference-start', ''],
    ]);
  });
});

describe('inbound MMS', () => {
  async function simulate(harness: ApiHarness, params: Array<[string, string]>) {
    const auth = Buffer.from(`${harness.account.sid}:${harness.account.authToken}`).toString('base64');
    const response = await fetch(`${harness.base}/2010-04-01/Accounts/${harness.account.sid}/Simulator/Messages.json`, {
      method: 'POST',
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
    return { status: response.status, json: (await response.json()) as { code?: number; message?: string } };
  }

  it('carries MediaContentType{N} beside each MediaUrl{N}: given by the sender, else by the extension', async () => {
    const harness = await setup({ '/sms': () => '<Response/>' });
    const { client, app, account } = harness;
    await client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: `${app.url}/sms` });
    const { status } = await simulate(harness, [
      ['To', NUMBER],
      ['From', PEER],
      ['MediaUrl', 'https://cdn.example/photos/cat.jpeg?w=200'],
      ['MediaUrl', 'https://cdn.example/media/ME42'],
      ['MediaUrl', 'https://cdn.example/clip.mp4'],
      ['MediaContentType', ''],
      ['MediaContentType', 'audio/amr'],
    ]);
    expect(status).toBe(201);
    const [request] = app.requestsTo('/sms');
    expect(request?.params).toMatchObject({
      NumMedia: '3',
      MediaUrl0: 'https://cdn.example/photos/cat.jpeg?w=200',
      MediaContentType0: 'image/jpeg',
      MediaContentType1: 'audio/amr',
      MediaContentType2: 'video/mp4',
    });
    const signature = String(request?.headers['x-twilio-signature']);
    expect(twilio.validateRequest(account.authToken, signature, request?.url ?? '', request?.params ?? {})).toBe(true);

    const refused = await simulate(harness, [
      ['To', NUMBER],
      ['From', PEER],
      ['MediaUrl', 'https://cdn.example/a.png'],
      ['MediaContentType', 'png'],
    ]);
    expect(refused).toMatchObject({ status: 400, json: { code: 21200 } });
    expect(refused.json.message).toContain('MediaContentType');
    expect(app.requestsTo('/sms')).toHaveLength(1);
  });

  it('carries them for messages handed to runtime.messages.receive too', async () => {
    const { app, runtime } = await setup({ '/sms': () => '<Response/>' });
    await runtime.messages.receive({
      from: PEER,
      to: NUMBER,
      body: 'look',
      mediaUrls: ['https://cdn.example/x.gif', 'https://cdn.example/y'],
      mediaContentTypes: [undefined, 'image/heic'],
      app: { url: `${app.url}/sms` },
    });
    expect(app.requestsTo('/sms')[0]?.params).toMatchObject({
      MediaContentType0: 'image/gif',
      MediaContentType1: 'image/heic',
    });
  });
});
