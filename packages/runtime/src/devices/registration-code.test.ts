/**
 * The manual fallback: the user types the number, a code comes by SMS from the registration
 * number, the user types it. Wrong codes count and lock; a code is usable once, expires, and is
 * only good for its device and number; challenges to one number are rate-limited.
 */
import { expect, it } from 'vitest';
import { roomsRequest } from '../api/rooms.test-support.js';
import { VirtualClock } from '../clock/virtual.js';
import { ANN, BOB, type DevicesHarness, devicesHarnessPerTest, REGISTRATION_NUMBER } from './harness.test-support.js';

const start = devicesHarnessPerTest();

async function codeFor(harness: DevicesHarness, number: string, deviceId: string) {
  const phone = harness.phone(number);
  const texted = phone.receive(REGISTRATION_NUMBER);
  const started = await harness.device('POST', 'DeviceRegistrations', 'ann', {
    PhoneNumber: number,
    DeviceId: deviceId,
  });
  expect(started.status).toBe(201);
  const code = /code is (\d{6})/.exec((await texted).body)?.[1] as string;
  return { sid: started.json.sid as string, code };
}

const submit = (harness: DevicesHarness, sid: string, form: Record<string, string>, identity = 'ann') =>
  harness.device('POST', `DeviceRegistrations/${sid}/Code`, identity, form);

it('binds the number once the texted code is typed (through the SDK)', async () => {
  const harness = await start();
  const phone = harness.phone(ANN);
  const texted = phone.receive(REGISTRATION_NUMBER);
  const pending = await harness.registration('ann', 'ann-laptop').requestCode(ANN);
  const code = /code is (\d{6})/.exec((await texted).body)?.[1] as string;
  const device = await pending.submit(code);
  expect(device).toMatchObject({ deviceId: 'ann-laptop', identity: 'ann', phoneNumber: ANN });
});

it('refuses a wrong code, another device, another number, another identity, and a replay', async () => {
  const harness = await start();
  const { sid, code } = await codeFor(harness, ANN, 'ann-laptop');
  const wrongCode = code === '000000' ? '000001' : '000000';
  const form = { PhoneNumber: ANN, DeviceId: 'ann-laptop', Code: code };
  expect((await submit(harness, sid, { ...form, Code: wrongCode })).json).toMatchObject({ code: 91208, status: 400 });
  expect((await submit(harness, sid, { ...form, DeviceId: 'other' })).json).toMatchObject({ code: 91206 });
  expect((await submit(harness, sid, { ...form, PhoneNumber: BOB })).json).toMatchObject({ code: 91207 });
  // Another identity of the account does not see the registration at all.
  expect((await submit(harness, sid, form, 'mallory')).status).toBe(404);
  expect((await submit(harness, sid, form)).status).toBe(201);
  expect((await submit(harness, sid, form)).json).toMatchObject({ code: 91204, status: 409 });
  const status = await harness.device('GET', `DeviceRegistrations/${sid}`, 'ann');
  expect(status.json).toMatchObject({ status: 'completed', attempts: 1, device_sid: expect.stringMatching(/^DV/) });
});

it('locks after five wrong codes, even for the right one', async () => {
  const harness = await start();
  const { sid, code } = await codeFor(harness, ANN, 'ann-laptop');
  const wrongCode = code === '999999' ? '999998' : '999999';
  const form = { PhoneNumber: ANN, DeviceId: 'ann-laptop' };
  for (let attempt = 1; attempt < 5; attempt++)
    expect((await submit(harness, sid, { ...form, Code: wrongCode })).json).toMatchObject({ code: 91208 });
  expect((await submit(harness, sid, { ...form, Code: wrongCode })).json).toMatchObject({ code: 91209, status: 429 });
  expect((await submit(harness, sid, { ...form, Code: code })).json).toMatchObject({ code: 91209 });
  expect((await roomsRequest(harness, 'GET', 'Devices')).json.devices).toEqual([]);
});

it('refuses an expired code (virtual time)', async () => {
  const clock = new VirtualClock(Date.now());
  const harness = await start({ clock });
  // Time stands still while requests are in flight (see `still`): only the wait moves it.
  const { sid, code } = await clock.still(() => codeFor(harness, ANN, 'ann-laptop'));
  await new Promise<void>((resolve) => clock.setTimer(resolve, 10 * 60_000 + 1));
  const answer = await clock.still(() =>
    submit(harness, sid, { PhoneNumber: ANN, DeviceId: 'ann-laptop', Code: code }),
  );
  expect(answer.json).toMatchObject({ code: 91205, status: 410 });
});

it('texts one number at most five codes an hour', async () => {
  const harness = await start();
  for (let i = 0; i < 5; i++) await codeFor(harness, ANN, `ann-${i}`);
  const refused = await fetch(`${harness.base}/patchbay/v1/DeviceRegistrations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${harness.token('ann')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ PhoneNumber: ANN, DeviceId: 'ann-5' }),
  });
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
  expect(await refused.json()).toMatchObject({ code: 91210 });
  // Another number is not affected.
  await codeFor(harness, BOB, 'bob-1');
});

it('refuses a request without a token, or with a bad parameter, with its code', async () => {
  const harness = await start();
  expect(
    (await harness.device('POST', 'DeviceRegistrations', undefined, { PhoneNumber: ANN, DeviceId: 'x' })).json,
  ).toMatchObject({
    code: 91212,
    status: 401,
  });
  expect(
    (await harness.device('POST', 'DeviceRegistrations', 'ann', { PhoneNumber: '5550100', DeviceId: 'x' })).json,
  ).toMatchObject({
    code: 91202,
  });
  expect(
    (await harness.device('POST', 'DeviceRegistrations', 'ann', { PhoneNumber: ANN, DeviceId: 'a b' })).json,
  ).toMatchObject({
    code: 91202,
  });
  expect(
    (
      await harness.device('POST', 'DeviceRegistrations', 'ann', {
        PhoneNumber: ANN,
        DeviceId: 'x',
        WakeUp: '{"endpoint":"file:///etc/passwd"}',
      })
    ).json,
  ).toMatchObject({ code: 91202 });
});
