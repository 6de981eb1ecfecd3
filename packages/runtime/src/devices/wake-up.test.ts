/**
 * Waking devices: over the open channel when the device is connected; otherwise Web Push to a
 * push service on loopback that checks the VAPID JWT and headers and decrypts the message with its
 * own RFC 8291 code, after which the device connects and fetches what waits for it; a
 * subscription that is gone is forgotten and the device is texted instead; and SMS alone for a
 * device with no push subscription.
 */
import { fetchNotices } from '@patchbay/sdk';
import type { DeviceNotice } from '@patchbay/sdk/protocol';
import { afterEach, expect, it } from 'vitest';
import { roomsRequest } from '../api/rooms.test-support.js';
import { deviceFor } from '../bridge/devices.test-support.js';
import { createEgress } from '../webhooks/egress.js';
import { ANN, devicesHarnessPerTest, REGISTRATION_NUMBER } from './harness.test-support.js';
import { LoopbackPushService } from './push-service.test-support.js';

const start = devicesHarnessPerTest();
const services: LoopbackPushService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
});

async function setup(options: Parameters<typeof start>[0] = {}) {
  const harness = await start(options);
  const push = await LoopbackPushService.start();
  services.push(push);
  const subscription = push.subscribe();
  const phone = harness.phone(ANN);
  const registered = await harness
    .registration('ann', 'ann-browser', { wakeUp: subscription })
    .bySms(phone, REGISTRATION_NUMBER);
  const wake = (form: Record<string, string>) =>
    roomsRequest(harness, 'POST', `Devices/${registered.sid}/WakeUp`, form);
  return { harness, push, subscription, phone, registered, wake };
}

it('wakes an offline device by Web Push (decrypted by the push service); it connects and fetches what waits', async () => {
  const { harness, push, registered, wake } = await setup();
  const received = push.next();
  const woken = await wake({ Reason: 'incoming-message', 'Data.From': '+15550100777' });
  expect(woken.json).toMatchObject({ woken: true, via: 'web-push', failures: [], last_woken_via: null });
  const message = await received;
  expect(JSON.parse(message.payload)).toEqual({
    device: registered.sid,
    reason: 'incoming-message',
    data: { From: '+15550100777' },
  });
  expect(message).toMatchObject({ ttl: 600, urgency: 'high' });
  const settings = await roomsRequest(harness, 'GET', 'DeviceSettings');
  expect(message.vapid).toMatchObject({
    aud: push.origin,
    sub: 'mailto:postmaster@localhost',
    publicKey: settings.json.vapid_public_key,
  });
  // The key the device subscribed with is the one it can fetch with its own token.
  const pushKey = await harness.device('GET', 'DeviceRegistrations/PushKey', 'ann');
  expect(pushKey.json).toMatchObject({
    vapid_public_key: settings.json.vapid_public_key,
    registration_number: REGISTRATION_NUMBER,
  });
  expect(push.refusals).toEqual([]);

  // Woken, the device connects and reads what is waiting for it.
  const device = deviceFor(harness, harness.token('ann'));
  await device.register();
  const notices = await fetchNotices(harness.base, registered.credential);
  expect(notices).toEqual([
    expect.objectContaining({ seq: 1, reason: 'incoming-message', data: { From: '+15550100777' } }),
  ]);
  expect(await fetchNotices(harness.base, registered.credential, 1)).toEqual([]);

  // Connected now, it is told over its channel, and nothing goes to the push service.
  const told = new Promise<DeviceNotice>((resolve) => device.once('notice', resolve));
  expect((await wake({ Reason: 'ping' })).json).toMatchObject({ woken: true, via: 'channel' });
  expect(await told).toEqual({ kind: 'wake', device: registered.sid, reason: 'ping' });
  expect(push.received.length).toBe(1);
  const stored = await roomsRequest(harness, 'GET', `Devices/${registered.sid}`);
  expect(stored.json).toMatchObject({ last_woken_via: 'channel' });
  device.destroy();
});

it('forgets a subscription the push service says is gone, and texts the device instead', async () => {
  const { harness, push, subscription, phone, registered, wake } = await setup();
  push.unsubscribe(subscription);
  const texted = phone.receive(REGISTRATION_NUMBER);
  const woken = await wake({ Reason: 'incoming-call' });
  expect(woken.json).toMatchObject({
    woken: true,
    via: 'sms',
    failures: [{ via: 'web-push', error: 'the push service answered 410' }],
  });
  expect((await texted).body).toBe('PBWAKE ann-browser incoming-call: open the app to see what is waiting.');
  await expect
    .poll(async () => (await roomsRequest(harness, 'GET', `Devices/${registered.sid}`)).json.wake_up)
    .toBeNull();
});

it('texts a device that has no push subscription; an email device with no way to reach it is 91215', async () => {
  const harness = await start();
  const phone = harness.phone(ANN);
  const registered = await harness.registration('ann', 'ann-phone').bySms(phone, REGISTRATION_NUMBER);
  const texted = phone.receive(REGISTRATION_NUMBER);
  const woken = await roomsRequest(harness, 'POST', `Devices/${registered.sid}/WakeUp`, { Reason: 'incoming-call' });
  expect(woken.json).toMatchObject({ woken: true, via: 'sms', failures: [] });
  expect((await texted).body).toContain('PBWAKE ann-phone incoming-call');
  // Woken by the text, the app connects and reads what waits.
  const device = deviceFor(harness, harness.token('ann'));
  await device.register();
  expect(await fetchNotices(harness.base, registered.credential)).toEqual([
    expect.objectContaining({ seq: 1, reason: 'incoming-call' }),
  ]);
  device.destroy();
  expect(
    (await roomsRequest(harness, 'POST', `Devices/${registered.sid}/WakeUp`, { Reason: 'bad reason!' })).json,
  ).toMatchObject({
    code: 91202,
  });
  expect((await roomsRequest(harness, 'POST', 'Devices/DV00000000000000000000000000000000/WakeUp', {})).status).toBe(
    404,
  );
});

it('sends pushes through the egress policy: under deny-private a loopback push service is refused, SMS wakes the device', async () => {
  const { phone, wake, push } = await setup({ api: { devices: { egress: createEgress({ policy: 'deny-private' }) } } });
  const texted = phone.receive(REGISTRATION_NUMBER);
  const woken = await wake({ Reason: 'incoming-call' });
  expect(woken.json).toMatchObject({
    woken: true,
    via: 'sms',
    failures: [{ via: 'web-push', error: expect.stringContaining('refused') }],
  });
  expect((await texted).body).toContain('PBWAKE');
  expect(push.received).toEqual([]);
});
