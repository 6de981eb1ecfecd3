/**
 * Callbacks are signed with the account's token at delivery, not the one a call or command
 * started with: the callback queue resolves it from the callback's AccountSid. A room call whose
 * account rotates its auth token meanwhile posts its later events signed with the new token,
 * which the official helper library accepts (and the old one no longer does).
 */
import twilio from 'twilio';
import { expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import { harnessPerTest } from './harness.test-support.js';
import { inRoom, pauseWhen, roomWith } from './room-calls.test-support.js';
import { roomsRequest } from './rooms.test-support.js';

const startHarness = harnessPerTest();

it("a room call's events after an auth token rotation are signed with the new token", async () => {
  const clock = new VirtualClock();
  const harness = await startHarness({ clock, networkClock: clock, routes: { '/room-events': () => '' } });
  const room = await roomWith(
    harness,
    [
      { name: 'Olga', phone: '+15550300001', role: 'organizer' },
      { name: 'Ann', phone: '+15550300002', behaviour: { inputs: [{ digits: '1' }] } },
    ],
    { StatusCallback: `${harness.app.url}/room-events` },
  );
  const oldToken = harness.account.authToken;
  await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Members: room.members.Ann as string });
  const release = await pauseWhen(harness, clock, () => inRoom(harness) === 2);
  await harness.runtime.callbacks.drain();
  const before = harness.app.requestsTo('/room-events').length;

  const secondary = await harness.client.accounts.v1.secondaryAuthToken().create();
  const newToken = secondary.secondaryAuthToken;
  await harness.clientFor(harness.account.sid, newToken).accounts.v1.authTokenPromotion().update();
  const credentials = { sid: harness.account.sid, secret: newToken };
  expect(
    (await roomsRequest(harness, 'POST', `Rooms/${room.sid}/Call`, { Status: 'completed' }, credentials)).status,
  ).toBe(200);
  release();
  await expect
    .poll(async () => {
      await harness.runtime.callbacks.drain();
      return harness.app.requestsTo('/room-events').at(-1)?.params.StatusCallbackEvent;
    })
    .toBe('call-ended');
  const after = harness.app.requestsTo('/room-events').slice(before);
  expect(after.length).toBeGreaterThan(0);
  for (const request of after) {
    const signature = String(request.headers['x-twilio-signature']);
    expect(twilio.validateRequest(newToken, signature, request.url, request.params)).toBe(true);
    expect(twilio.validateRequest(oldToken, signature, request.url, request.params)).toBe(false);
  }
});
