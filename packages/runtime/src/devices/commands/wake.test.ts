/**
 * Commands for a device that is not connected: Web Push to the loopback push service (which
 * decrypts the payload), the SDK reading the signed form the app hands it, or connecting and
 * getting what waits; SMS in the compact signed form, several open commands in one text, a
 * command too large for a text sent as the `@` marker and fetched over HTTPS; a forged text
 * dropped with 91230.
 */
import { DeviceCommands, type DeviceError } from '@patchbay/sdk';
import { readForm, signForm } from '@patchbay/sdk/protocol';
import { afterEach, expect, it } from 'vitest';
import { deviceFor, next } from '../../bridge/devices.test-support.js';
import { devicesHarnessPerTest, REGISTRATION_NUMBER } from '../harness.test-support.js';
import { LoopbackPushService } from '../push-service.test-support.js';
import { registerAnn } from './commands.test-support.js';

const start = devicesHarnessPerTest();
const services: LoopbackPushService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
});

const secretOf = (credential: string) => credential.split(':')[1] as string;

it('wakes the device by Web Push with the signed form; it runs the command, or connects and gets what waits', async () => {
  const harness = await start();
  const push = await LoopbackPushService.start();
  services.push(push);
  const ann = await registerAnn(harness, { wakeUp: push.subscribe() });
  const received = push.next();
  const first = await ann.post({ Action: 'locate', 'Params.accuracy': 'high & fine' });
  const message = JSON.parse((await received).payload) as {
    device: string;
    reason: string;
    data: { commands: string };
  };
  expect(message).toMatchObject({ device: ann.registered.sid, reason: 'commands' });
  expect(message.data.commands).toMatch(/^PBC1 1 [0-9a-f]{16} locate\?accuracy=high%20%26%20fine$/);
  expect(await ann.get(String(first.json.sid))).toMatchObject({
    status: 'delivered',
    delivered_via: 'web-push',
    attempts: 1,
  });

  // The app hands the payload to the SDK: the command runs, its result goes over HTTPS.
  const commands = new DeviceCommands({ server: harness.base, credential: ann.registered.credential });
  commands.handle('locate', (params) => ({ at: `52.5,13.4 (${params.accuracy})` }));
  await commands.fromPush((await received).payload);
  await commands.settled();
  expect(await ann.get(String(first.json.sid))).toMatchObject({
    status: 'completed',
    result: { at: '52.5,13.4 (high & fine)' },
  });

  // Woken again, the app connects instead: the channel brings what waits.
  const woken = push.next();
  const second = await ann.post({ Action: 'locate' });
  await woken;
  const device = deviceFor(harness, harness.token('ann'));
  const connected = device.commands({ credential: ann.registered.credential, after: commands.highest });
  connected.handle('locate', () => ({ at: 'here' }));
  expect(await ann.until(String(second.json.sid), 'completed')).toMatchObject({ result: { at: 'here' }, sequence: 2 });
  expect(push.refusals).toEqual([]);
  commands.close();
  device.destroy();
});

it('texts open commands in the signed form, several in one text, a large one as a marker fetched over HTTPS', async () => {
  const harness = await start();
  const ann = await registerAnn(harness);
  const texts: string[] = [];
  harness.runtime.events.on('message.updated', (message) => {
    if (
      message.to === ann.phone.number &&
      message.direction !== 'inbound' &&
      message.body.startsWith('PBC1') &&
      !texts.includes(message.body)
    )
      texts.push(message.body);
  });
  const sids: string[] = [];
  for (const n of ['1', '2', '3']) sids.push(String((await ann.post({ Action: 'beep', 'Params.n': n })).json.sid));
  await expect.poll(() => texts.some((text) => text.endsWith('beep?n=1 beep?n=2 beep?n=3'))).toBe(true);
  const secret = secretOf(ann.registered.credential);
  const batched = texts.find((text) => text.endsWith('beep?n=3')) as string;
  expect(await readForm(secret, batched)).toMatchObject({
    ok: true,
    first: 1,
    items: [{ action: 'beep' }, { action: 'beep' }, { action: 'beep' }],
  });
  expect(await readForm('another-secret', batched)).toEqual({ ok: false, reason: 'authentication-failure' });

  // A device that was off reads the last text: each command runs once, whatever it read before.
  const ran: string[] = [];
  const commands = new DeviceCommands({ server: harness.base, credential: ann.registered.credential });
  commands.handle('beep', (params) => {
    ran.push(params.n ?? '');
    return {};
  });
  const duplicates: number[] = [];
  commands.on('duplicate', (number) => duplicates.push(number));
  for (const text of texts) await commands.fromSms(text);
  await commands.settled();
  expect(ran).toEqual(['1', '2', '3']);
  expect(duplicates.length).toBeGreaterThan(0);
  for (const sid of sids) expect(await ann.get(sid)).toMatchObject({ status: 'completed', delivered_via: 'sms' });

  // Too large for a text: the marker, read by the SDK from the phone (the app's SmsPort), and the command fetched.
  const shown: number[] = [];
  commands.handle('show', (params) => {
    shown.push(params.text?.length ?? 0);
    return {};
  });
  const stop = commands.listen(ann.phone, REGISTRATION_NUMBER);
  const large = await ann.post({ Action: 'show', 'Params.text': 'x'.repeat(500) });
  await expect.poll(() => texts.some((text) => text.startsWith('PBC1 4 ') && text.endsWith(' @'))).toBe(true);
  await expect.poll(() => shown).toEqual([500]);
  await commands.settled();
  expect(await ann.get(String(large.json.sid))).toMatchObject({ status: 'completed', result: {} });
  stop();

  // A forged text (the authenticator made with another key) is dropped with 91230.
  const forged = await signForm('not-the-secret', { first: 5, items: [{ action: 'beep', params: { n: '666' } }] });
  const refused = next(commands, 'error');
  await commands.fromSms(forged);
  expect(((await refused)[0] as DeviceError).code).toBe(91230);
  expect(ran).toEqual(['1', '2', '3']);
  expect(commands.highest).toBe(4);
  commands.close();
});
