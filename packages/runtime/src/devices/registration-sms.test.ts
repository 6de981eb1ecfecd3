/**
 * Registration by SMS round trip: a simulated phone running the SDK's `Registration` texts the
 * registration number, gets the signed form back, posts it, and is bound; every way of misusing a
 * signature fails with its own code, and nothing is bound by a failure.
 */
import { RestError } from '@patchbay/sdk';
import { expect, it } from 'vitest';
import { roomsRequest } from '../api/rooms.test-support.js';
import { VirtualClock } from '../clock/virtual.js';
import { ANN, BOB, type DevicesHarness, devicesHarnessPerTest, REGISTRATION_NUMBER } from './harness.test-support.js';

const start = devicesHarnessPerTest();

/** Texts REGISTER from `number` and returns the signature and number from the reply. */
async function signatureFor(harness: DevicesHarness, number: string, deviceId: string, wakeUp = '') {
  const phone = harness.phone(number);
  const reply = phone.receive(REGISTRATION_NUMBER);
  await phone.send(REGISTRATION_NUMBER, `REGISTER ${deviceId}${wakeUp ? ` ${wakeUp}` : ''}`);
  const match = /registration of (\S+) for (\S+): (\S+)/.exec((await reply).body);
  expect(match?.[1]).toBe(deviceId);
  expect(match?.[2]).toBe(number);
  return match?.[3] as string;
}

const post = (harness: DevicesHarness, form: Record<string, string>, identity = 'ann') =>
  harness.device('POST', 'DeviceRegistrations/Signed', identity, form);

it('binds the number the carrier reported, with nothing typed, and issues a credential', async () => {
  const harness = await start();
  const phone = harness.phone(ANN);
  const device = await harness.registration('ann', 'ann-phone').bySms(phone, REGISTRATION_NUMBER);
  expect(device).toMatchObject({ deviceId: 'ann-phone', identity: 'ann', phoneNumber: ANN, email: null });
  expect(device.credential).toMatch(/^DV[0-9a-f]{32}:[A-Za-z0-9_-]{43}$/);
  // The account sees the device (never its secret).
  const listed = await roomsRequest(harness, 'GET', `Devices?PhoneNumber=${encodeURIComponent(ANN)}`);
  expect(listed.json.devices).toEqual([
    expect.objectContaining({ sid: device.sid, phone_number: ANN, identity: 'ann' }),
  ]);
  expect(JSON.stringify(listed.json)).not.toContain(device.credential.split(':')[1]);
  // The credential authenticates the device; a wrong one does not.
  const notices = await fetch(`${harness.base}/patchbay/v1/DeviceNotices`, {
    headers: { authorization: `Basic ${Buffer.from(device.credential).toString('base64')}` },
  });
  expect(notices.status).toBe(200);
  const wrong = await fetch(`${harness.base}/patchbay/v1/DeviceNotices`, {
    headers: { authorization: `Basic ${Buffer.from(`${device.sid}:nope`).toString('base64')}` },
  });
  expect(wrong.status).toBe(401);
});

it('refuses a wrong signature, another device, another number, another wake-up address, and a replay', async () => {
  const harness = await start();
  const signature = await signatureFor(harness, ANN, 'ann-phone');
  const form = { PhoneNumber: ANN, DeviceId: 'ann-phone', Signature: signature };
  const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
  expect((await post(harness, { ...form, Signature: flipped })).json).toMatchObject({ code: 91203, status: 400 });
  expect((await post(harness, { ...form, Signature: 'not a signature' })).json).toMatchObject({ code: 91203 });
  expect((await post(harness, { ...form, DeviceId: 'mallory-phone' })).json).toMatchObject({ code: 91206 });
  expect((await post(harness, { ...form, PhoneNumber: BOB })).json).toMatchObject({ code: 91207 });
  const wakeUp = JSON.stringify({
    endpoint: 'https://push.example.com/x',
    keys: { p256dh: Buffer.alloc(65, 4).toString('base64url'), auth: Buffer.alloc(16, 1).toString('base64url') },
  });
  expect((await post(harness, { ...form, WakeUp: wakeUp })).json).toMatchObject({ code: 91203 });
  // Another account's token cannot use it either: the nonce is unknown there (same answer as a forgery).
  expect((await harness.device('POST', 'DeviceRegistrations/Signed', undefined, form)).json).toMatchObject({
    code: 91212,
  });
  // None of that bound anything; the right one binds once.
  expect((await roomsRequest(harness, 'GET', 'Devices')).json.devices).toEqual([]);
  expect((await post(harness, form)).status).toBe(201);
  expect((await post(harness, form)).json).toMatchObject({ code: 91204, status: 409 });
  expect(((await roomsRequest(harness, 'GET', 'Devices')).json.devices as unknown[]).length).toBe(1);
});

it('refuses an expired signature (virtual time)', async () => {
  // Virtual time from now: the device's access token (minted on the real clock) stays valid.
  const clock = new VirtualClock(Date.now());
  const harness = await start({ clock });
  // Time stands still while requests are in flight (see `still`): only the wait moves it.
  const signature = await clock.still(() => signatureFor(harness, ANN, 'ann-phone'));
  await new Promise<void>((resolve) => clock.setTimer(resolve, 10 * 60_000 + 1000));
  const answer = await clock.still(() =>
    post(harness, { PhoneNumber: ANN, DeviceId: 'ann-phone', Signature: signature }),
  );
  expect(answer.json).toMatchObject({ code: 91205, status: 410 });
});

it('answers a text that is not a registration with what the number is for, and binds the wake-up address sent', async () => {
  const harness = await start();
  const phone = harness.phone(ANN);
  const reply = phone.receive(REGISTRATION_NUMBER);
  await phone.send(REGISTRATION_NUMBER, 'hello?');
  expect((await reply).body).toContain('REGISTER <device id>');
  const wakeUp = {
    endpoint: 'https://push.example.com/sub/1',
    keys: { p256dh: Buffer.alloc(65, 4).toString('base64url'), auth: Buffer.alloc(16, 1).toString('base64url') },
  };
  const device = await harness.registration('ann', 'ann-tab', { wakeUp }).bySms(phone, REGISTRATION_NUMBER);
  const stored = await roomsRequest(harness, 'GET', `Devices/${device.sid}`);
  expect(stored.json.wake_up).toEqual({ type: 'web-push', endpoint: wakeUp.endpoint });
});

it('a device that cannot be bound says why through the SDK (the account has no registration number)', async () => {
  const harness = await start({ registrationNumber: false });
  const rejected = await harness
    .registration('ann', 'ann-phone')
    .requestCode(ANN)
    .catch((error: unknown) => error);
  expect(rejected).toBeInstanceOf(RestError);
  expect(rejected).toMatchObject({ status: 409, code: 91200 });
  // A number that is not the account's cannot be made the registration number.
  const taken = await roomsRequest(harness, 'POST', 'DeviceSettings', { RegistrationNumber: '+15550100888' });
  expect(taken.json).toMatchObject({ code: 91201 });
  const settings = await roomsRequest(harness, 'GET', 'DeviceSettings');
  expect(settings.json).toMatchObject({
    registration_number: null,
    vapid_public_key: expect.stringMatching(/^[A-Za-z0-9_-]{87}$/),
  });
});
