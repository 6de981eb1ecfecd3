import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import { parseScript } from '../adapters/simulated/script.js';
import { VirtualClock } from '../clock/virtual.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { type AppServer, type Route, startAppServer } from '../testing/app-server.js';
import type { CallRecord } from './call.js';

/** Two accounts, each with a number answered by its own app server. */
const SALES = { number: '+15550301000', account: { sid: `AC${'1'.repeat(32)}`, authToken: 'sales-token' } };
const SUPPORT = { number: '+15550302000', account: { sid: `AC${'2'.repeat(32)}`, authToken: 'support-token' } };
const CALLER = '+15550309999';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function twoApps(sales: Record<string, Route>, support: Record<string, Route>, options = {}) {
  const salesApp = await startAppServer(sales);
  const supportApp = await startAppServer(support);
  const clock = new VirtualClock();
  const network = new SimulatedNetwork({ clock });
  const runtime = createRuntime({
    media: network,
    clock,
    accountSid: SALES.account.sid,
    authToken: SALES.account.authToken,
    incoming: ({ to }) =>
      to === SALES.number
        ? { url: `${salesApp.url}/voice`, account: SALES.account }
        : to === SUPPORT.number
          ? { url: `${supportApp.url}/voice`, account: SUPPORT.account }
          : undefined,
    onNet: true,
    ...options,
  });
  open.push(salesApp, supportApp, { close: () => network.close() }, { close: () => runtime.close() });
  return { salesApp, supportApp, network, runtime, clock };
}

/** Every request an app server got carries a signature valid for `token` (and only for it). */
function expectSigned(app: AppServer, token: string, other: string) {
  expect(app.requests.length).toBeGreaterThan(0);
  for (const request of app.requests) {
    const signature = String(request.headers['x-twilio-signature']);
    expect(twilio.validateRequest(token, signature, request.url, request.params)).toBe(true);
    expect(twilio.validateRequest(other, signature, request.url, request.params)).toBe(false);
  }
}

function ended(runtime: Runtime, filter: (call: CallRecord) => boolean): Promise<CallRecord> {
  return new Promise((resolve) => {
    const onEnded = (call: CallRecord) => {
      if (!filter(call)) return;
      runtime.events.off('call.ended', onEnded);
      resolve(call);
    };
    runtime.events.on('call.ended', onEnded);
  });
}

