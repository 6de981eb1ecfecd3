/** The SDK's REST client for the app's server: device settings, the devices by number, waking one, forgetting one. */
import { Patchbay, RestError } from '@patchbay/sdk';
import { expect, it } from 'vitest';
import { ANN, devicesHarnessPerTest, REGISTRATION_NUMBER } from './harness.test-support.js';

const start = devicesHarnessPerTest();

it('client.devices: settings, listing by number, wake-up and removal', async () => {
  const harness = await start({ registrationNumber: false });
  const client = new Patchbay(harness.account.sid, harness.account.authToken, { baseUrl: harness.base });
  const refused = await client.devices.settings
    .update({ registrationNumber: '+15550100888' })
    .catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(RestError);
  expect(refused).toMatchObject({ code: 91201, status: 409 });
  const settings = await client.devices.settings.update({ registrationNumber: REGISTRATION_NUMBER });
  expect(settings).toMatchObject({ registrationNumber: REGISTRATION_NUMBER, vapidPublicKey: expect.any(String) });
  const phone = harness.phone(ANN);
  const registered = await harness.registration('ann', 'ann-phone').bySms(phone, REGISTRATION_NUMBER);
  expect(await client.devices.filtered({ phoneNumber: ANN }).list()).toEqual([
    expect.objectContaining({
      sid: registered.sid,
      deviceId: 'ann-phone',
      phoneNumber: ANN,
      dateCreated: expect.any(Date),
    }),
  ]);
  expect(await client.devices.filtered({ phoneNumber: '+15550100777' }).list()).toEqual([]);
  const texted = phone.receive(REGISTRATION_NUMBER);
  const woken = await client.devices.wake(registered.sid, { reason: 'new-message', data: { from: 'Bob' } });
  expect(woken).toMatchObject({ woken: true, via: 'sms', failures: [] });
  expect((await texted).body).toContain('new-message');
  await client.devices.remove(registered.sid);
  expect(await client.devices.list()).toEqual([]);
});
