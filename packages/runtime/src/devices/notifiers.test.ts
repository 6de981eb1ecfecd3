/** Each notifier (open channel, Web Push, SMS) passes the shared notifier suite against real parts on loopback. */
import type { Device } from '@patchbay/sdk';
import { deviceFor } from '../bridge/devices.test-support.js';
import { ANN, BOB, type DevicesHarness, REGISTRATION_NUMBER, startDevicesHarness } from './harness.test-support.js';
import { runNotifierConformance } from './notifier.test-support.js';
import { channelNotifier } from './notifiers/channel.js';
import { smsNotifier } from './notifiers/sms.js';
import { webPushNotifier } from './notifiers/web-push.js';
import { LoopbackPushService } from './push-service.test-support.js';
import type { DeviceRecord } from './records.js';

/** Ann's device (with `wakeUp` when given) and Bob's by email, as stored. */
async function records(harness: DevicesHarness, wakeUp?: { endpoint: string; keys: { p256dh: string; auth: string } }) {
  const ann = await harness
    .registration('ann', 'ann-1', wakeUp ? { wakeUp } : {})
    .bySms(harness.phone(ANN), REGISTRATION_NUMBER);
  const bob = await harness.registration('bob', 'bob-1').bySms(harness.phone(BOB), REGISTRATION_NUMBER);
  const find = async (sid: string) =>
    (await harness.store.get<DeviceRecord>('device', harness.account.sid, sid)) as DeviceRecord;
  return { ann: await find(ann.sid), bob: await find(bob.sid) };
}

const now = () => Date.now();

runNotifierConformance('channel', async () => {
  const harness = await startDevicesHarness();
  const { ann, bob } = await records(harness);
  const device: Device = deviceFor(harness, harness.token('ann'));
  await device.register();
  return {
    notifier: channelNotifier(harness.runtime.devices),
    reachable: ann,
    unreachable: bob,
    delivered: () => new Promise((resolve) => device.once('notice', (notice) => resolve(JSON.stringify(notice)))),
    async close() {
      device.destroy();
      await harness.close();
    },
  };
});

runNotifierConformance('web-push', async () => {
  const harness = await startDevicesHarness();
  const push = await LoopbackPushService.start();
  const { ann, bob } = await records(harness, push.subscribe());
  return {
    notifier: webPushNotifier({ store: harness.store, now, clock: harness.runtime.clock }),
    reachable: ann,
    unreachable: bob,
    delivered: async () => (await push.next()).payload,
    async close() {
      await push.close();
      await harness.close();
    },
  };
});

runNotifierConformance('sms', async () => {
  const harness = await startDevicesHarness();
  const { ann } = await records(harness);
  const phone = harness.phone(ANN);
  const emailDevice: DeviceRecord = { ...ann, binding: { type: 'email', address: 'ann@example.com' } };
  return {
    notifier: smsNotifier({
      store: harness.store,
      now,
      send: async (accountSid, from, to, body) => {
        harness.runtime.messages.send({
          account: { sid: accountSid, authToken: harness.account.authToken },
          from,
          to,
          body,
        });
      },
    }),
    reachable: ann,
    unreachable: emailDevice,
    delivered: async () => (await phone.receive(REGISTRATION_NUMBER)).body,
    close: () => harness.close(),
  };
});
