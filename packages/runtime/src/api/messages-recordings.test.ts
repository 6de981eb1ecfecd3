import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedMessaging } from '../messaging/simulated.js';
import { type ApiHarness, startApiHarness } from './harness.test-support.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function setup() {
  const harness = await startApiHarness({
    routes: { '/sms-status': () => '' },
    messaging: new SimulatedMessaging({ stepMs: 5 }),
    routeByNumber: false,
    setup: (network) => network.addNumber('+15550007777', { speaksForMs: 1200 }),
  });
  harnesses.push(harness);
  return harness;
}

describe('Messages', () => {
  it('sends, reports delivery to the status callback, lists and fetches', async () => {
    const { client, runtime, app } = await setup();
    const delivered = new Promise<void>((resolve) =>
      runtime.events.on('message.updated', (m) => m.status === 'delivered' && resolve()),
    );
    const sent = await client.messages.create({
      to: '+15550001234',
      from: '+15550004321',
      body: 'Your code is 1234',
      statusCallback: `${app.url}/sms-status`,
    });
    expect(sent).toMatchObject({
      status: 'queued',
      direction: 'outbound-api',
      body: 'Your code is 1234',
      numMedia: '0',
    });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    await delivered;
    await runtime.callbacks.drain();
    expect((await client.messages(sent.sid).fetch()).status).toBe('delivered');
    expect(app.requestsTo('/sms-status').map((r) => r.params.MessageStatus)).toEqual(['sending', 'sent', 'delivered']);
    expect(await client.messages.list({ to: '+15550001234' })).toHaveLength(1);
    expect(await client.messages.list({ to: '+15550009999' })).toHaveLength(0);
    const media = await client.messages.create({
      to: '+15550001234',
      from: '+15550004321',
      mediaUrl: ['https://example.com/a.png'],
    });
    expect(media.numMedia).toBe('1');
  });

  it('refuses messages without To, From or content', async () => {
    const { client } = await setup();
    const error = (promise: Promise<unknown>) =>
      promise.then(
        () => expect.fail('accepted'),
        (e: { code: number }) => e,
      );
    expect(await error(client.messages.create({ to: '', from: '+1', body: 'x' }))).toMatchObject({ code: 21604 });
    expect(await error(client.messages.create({ to: '+15550001234', from: '', body: 'x' }))).toMatchObject({
      code: 21603,
    });
    expect(await error(client.messages.create({ to: '+15550001234', from: '+1', body: '' }))).toMatchObject({
      code: 21602,
    });
  });
});

describe('Recordings', () => {
  it('lists, fetches, serves and deletes the recordings of calls', async () => {
    const { client, runtime, base } = await setup();
    const call = await client.calls.create({
      to: '+15550007777',
      from: '+1',
      twiml: '<Response><Record timeout="1" playBeep="false"/></Response>',
    });
    await runtime.calls.ended(call.sid);
    const [recording] = await client.recordings.list({ callSid: call.sid });
    expect(recording).toMatchObject({ callSid: call.sid, source: 'RecordVerb', status: 'completed', channels: 1 });
    expect(Number(recording?.duration)).toBeGreaterThanOrEqual(1);
    const fetched = await client.recordings(String(recording?.sid)).fetch();
    expect(fetched.sid).toBe(recording?.sid);
    const media = await fetch(`${base}${String(recording?.uri).replace(/\.json$/, '.wav')}`);
    expect(media.status).toBe(200);
    expect(
      Buffer.from(await media.arrayBuffer())
        .subarray(0, 4)
        .toString('ascii'),
    ).toBe('RIFF');
    expect(await client.recordings(String(recording?.sid)).remove()).toBe(true);
    expect((await fetch(`${base}${String(recording?.uri).replace(/\.json$/, '.wav')}`)).status).toBe(404);
    expect(await client.recordings.list()).toEqual([]);
  });
});
