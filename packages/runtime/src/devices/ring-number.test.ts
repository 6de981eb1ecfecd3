/**
 * A call to a registered number rings its devices in the app first: the first accept wins and
 * the others are cancelled; a decline is the person's answer (busy, reported to the Dial, the
 * phone not rung); nobody online, or nobody answering in time, rings the number itself.
 */
import type { Call, Device } from '@patchbay/sdk';
import { afterEach, expect, it } from 'vitest';
import { ROOM_NUMBER, roomWith } from '../api/room-calls.test-support.js';
import { roomsRequest } from '../api/rooms.test-support.js';
import { deviceFor, next } from '../bridge/devices.test-support.js';
import type { Route } from '../testing/app-server.js';
import { ANN, type DevicesHarness, devicesHarnessPerTest, REGISTRATION_NUMBER } from './harness.test-support.js';
import { afterAppRing } from './ring-number.js';

const start = devicesHarnessPerTest();
const NUMBER = '+15550100500';
const CALLER = '+15550100001';
const devices: Device[] = [];
afterEach(() => {
  for (const device of devices.splice(0)) device.destroy();
});

const routes: Record<string, Route> = {
  '/voice': () => `<Response><Dial action="/dialed" timeout="20"><Number>${ANN}</Number></Dial></Response>`,
  '/dialed': () => '<Response><Say>bye</Say></Response>',
};

/** Ann's two devices, bound to her number by SMS, and connected (registered on the bridge). */
async function annWithTwoDevices(harness: DevicesHarness, options: { connect: boolean }) {
  await harness.client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: `${harness.app.url}/voice` });
  const phone = harness.phone(ANN);
  for (const deviceId of ['ann-phone', 'ann-tablet'])
    await harness.registration('ann', deviceId).bySms(phone, REGISTRATION_NUMBER);
  const connected = options.connect
    ? [deviceFor(harness, harness.token('ann')), deviceFor(harness, harness.token('ann'))]
    : [];
  devices.push(...connected);
  await Promise.all(connected.map((device) => device.register()));
  return connected;
}

const invited = (device: Device) => next(device, 'incoming').then(([call]) => call as Call);

it('rings both devices; the first to accept is bridged, the other is cancelled, the phone is not rung', async () => {
  const harness = await start({ routes });
  const [phone, tablet] = (await annWithTwoDevices(harness, { connect: true })) as [Device, Device];
  harness.network.addNumber(ANN, { onCall: 'answer' });
  const invitations = Promise.all([invited(phone), invited(tablet)]);
  const caller = harness.network.call({ from: CALLER, to: NUMBER });
  const [onPhone, onTablet] = await invitations;
  expect(onPhone.parameters).toMatchObject({ From: CALLER, To: ANN });
  const cancelled = next(onTablet, 'cancel');
  await onPhone.accept();
  expect(await cancelled).toEqual(['answered-elsewhere']);
  const child = harness.runtime.calls.get(onPhone.parameters.CallSid as string);
  expect(child).toMatchObject({ to: ANN, status: 'in-progress' });
  expect(harness.network.party(ANN)).toBeUndefined();
  onPhone.disconnect();
  await harness.runtime.calls.ended(child?.parentCallSid as string);
  expect(harness.app.requestsTo('/dialed')[0]?.params).toMatchObject({ DialCallStatus: 'completed' });
  expect(caller.lines()).toContain(`bridged client:ann`);
});

it('a decline is reported to the Dial as busy, the other device is cancelled, and the phone is not rung', async () => {
  const harness = await start({ routes });
  const [phone, tablet] = (await annWithTwoDevices(harness, { connect: true })) as [Device, Device];
  harness.network.addNumber(ANN, { onCall: 'answer' });
  const invitations = Promise.all([invited(phone), invited(tablet)]);
  harness.network.call({ from: CALLER, to: NUMBER });
  const [onPhone, onTablet] = await invitations;
  const cancelled = next(onTablet, 'cancel');
  onPhone.reject();
  expect(await cancelled).toEqual(['rejected-elsewhere']);
  const child = harness.runtime.calls.get(onPhone.parameters.CallSid as string);
  await harness.runtime.calls.ended(child?.parentCallSid as string);
  expect(harness.app.requestsTo('/dialed')[0]?.params).toMatchObject({ DialCallStatus: 'busy' });
  expect(harness.network.party(ANN)).toBeUndefined();
});

