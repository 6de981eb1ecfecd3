import { describe, expect, it } from 'vitest';
import type { Route } from '../testing/app-server.js';
import { EVENTS_PER_CALL, NOTIFICATIONS_PER_CALL } from './call-log.js';
import { type ApiHarness, harnessPerTest, rejected } from './harness.test-support.js';

const PEER = '+15550008001';
const FROM = '+15550008000';

const harness = harnessPerTest();

function setup(routes: Record<string, Route>): Promise<ApiHarness> {
  return harness({ routes, routeByNumber: false, setup: (network) => network.addNumber(PEER, { ringMs: 5 }) });
}

describe('a document with an unknown verb (<Sayy>)', () => {
  it('ends the call as the hosted service does, and says why: a 12200 notification and the request in Events', async () => {
    const { client, app, runtime, base } = await setup({
      '/voice': () => '<Response><Sayy>Hello</Sayy></Response>',
    });
    const call = await client.calls.create({ to: PEER, from: FROM, url: `${app.url}/voice` });
    const ended = await runtime.calls.ended(call.sid);
    expect(ended.status).toBe('completed');

    const [notification, ...others] = await client.calls(call.sid).notifications.list();
    expect(others).toEqual([]);
    expect(notification).toMatchObject({
      callSid: call.sid,
      accountSid: call.accountSid,
      errorCode: '12200',
      log: '1',
      requestUrl: `${app.url}/voice`,
      requestMethod: 'POST',
      moreInfo: `${base}/docs/errors#12200`,
    });
    const text = new URLSearchParams(notification?.messageText);
    expect(text.get('ErrorCode')).toBe('12200');
    expect(text.get('LogLevel')).toBe('WARN');
    expect(text.get('Msg')).toContain('<Sayy>');
    expect(new URLSearchParams(notification?.requestVariables).get('CallSid')).toBe(call.sid);
    expect(notification?.responseBody).toBe('<Response><Sayy>Hello</Sayy></Response>');
    expect(notification?.responseHeaders).toContain('content-type: text/xml');

    const sid = notification?.sid as string;
    expect((await client.calls(call.sid).notifications(sid).fetch()).errorCode).toBe('12200');
    expect((await client.notifications.list()).map((n) => n.sid)).toContain(sid);
    expect((await client.notifications(sid).fetch()).callSid).toBe(call.sid);

    const events = await client.calls(call.sid).events.list();
    expect(events).toHaveLength(1);
    expect(events[0]?.request).toMatchObject({
      method: 'POST',
      url: `${app.url}/voice`,
      parameters: { CallSid: call.sid, AccountSid: call.accountSid, From: FROM, To: PEER },
    });
    expect(events[0]?.response).toMatchObject({
      response_code: 200,
      content_type: 'text/xml',
      response_body: '<Response><Sayy>Hello</Sayy></Response>',
    });
  });

  it('records the warning of inline Twiml too', async () => {
    const { client, runtime } = await setup({});
    const call = await client.calls.create({ to: PEER, from: FROM, twiml: '<Response><Sayy>Hi</Sayy></Response>' });
    await runtime.calls.ended(call.sid);
    const notifications = await client.calls(call.sid).notifications.list();
    expect(notifications.map((n) => [n.errorCode, n.log, n.requestUrl])).toEqual([['12200', '1', null]]);
  });
});

