/**
 * One tenant may not pose as another: a number another account on this server holds is refused
 * as the caller ID of a call (REST `From`/`CallerId`, a participant's `From`, `<Dial callerId>`)
 * and as the sender of a message (REST `From`, `<Sms from>`, `<Message from>`). Numbers this
 * server does not host, and the account's own, stay allowed.
 */
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../calls/call.js';
import type { Route } from '../testing/app-server.js';
import { harnessPerTest, rejected } from './harness.test-support.js';

const A_NUMBER = '+15550410100';
const B_NUMBER = '+15550410200';
const OUTSIDE = '+15550410300';

const start = harnessPerTest();

async function setup(routes: Record<string, Route> = {}) {
  const harness = await start({
    routes: {
      '/b-voice': () => '<Response><Say>B speaking</Say></Response>',
      '/b-sms': () => '<Response/>',
      '/hold': () => '<Response><Pause length="1"/></Response>',
      '/after': () => '<Response/>',
      ...routes,
    },
  });
  const tenant = async (name: string) => {
    const sub = await harness.client.api.v2010.accounts.create({ friendlyName: name });
    return { sid: sub.sid, client: harness.clientFor(sub.sid, sub.authToken) };
  };
  const [a, b] = [await tenant('A'), await tenant('B')];
  const { url } = harness.app;
  await b.client.incomingPhoneNumbers.create({
    phoneNumber: B_NUMBER,
    voiceUrl: `${url}/b-voice`,
    smsUrl: `${url}/b-sms`,
  });
  await a.client.incomingPhoneNumbers.create({
    phoneNumber: A_NUMBER,
    voiceUrl: `${url}/a-voice`,
    smsUrl: `${url}/a-sms`,
  });
  return { harness, a, b };
}

function endedCall(harness: Awaited<ReturnType<typeof start>>, to: string): Promise<CallRecord> {
  return new Promise((resolve) => {
    const onEnded = (call: CallRecord) => {
      if (call.to !== to || call.direction !== 'inbound') return;
      harness.runtime.events.off('call.ended', onEnded);
      resolve(call);
    };
    harness.runtime.events.on('call.ended', onEnded);
  });
}

describe("another account's number", () => {
  it('is refused as the From or CallerId of a REST call (21210), and its app never hears of it', async () => {
    const { harness, a } = await setup();
    const hold = `${harness.app.url}/hold`;
    for (const params of [
      { to: B_NUMBER, from: B_NUMBER, url: hold },
      { to: OUTSIDE, from: B_NUMBER, url: hold },
      { to: B_NUMBER, from: A_NUMBER, callerId: B_NUMBER, url: hold },
    ]) {
      expect(await rejected(a.client.calls.create(params))).toMatchObject({ status: 400, code: 21210 });
    }
    expect(harness.app.requestsTo('/b-voice')).toEqual([]);
    // Its own number, or one this server does not host, is fine: B's app hears A's real number.
    const answered = endedCall(harness, B_NUMBER);
    const own = await a.client.calls.create({ to: B_NUMBER, from: A_NUMBER, url: hold });
    expect(own.status).toBe('queued');
    await answered;
    expect(harness.app.requestsTo('/b-voice')[0]?.params).toMatchObject({ From: A_NUMBER, Direction: 'inbound' });
    await a.client.calls.create({ to: OUTSIDE, from: OUTSIDE, url: hold });
  });

  it('is refused as a conference participant’s From (21210) and a message’s From (21606)', async () => {
    const { a } = await setup();
    const participant = a.client.conferences('room').participants.create({ from: B_NUMBER, to: OUTSIDE });
    expect(await rejected(participant)).toMatchObject({ status: 400, code: 21210 });
    const message = a.client.messages.create({ from: B_NUMBER, to: OUTSIDE, body: 'hi' });
    expect(await rejected(message)).toMatchObject({ status: 400, code: 21606 });
    expect((await a.client.messages.create({ from: A_NUMBER, to: OUTSIDE, body: 'hi' })).status).toBe('queued');
  });

  it('as <Dial callerId> dials nothing: DialCallStatus=failed and a 13214 warning on the call', async () => {
    const { harness } = await setup({
      '/a-voice': () => `<Response><Dial callerId="${B_NUMBER}" action="/after">${B_NUMBER}</Dial></Response>`,
    });
    const warnings: number[] = [];
    harness.runtime.events.on('call.warning', (_call, warning) => warnings.push(warning.code));
    const ended = endedCall(harness, A_NUMBER);
    harness.network.call({ from: OUTSIDE, to: A_NUMBER });
    await ended;
    expect(harness.app.requestsTo('/after')[0]?.params).toMatchObject({ DialCallStatus: 'failed' });
    expect(harness.app.requestsTo('/b-voice')).toEqual([]);
    expect(warnings).toContain(13214);
  });

  it('as <Sms from> or <Message from> sends nothing and records 14102; the account’s own number sends', async () => {
    const { harness } = await setup({
      '/a-voice': () => `<Response><Sms from="${B_NUMBER}">from B?</Sms><Sms>from A</Sms></Response>`,
      '/a-sms': () => `<Response><Message from="${B_NUMBER}">from B?</Message><Message>from A</Message></Response>`,
    });
    const codes: number[] = [];
    harness.runtime.events.on('call.warning', (_call, warning) => codes.push(warning.code));
    harness.runtime.events.on('message.error', (_message, error) => codes.push(error.code));
    const ended = endedCall(harness, A_NUMBER);
    harness.network.call({ from: OUTSIDE, to: A_NUMBER });
    await ended;
    const texted = await harness.runtime.messages.receive({ from: OUTSIDE, to: A_NUMBER, body: 'hello' });
    expect(texted?.replies.map((reply) => [reply.from, reply.body])).toEqual([[A_NUMBER, 'from A']]);
    const sent = harness.runtime.messages.list({ to: OUTSIDE }).filter((m) => m.direction !== 'inbound');
    expect(sent.map((message) => message.from)).toEqual([A_NUMBER, A_NUMBER]);
    expect(codes.filter((code) => code === 14102)).toHaveLength(2);
  });
});
