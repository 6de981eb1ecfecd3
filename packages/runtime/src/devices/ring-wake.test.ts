/**
 * A call to a registered number wakes its offline devices: a Web Push (decrypted by the loopback
 * push service) or, without a subscription, a text carries `incoming-call` with the call; the
 * device connects, registers, is offered the call while the app ring time lasts, accepts and is
 * bridged. A device that connects after that time is not offered it; the phone rings instead.
 */
import type { Call, Device } from '@patchbay/sdk';
import { fetchNotices } from '@patchbay/sdk';
import { afterEach, expect, it } from 'vitest';
import { deviceFor, next } from '../bridge/devices.test-support.js';
import type { Route } from '../testing/app-server.js';
import { ANN, type DevicesHarness, devicesHarnessPerTest, REGISTRATION_NUMBER } from './harness.test-support.js';
import { LoopbackPushService } from './push-service.test-support.js';

const start = devicesHarnessPerTest();
const NUMBER = '+15550100500';
const CALLER = '+15550100001';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const routes: Record<string, Route> = {
  '/voice': () => `<Response><Dial action="/dialed" timeout="20"><Number>${ANN}</Number></Dial></Response>`,
  '/dialed': () => '<Response><Say>bye</Say></Response>',
};

/** Ann's browser, bound to her number, with a push subscription to a loopback push service; not connected. */
async function annOffline(harness: DevicesHarness) {
  await harness.client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: `${harness.app.url}/voice` });
  const push = await LoopbackPushService.start();
  cleanups.push(() => push.close());
  const registered = await harness
    .registration('ann', 'ann-browser', { wakeUp: push.subscribe() })
    .bySms(harness.phone(ANN), REGISTRATION_NUMBER);
  harness.network.addNumber(ANN, { onCall: 'answer' });
  return { push, registered };
}

function connect(harness: DevicesHarness): Device {
  const device = deviceFor(harness, harness.token('ann'));
  cleanups.push(() => device.destroy());
  return device;
}

const invited = (device: Device) => next(device, 'incoming').then(([call]) => call as Call);

it('wakes an offline device by Web Push; it connects, is offered the call, accepts and is bridged', async () => {
  const harness = await start({ routes });
  const { push, registered } = await annOffline(harness);
  const pushed = push.next();
  const caller = harness.network.call({ from: CALLER, to: NUMBER });
  const woken = JSON.parse((await pushed).payload) as { device: string; reason: string; data: Record<string, string> };
  expect(woken).toEqual({
    device: registered.sid,
    reason: 'incoming-call',
    data: { CallSid: expect.stringMatching(/^CA/), From: CALLER, To: ANN },
  });
  expect(push.refusals).toEqual([]);

  // Woken, the app connects and reads what waits: the call, which it is offered once registered.
  const notices = await fetchNotices(harness.base, registered.credential);
  expect(notices).toEqual([expect.objectContaining({ reason: 'incoming-call', data: woken.data })]);
  const device = connect(harness);
  const offered = invited(device);
  await device.register();
  const call = await offered;
  expect(call.parameters).toMatchObject({ CallSid: woken.data.CallSid, From: CALLER, To: ANN });
  await call.accept();
  const child = harness.runtime.calls.get(woken.data.CallSid as string);
  expect(child).toMatchObject({ to: ANN, status: 'in-progress' });
  expect(harness.network.party(ANN)).toBeUndefined();
  call.disconnect();
  await harness.runtime.calls.ended(child?.parentCallSid as string);
  expect(harness.app.requestsTo('/dialed')[0]?.params).toMatchObject({ DialCallStatus: 'completed' });
  expect(caller.lines()).toContain('bridged client:ann');
});

it('a device woken too late (after the app ring time) is not offered the call; the phone rings', async () => {
  const harness = await start({ routes, appRingMs: 300 });
  const { push } = await annOffline(harness);
  const pushed = push.next();
  const caller = harness.network.call({ from: CALLER, to: NUMBER });
  await pushed;
  await expect.poll(() => caller.lines().includes(`bridged ${ANN}`)).toBe(true);
  const device = connect(harness);
  let offers = 0;
  device.on('incoming', () => offers++);
  await device.register();
  // A second round trip: anything sent on registering has arrived by its answer.
  await device.register();
  expect(offers).toBe(0);
});

it('texts a device without a push subscription; it connects, accepts and is bridged', async () => {
  const harness = await start({ routes });
  await harness.client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: `${harness.app.url}/voice` });
  const phone = harness.phone(ANN);
  await harness.registration('ann', 'ann-phone').bySms(phone, REGISTRATION_NUMBER);
  harness.network.addNumber(ANN, { onCall: 'answer' });
  const texted = phone.receive(REGISTRATION_NUMBER);
  harness.network.call({ from: CALLER, to: NUMBER });
  expect((await texted).body).toBe('PBWAKE ann-phone incoming-call: open the app to see what is waiting.');
  const device = connect(harness);
  const offered = invited(device);
  await device.register();
  const call = await offered;
  expect(call.parameters).toMatchObject({ From: CALLER, To: ANN });
  await call.accept();
  expect(harness.runtime.calls.get(call.parameters.CallSid as string)).toMatchObject({ status: 'in-progress' });
  expect(harness.network.party(ANN)).toBeUndefined();
});
