import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { INSTANT_TIMING } from './adapters/simulated/leg.js';
import { SimulatedNetwork } from './adapters/simulated/network.js';
import type { CallRecord } from './calls/call.js';
import { SimulatedMessaging } from './messaging/simulated.js';
import { createRuntime } from './runtime.js';
import { AUTH_TOKEN, scenario } from './testing/scenario.js';

const DIALED = '+15550003000';
const ALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;

async function callbacksOf(s: Awaited<ReturnType<typeof scenario>>) {
  await s.runtime.callbacks.drain();
  return s.app.requestsTo('/status').map((r) => r.params);
}

describe('outbound calls', () => {
  it('dials, runs the app when answered, and reports every status callback in order', async () => {
    await using s = await scenario({
      '/call': () => '<Response><Say>Your code is 1 2 3</Say></Response>',
      '/status': () => '',
    });
    s.network.addNumber(DIALED, { ringMs: 4000 });
    const created = s.runtime.calls.create({
      to: DIALED,
      from: '+15550001000',
      url: `${s.app.url}/call`,
      statusCallback: `${s.app.url}/status`,
      statusCallbackEvent: [...ALL_EVENTS],
    });
    expect(created).toMatchObject({ status: 'queued', direction: 'outbound-api' });
    expect(created.sid).toMatch(/^CA[0-9a-f]{32}$/);
    const ended = await s.runtime.calls.ended(created.sid);
    expect(ended).toMatchObject({ status: 'completed', duration: 2 });
    const callbacks = await callbacksOf(s);
    expect(callbacks.map((p) => [p.CallStatus, p.SequenceNumber])).toEqual([
      ['initiated', '0'],
      ['ringing', '1'],
      ['in-progress', '2'],
      ['completed', '3'],
    ]);
    expect(callbacks[3]).toMatchObject({
      CallDuration: '2',
      CallbackSource: 'call-progress-events',
      Direction: 'outbound-api',
    });
    expect(callbacks[3]?.Timestamp).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    for (const request of s.app.requests) {
      expect(
        twilio.validateRequest(AUTH_TOKEN, String(request.headers['x-twilio-signature']), request.url, request.params),
      ).toBe(true);
    }
    expect(s.network.party(DIALED)?.lines()).toEqual([
      'ringing',
      'answered',
      'heard-speech "Your code is 1 2 3" (voice man, en-US)',
      'disconnected',
    ]);
  });

  it.each([
    ['busy', { onCall: 'busy' as const }],
    ['no-answer', { onCall: 'no-answer' as const }],
    ['failed', { onCall: 'fail' as const }],
  ])('ends %s without fetching the app when the far end does not answer', async (status, behaviour) => {
    await using s = await scenario({ '/call': () => '<Response/>', '/status': () => '' });
    s.network.addNumber(DIALED, behaviour);
    const { sid } = s.runtime.calls.create({
      to: DIALED,
      from: '+1',
      url: `${s.app.url}/call`,
      statusCallback: `${s.app.url}/status`,
      timeout: 15,
    });
    expect(await s.runtime.calls.ended(sid)).toMatchObject({ status, duration: 0 });
    expect(s.app.requestsTo('/call')).toHaveLength(0);
    expect((await callbacksOf(s)).map((p) => p.CallStatus)).toEqual([status]);
  });

  it('runs inline Twiml', async () => {
    await using s = await scenario({});
    const { sid } = s.runtime.calls.create({ to: DIALED, from: '+1', twiml: '<Response><Say>Inline</Say></Response>' });
    await s.runtime.calls.ended(sid);
    expect(s.network.party(DIALED)?.lines()).toContain('heard-speech "Inline" (voice man, en-US)');
  });

  it('refuses bad parameters with typed errors naming them', async () => {
    {
      await using s = await scenario({});
      const create = (params: object) => () => s.runtime.calls.create({ to: DIALED, from: '+1', ...params } as never);
      expect(create({})).toThrowError(
        expect.objectContaining({
          code: 'invalid-parameter',
          numericCode: 21200,
          message: expect.stringContaining('Url'),
        }),
      );
      expect(create({ url: 'http://a', twiml: '<Response/>' })).toThrowError(
        expect.objectContaining({ code: 'invalid-parameter' }),
      );
      expect(create({ twiml: '<Response><Say loop="x"/></Response>' })).toThrowError(
        expect.objectContaining({ message: expect.stringContaining('13510') }),
      );
      expect(create({ url: 'http://a', timeout: 601 })).toThrowError(
        expect.objectContaining({ message: expect.stringContaining('Timeout') }),
      );
      expect(create({ url: 'http://a', statusCallbackEvent: ['bogus'] })).toThrowError(
        expect.objectContaining({ message: expect.stringContaining('StatusCallbackEvent') }),
      );
    }
  });
});

