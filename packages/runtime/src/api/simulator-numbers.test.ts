import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../calls/call.js';
import type { Route } from '../testing/app-server.js';
import { type ApiHarness, harnessPerTest } from './harness.test-support.js';
import { otherAccount, rest } from './simulator.test-support.js';

const FAR = '+15550400001';
const LINE = '+15550400100';
const CALLER = '+15550400999';

const started = harnessPerTest();
const setup = (routes: Record<string, Route> = {}) => started({ routes });

/** Rings `to` from the simulated network as the bootstrap account and waits for the call's end. */
async function ring(harness: ApiHarness, to: string, script?: string) {
  const { json } = await rest(harness, 'POST', 'Simulator/Calls.json', {
    To: to,
    From: CALLER,
    Wait: 'true',
    ...(script ? { Script: script } : {}),
  });
  return json as Record<string, unknown> & { transcript: string[]; sid: string };
}

describe('Simulator/Numbers', () => {
  it('creates, replaces, lists, fetches and deletes far ends, per account and bounded', async () => {
    const harness = await setup();
    const created = await rest(harness, 'POST', 'Simulator/Numbers.json', {
      Number: FAR,
      OnCall: 'busy',
      RingTime: '2',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      account_sid: harness.account.sid,
      number: FAR,
      on_call: 'busy',
      ring_time: 2,
      hangup_after: null,
      script: null,
      uri: `/2010-04-01/Accounts/${harness.account.sid}/Simulator/Numbers/%2B15550400001.json`,
    });
    const replaced = await rest(harness, 'POST', 'Simulator/Numbers.json', {
      Number: FAR,
      Step: ['wait', 'say yes; please', 'press 1'],
      HangupAfter: '30',
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({
      on_call: 'answer',
      hangup_after: 30,
      script: ['wait', 'say "yes; please"', 'press 1'],
    });
    expect((await rest(harness, 'GET', 'Simulator/Numbers.json')).json.numbers).toHaveLength(1);
    expect((await rest(harness, 'GET', 'Simulator/Numbers/%2B15550400001.json')).json).toMatchObject({ number: FAR });

    const other = await otherAccount(harness);
    expect((await rest(harness, 'GET', 'Simulator/Numbers.json', undefined, other)).json.numbers).toEqual([]);
    expect((await rest(harness, 'GET', 'Simulator/Numbers/%2B15550400001.json', undefined, other)).status).toBe(404);
    expect((await rest(harness, 'DELETE', 'Simulator/Numbers/%2B15550400001.json', undefined, other)).status).toBe(404);

    expect((await rest(harness, 'DELETE', 'Simulator/Numbers/%2B15550400001.json')).status).toBe(204);
    expect((await rest(harness, 'GET', 'Simulator/Numbers/%2B15550400001.json')).status).toBe(404);

    for (let n = 0; n < 100; n++)
      expect(
        (await rest(harness, 'POST', 'Simulator/Numbers.json', { Number: `+1555041${String(n).padStart(4, '0')}` }))
          .status,
      ).toBe(201);
    const beyond = await rest(harness, 'POST', 'Simulator/Numbers.json', { Number: '+15550419999' });
    expect(beyond).toMatchObject({ status: 400, json: { code: 21200 } });
    expect(String(beyond.json.message)).toContain('at most 100');
  });

  it.each([
    [{ Number: '5550400001' }, 21421, 'Number: "5550400001" is not an E.164 phone number'],
    [{ Number: FAR, OnCall: 'maybe' }, 21200, 'OnCall: must be one of answer, busy, no-answer, fail, reject'],
    [{ Number: FAR, Script: 'press 1; prss 2' }, 21200, 'Script: step 2 ("prss 2"): unknown step "prss"'],
    [{ Number: FAR, Step: ['press 1', 'say'] }, 21200, 'Step: step 2 ("say"): say takes text'],
    [{ Number: FAR, Script: 'press 1', Step: 'press 2' }, 21200, 'Script: give Script or Step, not both'],
    [{ Number: FAR, RingTime: '-1' }, 21200, 'RingTime: must be a number of seconds from 0 to 600'],
    [{ Number: FAR, OnCall: 'busy', Script: 'hangup' }, 21200, 'OnCall: a far end that does not answer (busy)'],
    [{ Number: FAR, Url: 'http://127.0.0.1/x', Twiml: '<Response/>' }, 21200, 'Url: give Url or Twiml, not both'],
    [{ Number: FAR, Url: 'ftp://example.com/x' }, 21205, 'Url: "ftp://example.com/x" is not an absolute http(s) URL'],
    [{ Number: FAR, Twiml: '<Response><Say>' }, 21200, 'Twiml:'],
    [{ Number: FAR, Twiml: '<Response/>', Script: 'hangup' }, 21200, 'Script: a far end that runs a document'],
  ])('refuses %j with %i, naming the parameter (and the step)', async (form, code, message) => {
    const harness = await setup();
    const refused = await rest(harness, 'POST', 'Simulator/Numbers.json', form);
    expect(refused).toMatchObject({ status: 400, json: { code } });
    expect(String(refused.json.message)).toContain(message);
    expect((await rest(harness, 'GET', 'Simulator/Numbers.json')).json.numbers).toEqual([]);
  });

  it('refuses to script a number this server hosts (calls to it reach its app)', async () => {
    const harness = await setup();
    await harness.client.incomingPhoneNumbers.create({ phoneNumber: FAR });
    expect(await rest(harness, 'POST', 'Simulator/Numbers.json', { Number: FAR })).toMatchObject({
      status: 400,
      json: { code: 21422 },
    });
  });

  it("drives a Dial's outcome from the far end's script; another account's calls do not see it", async () => {
    const harness = await setup({
      '/voice': () => `<Response><Dial timeout="5" timeLimit="1" action="/after">${FAR}</Dial></Response>`,
      '/after': () => '<Response/>',
    });
    const { client, app } = harness;
    await client.incomingPhoneNumbers.create({ phoneNumber: LINE, voiceUrl: `${app.url}/voice` });
    const dialed = () => app.requestsTo('/after').at(-1)?.params.DialCallStatus;

    await rest(harness, 'POST', 'Simulator/Numbers.json', { Number: FAR, OnCall: 'busy' });
    await ring(harness, LINE);
    expect(dialed()).toBe('busy');

    await rest(harness, 'POST', 'Simulator/Numbers.json', {
      Number: FAR,
      RingTime: '0.2',
      Script: 'say Hello; hangup',
    });
    const answered = await ring(harness, LINE);
    expect(dialed()).toBe('completed');
    expect(answered.transcript).toEqual([
      'answered',
      `bridged ${FAR}`,
      'heard-speech "Hello"',
      `unbridged ${FAR}`,
      'disconnected',
    ]);

    // The same number dialed by another account's app: nothing scripted there, so it answers and stays.
    const other = await otherAccount(harness);
    const otherClient = harness.clientFor(other.sid, other.authToken);
    await otherClient.incomingPhoneNumbers.create({ phoneNumber: '+15550400200', voiceUrl: `${app.url}/voice` });
    await rest(harness, 'POST', 'Simulator/Calls.json', { To: '+15550400200', From: CALLER, Wait: 'true' }, other);
    expect(dialed()).toBe('completed');
    expect(app.requestsTo('/after').at(-1)?.params.DialCallDuration).toBe('1');
  });

  it("answers with a document as an on-net callee: an inbound call in the caller's account, signed with its token", async () => {
    const harness = await setup({
      '/voice': () => `<Response><Dial action="/after">${FAR}</Dial></Response>`,
      '/after': () => '<Response/>',
      '/far': () => '<Response><Gather numDigits="1" action="/far-picked"><Say>Pick one</Say></Gather></Response>',
      '/far-picked': (req) => `<Response><Say>You picked ${req.params.Digits}</Say></Response>`,
    });
    const { client, app, account, runtime } = harness;
    await client.incomingPhoneNumbers.create({ phoneNumber: LINE, voiceUrl: `${app.url}/voice` });
    await rest(harness, 'POST', 'Simulator/Numbers.json', { Number: FAR, Url: `${app.url}/far`, Method: 'GET' });
    const farEnd = new Promise<CallRecord>((resolve) =>
      runtime.events.on('call.ended', (call) => call.to === FAR && call.direction === 'inbound' && resolve(call)),
    );
    const { transcript } = await ring(harness, LINE, 'wait; press 7');
    expect(await farEnd).toMatchObject({ accountSid: account.sid, from: CALLER, status: 'completed' });
    expect(app.requestsTo('/far')[0]).toMatchObject({ method: 'GET' });
    expect(app.requestsTo('/far-picked')[0]?.params).toMatchObject({ Digits: '7', Direction: 'inbound', To: FAR });
    expect(app.requestsTo('/after')[0]?.params.DialCallStatus).toBe('completed');
    expect(transcript).toContain('heard-speech "You picked 7" (voice man, en-US)');
    for (const request of app.requests) {
      const params = request.method === 'GET' ? {} : request.params;
      const signature = String(request.headers['x-twilio-signature']);
      expect(twilio.validateRequest(account.authToken, signature, request.url, params)).toBe(true);
    }
  });
});
