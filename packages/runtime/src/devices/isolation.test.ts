/**
 * One account is invisible to another: a signature or a registration made for one account is
 * unknown to a device of another (the same answer as a forgery), and its devices are neither
 * listed nor woken by it. A deleted device's credential stops working and its number no longer
 * rings it. A stranger cannot make the registration number text someone without end.
 */
import { expect, it } from 'vitest';
import { roomsRequest } from '../api/rooms.test-support.js';
import { tokenFor } from '../bridge/devices.test-support.js';
import { ANN, devicesHarnessPerTest, REGISTRATION_NUMBER } from './harness.test-support.js';

const start = devicesHarnessPerTest();

it("another account's device can use neither a signature nor a registration of this account, nor see its devices", async () => {
  const harness = await start();
  const phone = harness.phone(ANN);
  const reply = phone.receive(REGISTRATION_NUMBER);
  await phone.send(REGISTRATION_NUMBER, 'REGISTER ann-phone');
  const signature = /: (v1\.\S+)/.exec((await reply).body)?.[1] as string;
  const other = await harness.client.api.v2010.accounts.create({ friendlyName: 'Tenant B' });
  const otherKey = await harness.clientFor(other.sid, other.authToken).newKeys.create({ friendlyName: 'b' });
  const otherToken = tokenFor(harness, { sid: otherKey.sid, secret: otherKey.secret }, 'ann', undefined, {
    accountSid: other.sid,
  });
  const post = (path: string, token: string, form: Record<string, string>) =>
    fetch(`${harness.base}/patchbay/v1/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    }).then(async (response) => ({
      status: response.status,
      json: (await response.json()) as Record<string, unknown>,
    }));
  const form = { PhoneNumber: ANN, DeviceId: 'ann-phone', Signature: signature };
  expect((await post('DeviceRegistrations/Signed', otherToken, form)).json).toMatchObject({ code: 91203 });
  const started = await harness.device('POST', 'DeviceRegistrations', 'ann', { PhoneNumber: ANN, DeviceId: 'ann-2' });
  expect(
    (await post(`DeviceRegistrations/${started.json.sid}/Code`, otherToken, { ...form, Code: '123456' })).status,
  ).toBe(404);
  // This account's device registers; the other account sees no device and cannot wake it.
  const mine = await post('DeviceRegistrations/Signed', harness.token('ann'), form);
  expect(mine.status).toBe(201);
  const theirs = { sid: other.sid, secret: other.authToken };
  expect((await roomsRequest(harness, 'GET', 'Devices', undefined, theirs)).json.devices).toEqual([]);
  expect((await roomsRequest(harness, 'POST', `Devices/${mine.json.sid}/WakeUp`, {}, theirs)).status).toBe(404);
});

it("a deleted device's credential stops working", async () => {
  const harness = await start();
  const device = await harness.registration('ann', 'ann-phone').bySms(harness.phone(ANN), REGISTRATION_NUMBER);
  const notices = () =>
    fetch(`${harness.base}/patchbay/v1/DeviceNotices`, {
      headers: { authorization: `Basic ${Buffer.from(device.credential).toString('base64')}` },
    });
  expect((await notices()).status).toBe(200);
  expect((await roomsRequest(harness, 'DELETE', `Devices/${device.sid}`)).status).toBe(204);
  expect((await notices()).status).toBe(401);
  expect((await roomsRequest(harness, 'GET', `Devices/${device.sid}`)).status).toBe(404);
});

it('registering again keeps the device record and replaces its credential', async () => {
  const harness = await start();
  const phone = harness.phone(ANN);
  const first = await harness.registration('ann', 'ann-phone').bySms(phone, REGISTRATION_NUMBER);
  const second = await harness.registration('ann', 'ann-phone').bySms(phone, REGISTRATION_NUMBER);
  expect(second.sid).toBe(first.sid);
  expect(second.credential).not.toBe(first.credential);
  const with_ = (credential: string) =>
    fetch(`${harness.base}/patchbay/v1/DeviceNotices`, {
      headers: { authorization: `Basic ${Buffer.from(credential).toString('base64')}` },
    }).then((response) => response.status);
  expect(await with_(first.credential)).toBe(401);
  expect(await with_(second.credential)).toBe(200);
});

it('answers at most five REGISTER texts from one number an hour; the sixth gets no text at all', async () => {
  const harness = await start();
  const phone = harness.phone(ANN);
  for (let i = 0; i < 5; i++) {
    const reply = phone.receive(REGISTRATION_NUMBER);
    await phone.send(REGISTRATION_NUMBER, `REGISTER ann-${i}`);
    expect((await reply).body).toContain(`registration of ann-${i}`);
  }
  await phone.send(REGISTRATION_NUMBER, 'REGISTER ann-5');
  await harness.runtime.messages.settled();
  expect(phone.inbox.length).toBe(5);
});