describe('on-net calls', () => {
  it("runs the dialed number's app as an inbound call in its own account; the caller hears it and its keys reach it", async () => {
    const { salesApp, supportApp, network, runtime } = await twoApps(
      {
        '/voice': () =>
          `<Response><Dial action="/after" callerId="${SALES.number}">${SUPPORT.number}</Dial></Response>`,
        '/after': () => '<Response><Say>Back in sales</Say></Response>',
      },
      {
        '/voice': () =>
          '<Response><Gather numDigits="1" action="/picked"><Say>Press 1 for an agent</Say></Gather></Response>',
        '/picked': (req) => `<Response><Say>You chose ${req.params.Digits}</Say><Hangup/></Response>`,
      },
    );
    const calleeEnded = ended(runtime, (call) => call.to === SUPPORT.number && call.direction === 'inbound');
    const callerEnded = ended(runtime, (call) => call.to === SALES.number && call.direction === 'inbound');
    network.call({ from: CALLER, to: SALES.number, script: parseScript('wait; press 1') });
    const callee = await calleeEnded;
    const caller = await callerEnded;
    await runtime.callbacks.drain();

    expect(callee).toMatchObject({
      direction: 'inbound',
      accountSid: SUPPORT.account.sid,
      from: SALES.number,
      to: SUPPORT.number,
      status: 'completed',
    });
    expect(callee.parentCallSid).toBeUndefined();
    const voice = supportApp.requestsTo('/voice')[0]?.params;
    expect(voice).toMatchObject({
      CallSid: callee.sid,
      AccountSid: SUPPORT.account.sid,
      Direction: 'inbound',
      From: SALES.number,
      To: SUPPORT.number,
      CallStatus: 'ringing',
    });
    expect(supportApp.requestsTo('/picked')[0]?.params.Digits).toBe('1');
    const after = salesApp.requestsTo('/after')[0]?.params;
    expect(after).toMatchObject({ DialCallStatus: 'completed', AccountSid: SALES.account.sid });
    expect(after?.DialCallSid).not.toBe(callee.sid);
    expect(runtime.calls.get(String(after?.DialCallSid))).toMatchObject({
      direction: 'outbound-dial',
      accountSid: SALES.account.sid,
      parentCallSid: caller.sid,
    });
    expectSigned(salesApp, SALES.account.authToken, SUPPORT.account.authToken);
    expectSigned(supportApp, SUPPORT.account.authToken, SALES.account.authToken);
    expect(network.party(CALLER)?.lines()).toEqual([
      'answered',
      `bridged ${SUPPORT.number}`,
      'heard-speech "Press 1 for an agent" (voice man, en-US)',
      'pressed 1',
      'heard-speech "You chose 1" (voice man, en-US)',
      `unbridged ${SUPPORT.number}`,
      'heard-speech "Back in sales" (voice man, en-US)',
      'disconnected',
    ]);
    // The support app's side: what it heard from the caller, and what it said.
    expect(network.party(SUPPORT.number)?.lines()).toEqual([
      'ringing',
      'answered',
      // The prompt started as the app answered, a moment before the bridge: the caller hears it all the same.
      'said "Press 1 for an agent"',
      `bridged ${CALLER}`,
      'heard-digits 1',
      'said "You chose 1"',
      'hung-up',
    ]);
  });

  it('answers a REST call when the called app answers; what the calling app plays, the called app gathers', async () => {
    const { salesApp, supportApp, runtime } = await twoApps(
      { '/call': () => '<Response><Play digits="42"/><Pause length="5"/></Response>' },
      {
        '/voice': () => '<Response><Gather numDigits="2" action="/code"><Say>Enter your code</Say></Gather></Response>',
        '/code': () => '<Response><Hangup/></Response>',
      },
    );
    const calleeEnded = ended(runtime, (call) => call.direction === 'inbound');
    const { sid } = runtime.calls.create({
      account: SALES.account,
      to: SUPPORT.number,
      from: SALES.number,
      url: `${salesApp.url}/call`,
    });
    const call = await runtime.calls.ended(sid);
    const callee = await calleeEnded;
    expect(supportApp.requestsTo('/code')[0]?.params).toMatchObject({ Digits: '42', AccountSid: SUPPORT.account.sid });
    expect(call).toMatchObject({ status: 'completed', direction: 'outbound-api' });
    expect(callee).toMatchObject({ status: 'completed', accountSid: SUPPORT.account.sid });
    // The called app hung up: the calling app's Pause was cut short.
    expect(call.duration).toBe(0);
    expectSigned(salesApp, SALES.account.authToken, SUPPORT.account.authToken);
    expectSigned(supportApp, SUPPORT.account.authToken, SALES.account.authToken);
  });

  it.each([
    ['<Reject reason="busy"/>', 'busy', 'busy'],
    ['<Reject/>', 'busy', 'no-answer'],
    // <Hangup> answers first (only <Reject> leaves a call unanswered): a call of 0 seconds.
    ['<Hangup/>', 'completed', 'completed'],
    ['<Pause length="30"/><Say>Too late</Say>', 'no-answer', 'canceled'],
  ])(
    'reports a called app answering %s as the hosted service would: DialCallStatus %s',
    async (markup, dialStatus, calleeStatus) => {
      const { salesApp, network, runtime } = await twoApps(
        {
          '/voice': () => `<Response><Dial timeout="10" action="/after">${SUPPORT.number}</Dial></Response>`,
          '/after': () => '<Response/>',
        },
        { '/voice': () => `<Response>${markup}</Response>` },
      );
      const calleeEnded = ended(runtime, (call) => call.to === SUPPORT.number && call.direction === 'inbound');
      const callerEnded = ended(runtime, (call) => call.to === SALES.number && call.direction === 'inbound');
      network.call({ from: CALLER, to: SALES.number });
      await callerEnded;
      expect((await calleeEnded).status).toBe(calleeStatus);
      expect(salesApp.requestsTo('/after')[0]?.params).toMatchObject({
        DialCallStatus: dialStatus,
        DialCallDuration: '0',
      });
    },
  );

  it('refuses an on-net loop past maxOnNetHops with a typed error, and every call of the chain ends', async () => {
    const { network, runtime } = await twoApps(
      { '/voice': () => `<Response><Dial>${SUPPORT.number}</Dial></Response>` },
      { '/voice': () => `<Response><Dial>${SALES.number}</Dial></Response>` },
      { maxOnNetHops: 3 },
    );
    const calls: CallRecord[] = [];
    runtime.events.on('call.ended', (call) => calls.push(call));
    const first = ended(runtime, (call) => call.from === CALLER && call.direction === 'inbound');
    network.call({ from: CALLER, to: SALES.number });
    await first;
    await runtime.close();
    // The caller's call, then three on-net hops (sales, support, sales) deep; the fourth is refused.
    expect(calls.filter((call) => call.direction === 'inbound').map((call) => call.to)).toHaveLength(4);
    const refused = calls.filter((call) => call.errors.length > 0);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ direction: 'outbound-dial', status: 'failed' });
    expect(refused[0]?.errors[0]).toMatchObject({
      code: 21216,
      message: expect.stringContaining('3 on-net calls deep'),
    });
    expect(runtime.calls.list().filter((call) => !['completed', 'failed', 'canceled'].includes(call.status))).toEqual(
      [],
    );
  });

  it('hangs the called app up when the caller gives up while it rings, and when the caller hangs up after', async () => {
    const { network, runtime, supportApp } = await twoApps(
      { '/voice': () => `<Response><Dial>${SUPPORT.number}</Dial></Response>` },
      {
        '/voice': (req) =>
          req.params.From === CALLER
            ? '<Response><Pause length="20"/><Say>Hello</Say></Response>'
            : '<Response><Say loop="0">Still here</Say></Response>',
      },
    );
    const ringing = ended(runtime, (call) => call.to === SUPPORT.number && call.direction === 'inbound');
    network.call({ from: CALLER, to: SALES.number, hangupAfterMs: 5000 });
    expect((await ringing).status).toBe('canceled');
    const talking = ended(runtime, (call) => call.to === SUPPORT.number && call.direction === 'inbound');
    network.call({ from: '+15550308888', to: SALES.number, hangupAfterMs: 5000 });
    expect(await talking).toMatchObject({ status: 'completed', duration: 5 });
    expect(supportApp.requestsTo('/voice')).toHaveLength(2);
  });

  it('is off unless asked: with onNet false a dialed number goes out to the network, whatever incoming routes', async () => {
    const { network, runtime, supportApp } = await twoApps(
      { '/voice': () => `<Response><Dial>${SUPPORT.number}</Dial></Response>` },
      { '/voice': () => '<Response><Say>Not reached</Say></Response>' },
      { onNet: false },
    );
    network.addNumber(SUPPORT.number, { onCall: 'busy' });
    const done = ended(runtime, (call) => call.to === SALES.number && call.direction === 'inbound');
    network.call({ from: CALLER, to: SALES.number });
    await done;
    expect(supportApp.requests).toEqual([]);
    expect(network.party(SUPPORT.number)?.lines()).toEqual(['ringing', 'busy']);
  });
});
