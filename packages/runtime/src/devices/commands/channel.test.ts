/**
 * Commands over the open device channel: a registered device connected with the SDK runs them by
 * action name and its results are recorded once (the signed result webhook posted once); an
 * action with no handler fails; the REST client lists and cancels; a wrong credential is refused
 * on the channel and over HTTPS (91230, logged as the bridge's refusals); the per-device bound.
 */
import { DeviceError, Patchbay } from '@patchbay/sdk';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { deviceFor, next } from '../../bridge/devices.test-support.js';
import { devicesHarnessPerTest } from '../harness.test-support.js';
import { registerAnn, ringingCommands } from './commands.test-support.js';

const start = devicesHarnessPerTest();

describe('commands over the open channel', () => {
  it('runs each command once by its action, records its result once, and posts the signed result webhook', async () => {
    const harness = await start({ routes: { '/done': () => '' } });
    const ann = await registerAnn(harness);
    const device = deviceFor(harness, harness.token('ann'));
    const { commands, ran } = await ringingCommands(device, ann);
    const hook = `${harness.app.url}/done`;
    const first = await ann.post({ Action: 'ring', 'Params.seconds': '5', ResultCallback: hook });
    expect(first).toMatchObject({ status: 201, json: { sequence: 1, action: 'ring', params: { seconds: '5' } } });
    const second = await ann.post({ Action: 'explode' });
    const third = await ann.post({ Action: 'ring', 'Params.seconds': '7' });

    const done = await ann.until(String(first.json.sid), 'completed');
    expect(done).toMatchObject({
      result: { rang: '5' },
      delivered_via: 'channel',
      attempts: 1,
      date_next_attempt: null,
    });
    expect(await ann.until(String(second.json.sid), 'failed')).toMatchObject({
      error: 'no handler for action explode',
      sequence: 2,
    });
    expect(await ann.until(String(third.json.sid), 'completed')).toMatchObject({ result: { rang: '7' }, sequence: 3 });
    expect(ran).toEqual(['5', '7']);
    expect(commands.highest).toBe(3);

    await expect.poll(() => harness.app.requestsTo('/done').length).toBe(1);
    const [posted] = harness.app.requestsTo('/done');
    expect(posted?.params).toMatchObject({
      CommandSid: first.json.sid,
      Sequence: '1',
      Action: 'ring',
      Status: 'completed',
      'Result.rang': '5',
    });
    const signature = String(posted?.headers['x-twilio-signature']);
    expect(
      twilio.validateRequest(harness.account.authToken, signature, String(posted?.url), posted?.params ?? {}),
    ).toBe(true);

    // A result sent again is acknowledged, and changes nothing.
    const again = await fetch(`${harness.base}/patchbay/v1/DeviceCommands/${first.json.sid}/Result`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(ann.registered.credential)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ Ok: 'true', 'Result.rang': '99' }),
    });
    expect(await again.json()).toMatchObject({ recorded: false, status: 'completed' });
    expect(await ann.get(String(first.json.sid))).toMatchObject({ result: { rang: '5' } });
    await harness.runtime.callbacks.drain();
    expect(harness.app.requestsTo('/done').length).toBe(1);
    device.destroy();
  });

  it('lists and cancels through the REST client; a settled command cannot be canceled', async () => {
    const harness = await start();
    const ann = await registerAnn(harness);
    const client = new Patchbay(harness.account.sid, harness.account.authToken, { baseUrl: harness.base });
    const commands = client.deviceCommands(ann.registered.sid);
    // Not connected: the device is texted, and the commands wait.
    const made = await commands.create({ action: 'lock', params: { pin: '1234' }, ttl: 600 });
    await commands.create({ action: 'wipe' });
    expect(made).toMatchObject({ sequence: 1, status: 'pending', params: { pin: '1234' } });
    expect((await commands.list()).map((c) => c.sequence)).toEqual([2, 1]);
    const canceled = await commands.cancel(made.sid);
    expect(canceled.status).toBe('canceled');
    await expect(commands.cancel(made.sid)).rejects.toMatchObject({ code: 91234, status: 409 });
    expect((await client.deviceCommands(ann.registered.sid, 'canceled').list()).map((c) => c.sid)).toEqual([made.sid]);
    await expect(commands.create({ action: 'no spaces' })).rejects.toMatchObject({ code: 91231 });
    await expect(commands.create({ action: 'x', ttl: 5 })).rejects.toMatchObject({ code: 91231 });
    await expect(commands.create({ action: 'x', resultCallback: 'ftp://example.com/' })).rejects.toMatchObject({
      code: 91231,
    });
    await expect(
      client.deviceCommands('DV00000000000000000000000000000000').create({ action: 'x' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a wrong credential on the channel and over HTTPS (91230), and logs it', async () => {
    const harness = await start();
    const ann = await registerAnn(harness);
    const refusals: number[] = [];
    harness.runtime.devices?.events.on('refused', (event) => refusals.push(event.error.code));
    const device = deviceFor(harness, harness.token('ann'));
    const forged = device.commands({ credential: `${ann.registered.sid}:not-the-secret` });
    const [error] = await next(forged, 'error');
    expect(error).toBeInstanceOf(DeviceError);
    expect(error.code).toBe(91230);
    const answer = await fetch(`${harness.base}/patchbay/v1/DeviceCommands?After=0`, {
      headers: { authorization: `Basic ${btoa(`${ann.registered.sid}:wrong`)}` },
    });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ code: 91230 });
    expect(refusals).toEqual([91230, 91230]);
    device.destroy();
  });

  it('bounds the open commands of a device (91232)', async () => {
    const harness = await start();
    const ann = await registerAnn(harness, { wakeUp: undefined });
    for (let i = 0; i < 100; i++) expect((await ann.post({ Action: 'noop' })).status).toBe(201);
    expect((await ann.post({ Action: 'noop' })).json).toMatchObject({ code: 91232, status: 429 });
  });
});
