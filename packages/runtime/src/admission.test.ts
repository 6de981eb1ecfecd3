/**
 * The runtime's admission hook: a call or message whose record could not be stored is never
 * run (nothing dialed, no app fetched, nothing handed to the carrier, no callbacks), and one
 * is run only once its admission has resolved.
 */
import { describe, expect, it } from 'vitest';
import { PatchbayError } from './errors.js';
import { SimulatedMessaging } from './messaging/simulated.js';
import type { Admission } from './runtime.js';
import { APP_NUMBER, CALLER, scenario } from './testing/scenario.js';

const full = () => Promise.reject(new PatchbayError('store-full', 'the store is full (SQLITE_FULL)'));
const DIALED = '+15550004000';

describe('a runtime whose store refuses a new call', () => {
  it('does not dial an API call, ends it failed with 20503, and sends no status callback', async () => {
    await using s = await scenario(
      { '/call': () => '<Response><Say>Hi</Say></Response>', '/status': () => '' },
      {
        runtime: { admit: full },
      },
    );
    const created = s.runtime.calls.create({
      to: DIALED,
      from: CALLER,
      url: `${s.app.url}/call`,
      statusCallback: `${s.app.url}/status`,
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    expect(created.status).toBe('queued');
    const ended = await s.runtime.calls.ended(created.sid);
    expect(ended).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ code: 20503 })] });
    await s.runtime.callbacks.drain();
    expect(s.network.party(DIALED)).toBeUndefined();
    expect(s.app.requests).toEqual([]);
  });

  it('rejects an inbound call instead of running its app unstored', async () => {
    await using s = await scenario(
      { '/voice': () => '<Response><Say>Hi</Say></Response>' },
      {
        runtime: { admit: full },
      },
    );
    const sid = s.ringIn(CALLER);
    expect(await s.runtime.calls.ended(sid)).toMatchObject({ status: 'failed' });
    await s.network.heard(CALLER, (entry) => entry.type === 'rejected');
    expect(s.network.party(CALLER)?.lines()).toEqual(['rejected']);
    expect(s.app.requests).toEqual([]);
  });

  it('fails a Dial target it could not store without ringing it, and the caller’s app goes on', async () => {
    const admit = (admission: Admission) =>
      admission.kind === 'call' && admission.record.direction === 'outbound-dial' ? full() : Promise.resolve();
    await using s = await scenario(
      {
        '/voice': () => `<Response><Dial action="/after"><Number>${DIALED}</Number></Dial></Response>`,
        '/after': (req) => `<Response><Say>Dial ${req.params.DialCallStatus}</Say></Response>`,
      },
      { runtime: { admit } },
    );
    const { call, caller } = await s.inbound();
    expect(call.status).toBe('completed');
    expect(caller.lines().join('\n')).toContain('Dial failed');
    expect(s.network.party(DIALED)).toBeUndefined();
  });

  it('ends an inbound call whose caller hung up while it was being admitted, without running its app', async () => {
    let admitted!: () => void;
    const admission = new Promise<void>((resolve) => {
      admitted = resolve;
    });
    await using s = await scenario(
      { '/voice': () => '<Response><Say>Hi</Say><Pause length="30"/></Response>' },
      { runtime: { admit: () => admission } },
    );
    const sid = s.ringIn(CALLER);
    const caller = s.network.party(CALLER);
    expect(caller && s.network.hangUp(caller)).toBe(true);
    admitted();
    expect(await s.runtime.calls.ended(sid)).toMatchObject({ status: 'canceled' });
    expect(s.app.requests).toEqual([]);
  });

  it('dials only once the admission resolves', async () => {
    let admitted!: () => void;
    const admission = new Promise<void>((resolve) => {
      admitted = resolve;
    });
    await using s = await scenario(
      { '/call': () => '<Response><Hangup/></Response>' },
      {
        runtime: { admit: () => admission },
      },
    );
    const created = s.runtime.calls.create({ to: DIALED, from: CALLER, url: `${s.app.url}/call` });
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.network.party(DIALED)).toBeUndefined();
    admitted();
    expect(await s.runtime.calls.ended(created.sid)).toMatchObject({ status: 'completed' });
    expect(s.network.party(DIALED)?.lines()).toContain('answered');
  });
});

describe('a runtime whose store refuses a new message', () => {
  it('does not hand a sent message to the carrier, and does not post a received one to its app', async () => {
    const messaging = new SimulatedMessaging();
    await using s = await scenario(
      { '/sms': () => '<Response><Message>hi back</Message></Response>', '/status': () => '' },
      {
        runtime: { admit: full, messaging },
      },
    );
    const sent = s.runtime.messages.send({
      account: { sid: s.runtime.accountSid, authToken: 'x' },
      to: DIALED,
      from: APP_NUMBER,
      body: 'hello',
      statusCallback: `${s.app.url}/status`,
    });
    await s.runtime.messages.settled();
    expect(s.runtime.messages.get(sent.sid)).toMatchObject({ status: 'failed', errorCode: 20503 });
    expect(messaging.outbox).toEqual([]);
    await expect(
      s.runtime.messages.receive({ to: APP_NUMBER, from: CALLER, body: 'hi', app: { url: `${s.app.url}/sms` } }),
    ).rejects.toMatchObject({ code: 'store-full' });
    await s.runtime.callbacks.drain();
    expect(s.app.requests).toEqual([]);
  });
});