describe('live modification and ending calls', () => {
  it('redirects a running call: the current verb is interrupted and the new document runs', async () => {
    await using s = await scenario({
      '/voice': () => '<Response><Say loop="0">Please hold</Say></Response>',
      '/transfer': () => '<Response><Say>You are being transferred</Say></Response>',
    });
    s.runtime.events.on('call.verb', (call, verb) => {
      if (verb === 'Say' && s.app.requestsTo('/transfer').length === 0) {
        void s.runtime.calls.update(call.sid, { url: `${s.app.url}/transfer`, method: 'POST' });
      }
    });
    const { caller } = await s.inbound();
    expect(caller.lines()).toEqual([
      'answered',
      'heard-speech "Please hold" (voice man, en-US)',
      'heard-speech "You are being transferred" (voice man, en-US)',
      'disconnected',
    ]);
  });

  it('replaces the running document with inline Twiml', async () => {
    await using s = await scenario({ '/voice': () => '<Response><Pause length="60"/><Say>Too late</Say></Response>' });
    s.runtime.events.on('call.status', (call) => {
      if (call.status === 'ringing')
        void s.runtime.calls.update(call.sid, { twiml: '<Response><Say>Changed</Say></Response>' });
    });
    const { caller } = await s.inbound();
    expect(caller.lines()).toEqual(['answered', 'heard-speech "Changed" (voice man, en-US)', 'disconnected']);
  });

  it('cancels a ringing outbound call and completes an answered one', async () => {
    await using s = await scenario({ '/call': () => '<Response><Pause length="600"/></Response>' });
    s.network.addNumber(DIALED, { ringMs: 30000 });
    const rang = new Promise<void>((resolve) =>
      s.runtime.events.on('call.status', (call) => call.status === 'ringing' && resolve()),
    );
    const ringing = s.runtime.calls.create({ to: DIALED, from: '+1', url: `${s.app.url}/call` });
    await rang;
    expect((await s.runtime.calls.update(ringing.sid, { status: 'canceled' })).status).toBe('canceled');
    expect(s.network.party(DIALED)?.lines()).toEqual(['ringing', 'canceled']);

    s.network.addNumber('+15550004000', { ringMs: 0 });
    const answered = s.runtime.calls.create({ to: '+15550004000', from: '+1', url: `${s.app.url}/call` });
    await new Promise<void>((resolve) =>
      s.runtime.events.on('call.verb', (call) => call.sid === answered.sid && resolve()),
    );
    await expect(s.runtime.calls.update(answered.sid, { status: 'canceled' })).rejects.toMatchObject({
      code: 'invalid-call-state',
      numericCode: 21220,
    });
    const completed = await s.runtime.calls.update(answered.sid, { status: 'completed' });
    expect(completed.status).toBe('completed');
    await expect(s.runtime.calls.update(answered.sid, { url: `${s.app.url}/call` })).rejects.toMatchObject({
      numericCode: 21220,
    });
    await expect(
      s.runtime.calls.update('CA00000000000000000000000000000000', { status: 'completed' }),
    ).rejects.toMatchObject({ numericCode: 20404 });
  });

  it('completes a queued call before it rings', async () => {
    await using s = await scenario({ '/call': () => '<Response/>' });
    const call = s.runtime.calls.create({ to: DIALED, from: '+1', url: `${s.app.url}/call` });
    const done: CallRecord = await s.runtime.calls.update(call.sid, { status: 'completed' });
    expect(done.status).toBe('canceled');
    expect(s.app.requestsTo('/call')).toHaveLength(0);
  });

  it('ends the call when the caller hangs up mid-verb', async () => {
    await using s = await scenario({
      '/voice': () =>
        '<Response><Gather timeout="30"><Say>Enter your account number</Say></Gather><Say>Not heard</Say></Response>',
    });
    const { call, caller } = await s.inbound({ hangupAfterMs: 2000 });
    expect(call.status).toBe('completed');
    expect(caller.lines()).toEqual([
      'answered',
      'heard-speech "Enter your account number" (voice man, en-US)',
      'hung-up',
    ]);
  });
});

describe('memory over a long run', () => {
  it('lets go of ended calls and finished messages beyond keepEnded, keeping the most recent', async () => {
    const network = new SimulatedNetwork({ timing: INSTANT_TIMING });
    const runtime = createRuntime({ media: network, messaging: new SimulatedMessaging({ stepMs: 1 }), keepEnded: 2 });
    const sids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const call = runtime.calls.create({ to: DIALED, from: '+15550001000', twiml: '<Response><Hangup/></Response>' });
      sids.push(call.sid);
      await runtime.calls.ended(call.sid);
    }
    // The oldest ended calls are gone from memory; the last two remain, and so do their records.
    expect(runtime.calls.list().map((c) => c.sid)).toEqual(sids.slice(2));
    expect(runtime.calls.get(sids[0] as string)).toBeUndefined();
    await expect(runtime.calls.ended(sids[0] as string)).rejects.toMatchObject({ code: 'call-not-found' });
    expect((await runtime.calls.ended(sids[3] as string)).status).toBe('completed');
    await expect(runtime.calls.update(sids[3] as string, { status: 'completed' })).resolves.toMatchObject({
      status: 'completed',
    });
    await expect(runtime.calls.update(sids[3] as string, { twiml: '<Response/>' })).rejects.toMatchObject({
      code: 'invalid-call-state',
    });

    const delivered = new Promise<void>((resolve) => {
      let count = 0;
      runtime.events.on('message.updated', (m) => m.status === 'delivered' && ++count === 4 && resolve());
    });
    for (let i = 0; i < 4; i++)
      runtime.messages.send({
        account: { sid: runtime.accountSid, authToken: 'x' },
        to: DIALED,
        from: '+1',
        body: `m${i}`,
      });
    await delivered;
    runtime.messages.send({
      account: { sid: runtime.accountSid, authToken: 'x' },
      to: DIALED,
      from: '+1',
      body: 'last',
    });
    expect(runtime.messages.list().map((m) => m.body)).toEqual(['m3', 'last']);
    await runtime.close();
    await network.close();
  });
});