it('with no device online and none that can be woken, the number itself rings at once (PSTN fallback)', async () => {
  const harness = await start({ routes });
  await annWithTwoDevices(harness, { connect: false });
  // No registration number to text a wake-up from, no push subscription: nothing to wait for.
  expect((await roomsRequest(harness, 'POST', 'DeviceSettings', { RegistrationNumber: '' })).status).toBe(200);
  harness.network.addNumber(ANN, { onCall: 'answer' });
  const caller = harness.network.call({ from: CALLER, to: NUMBER });
  await expect.poll(() => caller.lines().some((line) => line === `bridged ${ANN}`)).toBe(true);
});

it('with nobody answering in the app in time, the number rings for the rest of the timeout', async () => {
  const harness = await start({ routes, appRingMs: 300 });
  const [phone] = (await annWithTwoDevices(harness, { connect: true })) as [Device, Device];
  harness.network.addNumber(ANN, { onCall: 'answer' });
  const ringing = invited(phone);
  const caller = harness.network.call({ from: CALLER, to: NUMBER });
  const onPhone = await ringing;
  expect(await next(onPhone, 'cancel')).toEqual(['no-answer']);
  await expect.poll(() => caller.lines().some((line) => line === `bridged ${ANN}`)).toBe(true);
});

it('the rule, as a decision', () => {
  expect(afterAppRing({ outcome: 'busy' }, 1000, 20_000)).toEqual({ type: 'settled', outcome: { outcome: 'busy' } });
  expect(afterAppRing({ outcome: 'no-answer' }, 15_000, 20_000)).toEqual({ type: 'fallback', remainingMs: 5000 });
  expect(afterAppRing({ outcome: 'no-answer' }, 20_000, 20_000)).toEqual({
    type: 'settled',
    outcome: { outcome: 'no-answer' },
  });
  expect(afterAppRing({ outcome: 'canceled' }, 0, 20_000).type).toBe('settled');
});

it("a room calling a member at a registered number rings the member's devices in the app first", async () => {
  const harness = await start({ routes });
  const [phone] = (await annWithTwoDevices(harness, { connect: true })) as [Device, Device];
  const room = await roomWith(harness, [
    { name: 'Olga', identity: 'olga', role: 'organizer' },
    { name: 'Ann', phone: ANN, behaviour: { onCall: 'answer' } },
  ]);
  const ringing = invited(phone);
  expect((await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { All: 'true' })).status).toBe(201);
  const call = await ringing;
  expect(call.parameters).toMatchObject({ To: ANN, From: ROOM_NUMBER });
  expect(harness.network.party(ANN)).toBeUndefined();
  await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Status: 'completed' });
});

it('rings the devices of every identity bound to the number; each answers as itself', async () => {
  const harness = await start({ routes });
  await harness.client.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: `${harness.app.url}/voice` });
  const phone = harness.phone(ANN);
  await harness.registration('ann', 'ann-phone').bySms(phone, REGISTRATION_NUMBER);
  await harness.registration('ann-work', 'ann-work-laptop').bySms(phone, REGISTRATION_NUMBER);
  const personal = deviceFor(harness, harness.token('ann'));
  const work = deviceFor(harness, harness.token('ann-work'));
  devices.push(personal, work);
  await Promise.all([personal.register(), work.register()]);
  const invitations = Promise.all([invited(personal), invited(work)]);
  harness.network.call({ from: CALLER, to: NUMBER });
  const [onPersonal, onWork] = await invitations;
  // Each in turn: the other identity's device is cancelled, this one bridged.
  const cancelled = next(onWork, 'cancel');
  await onPersonal.accept();
  expect(await cancelled).toEqual(['answered-elsewhere']);
  expect(harness.runtime.calls.get(onPersonal.parameters.CallSid as string)).toMatchObject({
    to: ANN,
    status: 'in-progress',
  });
  expect(onWork.status()).toBe('closed');
});
