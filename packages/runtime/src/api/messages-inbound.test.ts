import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedMessaging } from '../messaging/simulated.js';
import type { RecordedRequest } from '../testing/app-server.js';
import { type ApiHarness, startApiHarness } from './harness.test-support.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

const NUMBER = '+15550601000';
const SENDER = '+15550609999';
const xml = (body: string) => ({ contentType: 'text/xml', body });

async function setup() {
  const harness = await startApiHarness({
    messaging: new SimulatedMessaging({ stepMs: 5 }),
    routes: {
      '/sms': (req: RecordedRequest) =>
        `<Response><Message>Got: ${String(req.params.Body)}</Message><Message to="+15550600001"><Body>Copy</Body><Media>/img.png</Media></Message></Response>`,
      '/broken': () => ({ status: 500, body: 'oops' }),
      '/fallback': (req: RecordedRequest) =>
        `<Response><Message>Fallback after ${String(req.params.ErrorCode)}</Message></Response>`,
      '/hop': () => '<Response><Redirect method="GET">/sms</Redirect></Response>',
      '/loop': () => '<Response><Redirect>/loop</Redirect></Response>',
      '/invalid': () => xml('<Response><Message>unclosed</Response>'),
      '/silent': () => '',
    },
  });
  harnesses.push(harness);
  return harness;
}

/** Posts to the simulator as the bootstrap account. */
async function simulate(harness: ApiHarness, params: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  const auth = Buffer.from(`${harness.account.sid}:${harness.account.authToken}`).toString('base64');
  const response = await fetch(`${harness.base}/2010-04-01/Accounts/${harness.account.sid}/Simulator/Messages.json`, {
    method: 'POST',
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return {
    status: response.status,
    json: (await response.json()) as Record<string, unknown> & { replies: Array<Record<string, unknown>> },
  };
}

describe('inbound messages', () => {
  it("posts a message to the number's SmsUrl, signed, and sends the document's replies", async () => {
    const harness = await setup();
    const { client, app, account } = harness;
    await client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: `${app.url}/sms` });
    const { status, json } = await simulate(harness, {
      To: NUMBER,
      From: SENDER,
      Body: 'hello there',
      MediaUrl: 'https://example.com/cat.jpg',
    });
    expect(status).toBe(201);
    expect(json).toMatchObject({
      direction: 'inbound',
      status: 'received',
      body: 'hello there',
      from: SENDER,
      to: NUMBER,
    });
    expect(json.replies.map((r) => [r.to, r.from, r.body, r.direction])).toEqual([
      [SENDER, NUMBER, 'Got: hello there', 'outbound-reply'],
      ['+15550600001', NUMBER, 'Copy', 'outbound-reply'],
    ]);
    expect(json.replies[1]?.num_media).toBe('1');

    const [request] = app.requestsTo('/sms');
    expect(request?.params).toMatchObject({
      MessageSid: json.sid,
      SmsSid: json.sid,
      SmsMessageSid: json.sid,
      AccountSid: account.sid,
      From: SENDER,
      To: NUMBER,
      Body: 'hello there',
      NumMedia: '1',
      MediaUrl0: 'https://example.com/cat.jpg',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    });
    const signature = String(request?.headers['x-twilio-signature']);
    expect(twilio.validateRequest(account.authToken, signature, request?.url ?? '', request?.params ?? {})).toBe(true);

    const listed = await client.messages.list({ to: NUMBER });
    expect(listed.map((m) => [m.sid, m.direction])).toEqual([[json.sid, 'inbound']]);
    expect((await client.messages.list({ to: SENDER })).map((m) => m.body)).toEqual(['Got: hello there']);
  });

  it('follows Redirect, uses the fallback when the SmsUrl fails, and stops runaway redirects', async () => {
    const harness = await setup();
    const { client, app, runtime } = harness;
    const errors: Array<{ code: number; url: string }> = [];
    runtime.events.on('message.error', (_message, error) => errors.push(error));

    await client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: `${app.url}/hop` });
    const redirected = await simulate(harness, { To: NUMBER, From: SENDER, Body: 'via hop' });
    expect(redirected.json.replies.map((r) => r.body)).toEqual(['Got: via hop', 'Copy']);
    expect(app.requestsTo('/sms')[0]?.method).toBe('GET');

    const [number] = await client.incomingPhoneNumbers.list({ phoneNumber: NUMBER });
    await client.incomingPhoneNumbers(String(number?.sid)).update({
      smsUrl: `${app.url}/broken`,
      smsFallbackUrl: `${app.url}/fallback`,
    });
    const fallback = await simulate(harness, { To: NUMBER, From: SENDER, Body: 'x' });
    expect(fallback.json.replies.map((r) => r.body)).toEqual(['Fallback after 11200']);
    expect(app.requestsTo('/fallback')[0]?.params.ErrorUrl).toBe(`${app.url}/broken`);

    await client.incomingPhoneNumbers(String(number?.sid)).update({ smsUrl: `${app.url}/loop`, smsFallbackUrl: '' });
    const loop = await simulate(harness, { To: NUMBER, From: SENDER, Body: 'x' });
    expect(loop.json).toMatchObject({ status: 'received', replies: [], error: { code: 11215 } });
    expect(app.requestsTo('/loop')).toHaveLength(11);

    await client.incomingPhoneNumbers(String(number?.sid)).update({ smsUrl: `${app.url}/invalid` });
    const invalid = await simulate(harness, { To: NUMBER, From: SENDER, Body: 'x' });
    expect(invalid.json.error).toMatchObject({ code: 12100 });
    expect(errors.map((e) => e.code)).toEqual([11200, 11215, 12100]);

    await client.incomingPhoneNumbers(String(number?.sid)).update({ smsUrl: `${app.url}/silent` });
    const silent = await simulate(harness, { To: NUMBER, From: SENDER, Body: 'x' });
    expect(silent.json).toMatchObject({ replies: [], error: null });
  });

  it('routes by SmsApplicationSid, and refuses numbers with no SmsUrl or of another account', async () => {
    const harness = await setup();
    const { client, app, runtime } = harness;
    const rejected: Array<{ to: string; kind: string }> = [];
    runtime.events.on('incoming.rejected', (event) => rejected.push(event));
    const application = await client.applications.create({ smsUrl: `${app.url}/sms` });
    await client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsApplicationSid: application.sid });
    const routed = await simulate(harness, { To: NUMBER, From: SENDER, Body: 'app' });
    expect(routed.json.replies.map((r) => r.body)).toEqual(['Got: app', 'Copy']);

    await client.incomingPhoneNumbers.create({ phoneNumber: '+15550601001' });
    const none = await simulate(harness, { To: '+15550601001', From: SENDER, Body: 'x' });
    expect(none).toMatchObject({ status: 400, json: { code: 21211 } });
    expect(rejected).toEqual([{ to: '+15550601001', from: SENDER, kind: 'message' }]);

    const notOurs = await simulate(harness, { To: '+15550601999', From: SENDER, Body: 'x' });
    expect(notOurs).toMatchObject({ status: 400, json: { code: 21211 } });
    const empty = await simulate(harness, { To: NUMBER, From: SENDER });
    expect(empty).toMatchObject({ status: 400, json: { code: 21602 } });
  });
});