describe('Notifications and Events of a failing app', () => {
  it('records the error with the answer the app gave, and filters by Log', async () => {
    const { client, app, runtime } = await setup({
      '/voice': () => ({ status: 500, headers: { 'content-type': 'text/plain' }, body: 'database down' }),
    });
    const call = await client.calls.create({ to: PEER, from: FROM, url: `${app.url}/voice#rc=0` });
    await runtime.calls.ended(call.sid);
    const errors = await client.calls(call.sid).notifications.list({ log: 0 });
    expect(errors.map((n) => [n.errorCode, n.requestUrl, n.responseBody])).toEqual([
      ['11200', `${app.url}/voice#rc=0`, 'database down'],
    ]);
    expect(await client.calls(call.sid).notifications.list({ log: 1 })).toEqual([]);
    const [event] = await client.calls(call.sid).events.list();
    expect(event?.response).toMatchObject({ response_code: 500, response_body: 'database down', error_code: 11200 });
  });

  it('keeps the request a hang-up cut short, after the ones before it', async () => {
    let arrived!: () => void;
    const slowRequest = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const { client, app, runtime } = await setup({
      '/first': () => '<Response><Redirect>/slow</Redirect></Response>',
      '/slow': () => {
        arrived();
        return { delayMs: 5000, body: '<Response/>' };
      },
    });
    const call = await client.calls.create({ to: PEER, from: FROM, url: `${app.url}/first` });
    await slowRequest;
    await client.calls(call.sid).update({ status: 'completed' });
    await runtime.calls.ended(call.sid);
    const events = await client.calls(call.sid).events.list();
    expect(events.map((event) => [event.request.url, event.response.response_code, event.response.error_code])).toEqual(
      [
        [`${app.url}/first`, 200, undefined],
        [`${app.url}/slow`, null, 11200],
      ],
    );
  });

  it('answers 404 for an unknown call, and 21200 for a Log that is not 0 or 1', async () => {
    const { client, runtime } = await setup({});
    const missing = `CA${'0'.repeat(32)}`;
    expect((await rejected(client.calls(missing).notifications.list())).code).toBe(20404);
    expect((await rejected(client.calls(missing).events.list())).code).toBe(20404);
    const call = await client.calls.create({ to: PEER, from: FROM, twiml: '<Response><Hangup/></Response>' });
    await runtime.calls.ended(call.sid);
    expect((await rejected(client.calls(call.sid).notifications.list({ log: 2 }))).code).toBe(21200);
  });

  it('keeps a bounded log per call: the first notifications, the latest events; deleting the call deletes it', async () => {
    const target = EVENTS_PER_CALL + 30;
    let served = 0;
    let hungUp!: () => void;
    const hangUp = new Promise<void>((resolve) => {
      hungUp = resolve;
    });
    const { client, app, runtime } = await setup({
      // Each document says its number, so the events show which requests they are; the request
      // after the target waits for the hang-up, which cuts it short.
      '/loop': async () => {
        const n = ++served;
        if (n > target) await hangUp;
        return `<Response><Sayy/><Say>${n}</Say><Redirect>/loop</Redirect></Response>`;
      },
    });
    const call = await client.calls.create({ to: PEER, from: FROM, url: `${app.url}/loop` });
    await new Promise<void>((resolve) => {
      let seen = 0;
      runtime.events.on('call.webhook', (record) => {
        if (record.sid === call.sid && ++seen === target) resolve();
      });
    });
    await expect.poll(() => served).toBe(target + 1);
    await client.calls(call.sid).update({ status: 'completed' });
    await runtime.calls.ended(call.sid);
    hungUp();
    expect(await client.calls(call.sid).notifications.list()).toHaveLength(NOTIFICATIONS_PER_CALL);
    const events = await client.calls(call.sid).events.list();
    expect(events).toHaveLength(EVENTS_PER_CALL);
    // The latest: the answered ones up to the target, in order, then the one the hang-up cut short.
    const cut = events.at(-1);
    expect([cut?.response.response_code, cut?.response.error_code]).toEqual([null, 11200]);
    const said = events
      .slice(0, -1)
      .map((event) => Number(/<Say>(\d+)<\/Say>/.exec(String(event.response.response_body))?.[1]));
    expect(said).toEqual(said.map((_, i) => target - said.length + 1 + i));

    await client.calls(call.sid).remove();
    expect(await client.notifications.list()).toEqual([]);
    expect((await rejected(client.calls(call.sid).events.list())).code).toBe(20404);
  }, 30_000);
});
