import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import twilio from 'twilio';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../calls/call.js';
import type { Route } from '../testing/app-server.js';
import { type ApiHarness, harnessPerTest } from './harness.test-support.js';
import { otherAccount, rest } from './simulator.test-support.js';

const LINE = '+15550500100';
const CALLER = '+15550500999';

const started = harnessPerTest();

async function setup(routes: Record<string, Route>, keepAliveMs?: number) {
  const harness = await started({ routes, ...(keepAliveMs ? { keepAliveMs } : {}) });
  await harness.client.incomingPhoneNumbers.create({ phoneNumber: LINE, voiceUrl: `${harness.app.url}/voice` });
  return harness;
}

/** A Simulator/Calls request with undici, its timeouts short: the answer must keep coming. */
function simulate(harness: ApiHarness, form: Record<string, string>) {
  const { sid, authToken } = harness.account;
  return request(`${harness.base}/2010-04-01/Accounts/${sid}/Simulator/Calls.json`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${sid}:${authToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ To: LINE, From: CALLER, ...form }).toString(),
    headersTimeout: 500,
    bodyTimeout: 500,
  });
}

const SLOW = { '/voice': () => '<Response><Say>Hello</Say><Pause length="2"/><Say>Goodbye</Say></Response>' };

describe('Simulator/Calls', () => {
  it('follows a caller script that mixes speech, keys and pauses, and reports what the caller heard', async () => {
    const harness = await setup({
      '/voice': () =>
        '<Response><Gather input="speech dtmf" action="/menu"><Say>Say what you need</Say></Gather></Response>',
      '/menu': (req) =>
        `<Response><Gather numDigits="3" action="/code"><Say>${req.params.SpeechResult}: your code?</Say></Gather></Response>`,
      '/code': (req) => `<Response><Say>Code ${req.params.Digits}</Say><Pause length="5"/></Response>`,
    });
    const { json } = await rest(harness, 'POST', 'Simulator/Calls.json', {
      To: LINE,
      From: CALLER,
      Script: 'wait; say billing please; wait; press 4; pause 0.1; press 2; press 9; pause 1; hangup',
      Wait: 'true',
    });
    expect(json).toMatchObject({ status: 'completed', direction: 'inbound', from: CALLER, to: LINE });
    expect(harness.app.requestsTo('/menu')[0]?.params.SpeechResult).toBe('billing please');
    expect(harness.app.requestsTo('/code')[0]?.params.Digits).toBe('429');
    expect(json.transcript).toEqual([
      'answered',
      'heard-speech "Say what you need" (voice man, en-US)',
      'said "billing please"',
      'heard-speech "billing please: your code?" (voice man, en-US)',
      'pressed 4',
      'pressed 2',
      'pressed 9',
      'heard-speech "Code 429" (voice man, en-US)',
      'hung-up',
    ]);
  });

  it.each([
    [{ Script: 'wait; press 1; sing' }, 'Script: step 3 ("sing"): unknown step "sing"'],
    [{ Script: 'press 1', Digits: '2' }, 'Script: give Script (or Step), or Digits and Speech, not both'],
    [{ HangupAfter: 'soon' }, 'HangupAfter: must be a number of seconds'],
  ])('refuses %j with a 400 naming the parameter and the step', async (form, message) => {
    const harness = await setup(SLOW);
    const refused = await rest(harness, 'POST', 'Simulator/Calls.json', { To: LINE, ...form });
    expect(refused).toMatchObject({ status: 400, json: { code: 21200 } });
    expect(String(refused.json.message)).toContain(message);
    expect(harness.runtime.calls.list()).toEqual([]);
  });

  it('answers Wait=true at once and keeps the answer alive until the call ends', async () => {
    const harness = await setup(SLOW, 100);
    const response = await simulate(harness, { Wait: 'true' });
    expect(response.statusCode).toBe(201);
    expect(response.headers['content-type']).toContain('application/json');
    const call = (await response.body.json()) as Record<string, unknown>;
    expect(call).toMatchObject({ status: 'completed', duration: '2' });
    expect(call.transcript).toContain('heard-speech "Goodbye" (voice man, en-US)');
  });

  it('streams the call with Stream=true: the call, each transcript line and status as they happen, then the end', async () => {
    const harness = await setup(SLOW, 100);
    const response = await simulate(harness, { Stream: 'true' });
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const events: Array<Record<string, unknown>> = [];
    for await (const line of createInterface({ input: response.body })) if (line) events.push(JSON.parse(line));
    expect(events[0]).toMatchObject({ event: 'call', call: { to: LINE, direction: 'inbound' } });
    const lines = events.filter((e) => e.event === 'transcript');
    expect(lines.map((e) => e.line)).toEqual([
      'answered',
      'heard-speech "Hello" (voice man, en-US)',
      'heard-speech "Goodbye" (voice man, en-US)',
      'disconnected',
    ]);
    expect(Number(lines[2]?.at)).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.event === 'status').map((e) => e.status)).toContain('completed');
    expect(events.at(-1)).toMatchObject({ event: 'ended', call: { status: 'completed' } });
  });

  it('hangs the simulated caller up when the client leaves before the call ends', async () => {
    const harness = await setup(
      { '/voice': () => '<Response><Say>Please hold</Say><Pause length="60"/></Response>' },
      100,
    );
    const ended = new Promise<CallRecord>((resolve) => harness.runtime.events.once('call.ended', resolve));
    const { sid, authToken } = harness.account;
    const sent = httpRequest(`${harness.base}/2010-04-01/Accounts/${sid}/Simulator/Calls.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sid}:${authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
    sent.on('error', () => undefined);
    sent.end(new URLSearchParams({ To: LINE, From: CALLER, Stream: 'true' }).toString());
    const [response] = (await once(sent, 'response')) as [IncomingMessage];
    // Going away aborts the answer: that is the point here.
    response.on('error', () => undefined);
    let received = '';
    await new Promise<void>((resolve) =>
      response.on('data', (chunk: Buffer) => {
        received += chunk.toString();
        if (received.includes('Please hold')) resolve();
      }),
    );
    sent.destroy();
    const call = await ended;
    expect(call.status).toBe('completed');
    expect(harness.network.party(CALLER)?.lines().at(-1)).toBe('hung-up');
  });

  it("places a REST call to another account's number on-net: its app answers, each signed with its own token, each account sees only its side", async () => {
    const harness = await setup({
      '/call': () => '<Response><Play digits="5"/><Pause length="1"/></Response>',
      '/support': () => '<Response><Gather numDigits="1" action="/support-picked"/></Response>',
      '/support-picked': () => '<Response><Hangup/></Response>',
    });
    const { client, app, account } = harness;
    const other = await otherAccount(harness);
    const otherClient = harness.clientFor(other.sid, other.authToken);
    await otherClient.incomingPhoneNumbers.create({ phoneNumber: '+15550500200', voiceUrl: `${app.url}/support` });
    const calleeEnded = new Promise<CallRecord>((resolve) =>
      harness.runtime.events.on('call.ended', (call) => call.accountSid === other.sid && resolve(call)),
    );
    const call = await client.calls.create({ to: '+15550500200', from: LINE, url: `${app.url}/call` });
    const callee = await calleeEnded;
    expect(app.requestsTo('/support-picked')[0]?.params).toMatchObject({
      Digits: '5',
      AccountSid: other.sid,
      CallSid: callee.sid,
      From: LINE,
      Direction: 'inbound',
    });
    for (const [path, token] of [
      ['/call', account.authToken],
      ['/support', other.authToken],
      ['/support-picked', other.authToken],
    ] as const) {
      const [sent] = app.requestsTo(path);
      expect(
        twilio.validateRequest(token, String(sent?.headers['x-twilio-signature']), sent?.url ?? '', sent?.params ?? {}),
      ).toBe(true);
    }
    expect((await rest(harness, 'GET', `Calls/${callee.sid}.json`)).status).toBe(404);
    expect((await rest(harness, 'GET', `Calls/${call.sid}.json`, undefined, other)).status).toBe(404);
    const theirs = await otherClient.calls.list();
    expect(theirs.map((c) => [c.sid, c.direction])).toEqual([[callee.sid, 'inbound']]);
    expect((await client.calls.list()).map((c) => c.sid)).toEqual([call.sid]);
  });

  it("holds the account's limit of live calls: a simulated call past it is refused (10004), an on-net call to an account at its limit is busy", async () => {
    const harness = await started({
      routes: {
        '/hold': () => '<Response><Say>Hold</Say><Pause length="5"/></Response>',
        '/call': () => '<Response/>',
      },
      limits: { concurrentCalls: 1 },
    });
    const { client, app } = harness;
    const other = await otherAccount(harness);
    const otherClient = harness.clientFor(other.sid, other.authToken);
    await otherClient.incomingPhoneNumbers.create({ phoneNumber: '+15550500200', voiceUrl: `${app.url}/hold` });
    const holding = await rest(harness, 'POST', 'Simulator/Calls.json', { To: '+15550500200' }, other);
    expect(holding.status).toBe(201);
    const refused = await rest(harness, 'POST', 'Simulator/Calls.json', { To: '+15550500200' }, other);
    expect(refused).toMatchObject({ status: 429, json: { code: 10004 } });
    const call = await client.calls.create({ to: '+15550500200', from: LINE, url: `${app.url}/call` });
    expect((await harness.runtime.calls.ended(call.sid)).status).toBe('busy');
    expect(app.requestsTo('/call')).toEqual([]);
  });
});
