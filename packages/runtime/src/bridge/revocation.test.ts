/**
 * Revocation reaches live device sessions: deleting the signing key, suspending or closing the
 * account, or rotating away the auth token that signed a capability token ends the sessions that
 * rest on it, with a typed error, and hangs up their calls. A revocation the bridge was not told
 * of (made straight in the store) is caught at the device's next request.
 */
import type { Call, Device } from '@patchbay/sdk';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../api/harness.test-support.js';
import { deviceFor, newKey, next, RawDevice, tokenFor } from './devices.test-support.js';

const harnesses: ApiHarness[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function setup() {
  const harness = await startApiHarness({
    routes: {
      '/hold': () => '<Response><Say>Please hold</Say><Pause length="60"/></Response>',
      '/echo': () => '<Response><Hangup/></Response>',
    },
  });
  harnesses.push(harness);
  const app = await harness.client.applications.create({ voiceUrl: `${harness.app.url}/hold` });
  return { harness, app, key: await newKey(harness) };
}

function track(device: Device): Device {
  cleanups.push(() => device.destroy());
  return device;
}

/** Resolves once the call is answered (its app has been asked for its document by then). */
async function answered(call: Call): Promise<void> {
  if (call.status() !== 'open') await next(call, 'accept');
}

const bridgeOf = (harness: ApiHarness) => harness.runtime.devices as NonNullable<ApiHarness['runtime']['devices']>;

describe('revocation of live device sessions', () => {
  it('ends the sessions of a deleted key with a typed error, hanging up their calls', async () => {
    const { harness, app, key } = await setup();
    const other = await newKey(harness);
    const alice = track(
      deviceFor(harness, tokenFor(harness, key, 'alice', { incomingAllow: true, outgoingApplicationSid: app.sid })),
    );
    const bob = track(deviceFor(harness, tokenFor(harness, other, 'bob')));
    await Promise.all([alice.register(), bob.register()]);
    const call = await alice.connect();
    await answered(call);
    const serverCall = harness.runtime.calls.get(call.callSid as string);
    expect(serverCall?.status).not.toBe('completed');

    const error = next(alice, 'error');
    const disconnected = next(call, 'disconnect');
    await harness.client.keys(key.sid).remove();
    // By the time the DELETE answered, the session was over.
    expect(bridgeOf(harness).presenceOf(harness.account.sid, 'alice')[0]).toMatchObject({ status: 'offline' });
    expect((await error)[0]).toMatchObject({ errorName: 'AccessTokenIssuerInvalid', code: 20103 });
    await disconnected;
    expect((await harness.runtime.calls.ended(call.callSid as string)).status).toBe('completed');
    expect(alice.state).toBe('unregistered');
    // The device does not keep trying: its next request fails at once with the same error.
    await expect(alice.register()).rejects.toMatchObject({ errorName: 'AccessTokenIssuerInvalid' });
    // Another key's session is untouched.
    expect(bridgeOf(harness).presenceOf(harness.account.sid, 'bob')[0]).toMatchObject({ status: 'online' });
    expect(bridgeOf(harness).size).toBe(1);
  });

  it('ends the sessions of a suspended or closed account, and tells a raw device why before closing', async () => {
    const { harness } = await setup();
    for (const status of ['suspended', 'closed'] as const) {
      const sub = await harness.client.api.v2010.accounts.create({ friendlyName: `tenant ${status}` });
      const subKey = await harness.clientFor(sub.sid, sub.authToken).newKeys.create();
      const token = tokenFor(harness, { sid: subKey.sid, secret: subKey.secret }, 'carol', undefined, {
        accountSid: sub.sid,
      });
      const { device, welcome } = await RawDevice.open(harness, token);
      cleanups.push(() => device.close());
      expect(welcome.type).toBe('welcome');
      const refusal = device.next((message) => message.type === 'error');
      await harness.client.api.v2010.accounts(sub.sid).update({ status });
      expect(await refusal).toMatchObject({ fatal: true, error: { name: 'AccessTokenIssuerInvalid', code: 20103 } });
      expect(await device.closed).toMatchObject({ code: 4403 });
    }
    expect(bridgeOf(harness).size).toBe(0);
  });

  it('ends capability-token sessions when their auth token is rotated away; access-token sessions sign with the new one', async () => {
    const { harness, app, key } = await setup();
    const capability = new twilio.jwt.ClientCapability({
      accountSid: harness.account.sid,
      authToken: harness.account.authToken,
    });
    capability.addScope(new twilio.jwt.ClientCapability.IncomingClientScope('legacy'));
    const legacy = track(deviceFor(harness, capability.toJwt()));
    const modern = track(
      deviceFor(harness, tokenFor(harness, key, 'modern', { incomingAllow: true, outgoingApplicationSid: app.sid })),
    );
    await Promise.all([legacy.register(), modern.register()]);

    const secondary = await harness.client.accounts.v1.secondaryAuthToken().create();
    const refused = next(legacy, 'error');
    await harness
      .clientFor(harness.account.sid, secondary.secondaryAuthToken)
      .accounts.v1.authTokenPromotion()
      .update();
    expect((await refused)[0]).toMatchObject({ errorName: 'AccessTokenSignatureInvalid' });
    expect(modern.state).toBe('registered');

    // The surviving session's calls are signed with the token that is current now.
    const call = await modern.connect();
    await answered(call);
    const request = harness.app.requestsTo('/hold')[0];
    expect(request?.params.CallSid).toBe(call.callSid);
    const signature = String(request?.headers['x-twilio-signature']);
    const params = request?.params as Record<string, string>;
    expect(twilio.validateRequest(secondary.secondaryAuthToken, signature, String(request?.url), params)).toBe(true);
  });

  it('catches a revocation made behind its back at the next request', async () => {
    const { harness, app, key } = await setup();
    const alice = track(
      deviceFor(harness, tokenFor(harness, key, 'alice', { incomingAllow: true, outgoingApplicationSid: app.sid })),
    );
    await alice.register();
    // Straight in the store, as another node sharing it would: the bridge is not told.
    await harness.store.delete('key', harness.account.sid, key.sid);
    expect(bridgeOf(harness).size).toBe(1);
    await expect(alice.connect()).rejects.toMatchObject({ errorName: 'AccessTokenIssuerInvalid' });
    expect(bridgeOf(harness).size).toBe(0);
    expect(harness.app.requestsTo('/hold')).toEqual([]);
  });
});

describe('custom parameters of device calls', () => {
  it('never replace the standard ones: From, Caller, AccountSid, CallSid, Direction, ApiVersion, ApplicationSid, the location parameters', async () => {
    const { harness, app, key } = await setup();
    const token = tokenFor(harness, key, 'intern', {
      outgoingApplicationSid: app.sid,
      outgoingApplicationParams: { From: 'client:cfo', team: 'blue' },
    });
    const intern = track(deviceFor(harness, token));
    const forged = {
      From: 'client:ceo',
      Caller: 'client:ceo',
      AccountSid: `AC${'0'.repeat(32)}`,
      CallSid: `CA${'0'.repeat(32)}`,
      Direction: 'outbound-api',
      ApiVersion: '1999-01-01',
      ApplicationSid: `AP${'0'.repeat(32)}`,
      FromCountry: 'XX',
      CallerCity: 'NOWHERE',
      CalledState: 'ZZ',
      note: 'kept',
    };
    const call = await intern.connect({ params: forged });
    await answered(call);
    const request = harness.app.requestsTo('/hold')[0];
    expect(request?.params).toMatchObject({
      From: 'client:intern',
      Caller: 'client:intern',
      AccountSid: harness.account.sid,
      CallSid: call.callSid,
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
      ApplicationSid: app.sid,
      // A device's number is no place: its location parameters are empty, whatever it sends.
      FromCountry: '',
      CallerCity: '',
      team: 'blue',
      note: 'kept',
    });
    expect(request?.params.CalledState).not.toBe('ZZ');
    const signature = String(request?.headers['x-twilio-signature']);
    const params = request?.params as Record<string, string>;
    expect(twilio.validateRequest(harness.account.authToken, signature, String(request?.url), params)).toBe(true);
  });
});
