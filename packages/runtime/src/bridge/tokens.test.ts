import { once } from 'node:events';
import type { ServerMessage } from '@patchbay/sdk/protocol';
import { SignJWT } from 'jose';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ApiHarness, startApiHarness } from '../api/harness.test-support.js';
import { deviceFor, newKey, next, tokenFor } from './devices.test-support.js';

const harnesses: ApiHarness[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function setup(devices?: Parameters<typeof startApiHarness>[0]) {
  const harness = await startApiHarness(devices);
  harnesses.push(harness);
  return { harness, key: await newKey(harness) };
}

/** Opens a raw WebSocket, says hello with `token`, and returns the first answer. */
async function hello(harness: ApiHarness, token: string): Promise<ServerMessage> {
  const socket = new WebSocket(`${harness.base.replace('http', 'ws')}/devices/v1/ws`);
  cleanups.push(() => socket.terminate());
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'hello', v: 1, token }));
  const [data] = await once(socket, 'message');
  return JSON.parse(String(data)) as ServerMessage;
}

const refusedWith = (message: ServerMessage) => (message.type === 'error' ? message.error.name : message.type);

const now = () => Math.floor(Date.now() / 1000);
const TEN_YEARS = 10 * 365 * 86_400;

function craft(
  payload: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' },
) {
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(new TextEncoder().encode(secret));
}

describe('access tokens at the bridge', () => {
  it("accepts the helper library's tokens as well as the SDK's", async () => {
    const { harness, key } = await setup();
    const helper = new twilio.jwt.AccessToken(harness.account.sid, key.sid, key.secret, { identity: 'alice' });
    helper.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true }));
    const welcome = await hello(harness, helper.toJwt());
    expect(welcome).toMatchObject({ type: 'welcome', identity: 'alice', accountSid: harness.account.sid });
    const ours = await hello(harness, tokenFor(harness, key, 'alice'));
    expect(ours).toMatchObject({ type: 'welcome', identity: 'alice' });
  });

  it('accepts legacy capability tokens signed with the auth token (either one during a rotation)', async () => {
    const { harness } = await setup({ routes: { '/cap': () => '<Response><Hangup/></Response>' } });
    const app = await harness.client.applications.create({ voiceUrl: `${harness.app.url}/cap` });
    const capability = (authToken: string) => {
      const token = new twilio.jwt.ClientCapability({ accountSid: harness.account.sid, authToken });
      token.addScope(new twilio.jwt.ClientCapability.IncomingClientScope('alice'));
      token.addScope(
        new twilio.jwt.ClientCapability.OutgoingClientScope({
          applicationSid: app.sid,
          clientName: 'alice',
          params: { team: 'red & blue' },
        }),
      );
      return token.toJwt();
    };
    const device = deviceFor(harness, capability(harness.account.authToken));
    cleanups.push(() => device.destroy());
    await device.register();
    expect(device.identity).toBe('alice');
    expect(harness.runtime.devices?.presenceOf(harness.account.sid, 'alice')[0]).toMatchObject({ registrations: 1 });
    const call = await device.connect();
    await next(call, 'disconnect');
    expect(harness.app.requestsTo('/cap')[0]?.params).toMatchObject({
      From: 'client:alice',
      ApplicationSid: app.sid,
      team: 'red & blue',
    });
    expect(refusedWith(await hello(harness, capability('not-the-auth-token')))).toBe('AccessTokenSignatureInvalid');
    // Capability tokens carry no iat: they may not be valid for more than 24 hours from now either way.
    const farCapability = (iat?: number) =>
      craft(
        {
          scope: 'scope:client:incoming?clientName=alice',
          iss: harness.account.sid,
          exp: now() + TEN_YEARS,
          ...(iat === undefined ? {} : { iat }),
        },
        harness.account.authToken,
        { alg: 'HS256', typ: 'JWT' },
      );
    for (const token of [await farCapability(), await farCapability(now() + TEN_YEARS - 60)])
      expect(refusedWith(await hello(harness, token))).toBe('ExpirationTimeExceedsMaxTimeAllowed');
    const secondary = await harness.client.accounts.v1.secondaryAuthToken().create();
    expect(refusedWith(await hello(harness, capability(secondary.secondaryAuthToken)))).toBe('welcome');
  });

  it('gives each kind of bad token its own code', async () => {
    const { harness, key } = await setup();
    const claims = (extra: Record<string, unknown> = {}) => ({
      jti: `${key.sid}-${now()}`,
      grants: { identity: 'alice', voice: { incoming: { allow: true } } },
      iss: key.sid,
      sub: harness.account.sid,
      iat: now(),
      exp: now() + 600,
      ...extra,
    });
    const sub = await harness.client.api.v2010.accounts.create({ friendlyName: 'tenant' });
    const cases: Array<[string, string]> = [
      ['not a token', 'AccessTokenInvalid'],
      [await craft(claims(), key.secret, { alg: 'HS256', typ: 'JWT' }), 'AccessTokenHeaderInvalid'],
      [await craft(claims(), 'the wrong secret'), 'AccessTokenSignatureInvalid'],
      [await craft(claims({ iss: `SK${'0'.repeat(32)}` }), key.secret), 'AccessTokenIssuerInvalid'],
      // A key of one account naming another (even its own subaccount) is refused.
      [await craft(claims({ sub: sub.sid }), key.secret), 'AccessTokenIssuerInvalid'],
      [await craft(claims({ iat: now() - 4000, exp: now() - 3000 }), key.secret), 'AccessTokenExpired'],
      [await craft(claims({ nbf: now() + 3600 }), key.secret), 'AccessTokenNotYetValid'],
      [await craft(claims({ exp: now() + 90_000 }), key.secret), 'ExpirationTimeExceedsMaxTimeAllowed'],
      // Without iat, or with iat just before a far exp, a token would otherwise last ten years.
      [await craft(claims({ iat: undefined, exp: now() + TEN_YEARS }), key.secret), 'AccessTokenInvalid'],
      [
        await craft(claims({ iat: now() + TEN_YEARS - 3600, exp: now() + TEN_YEARS }), key.secret),
        'ExpirationTimeExceedsMaxTimeAllowed',
      ],
      [await craft(claims({ grants: { voice: {} } }), key.secret), 'AccessTokenInvalid'],
    ];
    for (const [token, expected] of cases)
      expect([token.slice(0, 12), refusedWith(await hello(harness, token))]).toEqual([token.slice(0, 12), expected]);
    // Within the allowed clock skew (60 s) a token just past its expiry still works.
    const skewed = await craft(claims({ iat: now() - 600, exp: now() - 30 }), key.secret);
    expect(refusedWith(await hello(harness, skewed))).toBe('welcome');
  });

  it('refuses tokens of a deleted key or a suspended account', async () => {
    const { harness, key } = await setup();
    const token = tokenFor(harness, key, 'alice');
    expect(refusedWith(await hello(harness, token))).toBe('welcome');
    await harness.client.keys(key.sid).remove();
    expect(refusedWith(await hello(harness, token))).toBe('AccessTokenIssuerInvalid');

    const sub = await harness.client.api.v2010.accounts.create({ friendlyName: 'tenant' });
    const subClient = harness.clientFor(sub.sid, sub.authToken);
    const subKey = await subClient.newKeys.create();
    const subToken = tokenFor(harness, { sid: subKey.sid, secret: subKey.secret }, 'bob', undefined, {
      accountSid: sub.sid,
    });
    expect(refusedWith(await hello(harness, subToken))).toBe('welcome');
    await harness.client.api.v2010.accounts(sub.sid).update({ status: 'suspended' });
    expect(refusedWith(await hello(harness, subToken))).toBe('AccessTokenIssuerInvalid');
  });

  it('rejects register and connect promptly with an expired token, on the device and at the server', async () => {
    const { harness, key } = await setup();
    const expired = tokenFor(harness, key, 'alice', { incomingAllow: true }, { iat: now() - 7200, ttl: 3600 });
    const device = deviceFor(harness, expired);
    cleanups.push(() => device.destroy());
    await expect(device.register()).rejects.toMatchObject({ errorName: 'AccessTokenExpired', code: 20104 });
    await expect(device.connect()).rejects.toMatchObject({ errorName: 'AccessTokenExpired' });
    // A device whose clock is behind still gets the server's answer, not a hang.
    const behind = deviceFor(harness, expired, {
      clock: {
        now: () => 0,
        setTimeout: (fn, ms) => {
          const timer = setTimeout(fn, ms);
          return () => clearTimeout(timer);
        },
      },
    });
    cleanups.push(() => behind.destroy());
    await expect(behind.register()).rejects.toMatchObject({ errorName: 'AccessTokenExpired', code: 20104 });
  });

  it('warns before expiry, swaps tokens without dropping the registration, and unregisters at expiry', async () => {
    const { harness, key } = await setup({ devices: { heartbeatMs: 100 } });
    // Tokens with between one and two seconds left (issued a second ago, for three; times are
    // whole seconds), so a slow register (three nodes behind nginx) still finds it valid, and the
    // warning (2.5 s before expiry) comes at once.
    const short = () => tokenFor(harness, key, 'alice', { incomingAllow: true }, { iat: now() - 1, ttl: 3 });
    const first = short();
    const device = deviceFor(harness, first, { tokenRefreshMs: 2500 });
    cleanups.push(() => device.destroy());
    const warned = next(device, 'tokenWillExpire');
    await device.register();
    const session = device.sessionId;
    await warned;
    await device.updateToken(short());
    expect(device.sessionId).toBe(session);
    expect(harness.runtime.devices?.presenceOf(harness.account.sid, 'alice')[0]).toMatchObject({
      status: 'online',
      registrations: 1,
    });
    // Another identity's token cannot be swapped in.
    await expect(device.updateToken(tokenFor(harness, key, 'mallory'))).rejects.toMatchObject({
      errorName: 'AccessTokenInvalid',
    });
    const [error] = await next(device, 'error');
    expect(error.errorName).toBe('AccessTokenExpired');
    expect(device.state).toBe('unregistered');
    expect(harness.runtime.devices?.presenceOf(harness.account.sid, 'alice')[0]).toMatchObject({ status: 'offline' });
  });
});

describe('presence', () => {
  it('shows identities online with their registrations and last seen, through REST', async () => {
    const { harness, key } = await setup();
    const a = deviceFor(harness, tokenFor(harness, key, 'alice'));
    const b = deviceFor(harness, tokenFor(harness, key, 'alice'));
    const c = deviceFor(harness, tokenFor(harness, key, 'bob'));
    cleanups.push(() => {
      for (const device of [a, b, c]) device.destroy();
    });
    await Promise.all([a.register(), b.register(), c.register()]);
    const auth = `Basic ${Buffer.from(`${harness.account.sid}:${harness.account.authToken}`).toString('base64')}`;
    const get = async (path: string) => {
      const response = await fetch(`${harness.base}/2010-04-01/Accounts/${harness.account.sid}/${path}`, {
        headers: { authorization: auth },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const list = await get('Clients.json');
    expect(list.status).toBe(200);
    expect(list.body.clients).toEqual([
      expect.objectContaining({ identity: 'alice', status: 'online', registrations: 2 }),
      expect.objectContaining({ identity: 'bob', status: 'online', registrations: 1 }),
    ]);
    const presence = next((harness.runtime.devices as NonNullable<typeof harness.runtime.devices>).events, 'presence');
    c.destroy();
    expect((await presence)[0]).toMatchObject({ identity: 'bob', status: 'offline', registrations: 0 });
    const bob = await get('Clients/bob.json');
    expect(bob.body).toMatchObject({ identity: 'bob', status: 'offline', registrations: 0 });
    expect(Date.parse(String(bob.body.date_last_seen))).toBeGreaterThan(Date.now() - 60_000);
    expect((await get('Clients.json?Status=offline')).body.clients).toHaveLength(1);
    expect((await get('Clients/nobody.json')).status).toBe(404);
    expect((await get('Clients.json?Status=away')).status).toBe(400);
    // Another account sees none of it.
    const other = await harness.client.api.v2010.accounts.create({ friendlyName: 'other' });
    const response = await fetch(`${harness.base}/2010-04-01/Accounts/${other.sid}/Clients.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${other.sid}:${other.authToken}`).toString('base64')}` },
    });
    expect(((await response.json()) as { clients: unknown[] }).clients).toEqual([]);
  });

  it('lets a device follow identities of its own account', async () => {
    const { harness, key } = await setup();
    const watcher = deviceFor(harness, tokenFor(harness, key, 'supervisor'));
    cleanups.push(() => watcher.destroy());
    const seen: string[] = [];
    watcher.on('presence', (presence) =>
      seen.push(`${presence.identity} ${presence.status} ${presence.registrations}`),
    );
    const initial = next(watcher, 'presence');
    await watcher.subscribe(['alice']);
    await initial;
    expect(watcher.presenceOf('alice')).toMatchObject({ status: 'offline', registrations: 0, lastSeenAt: 0 });

    // The same identity in another account does not show.
    const tenant = await harness.client.api.v2010.accounts.create({ friendlyName: 'tenant' });
    const tenantKey = await harness.clientFor(tenant.sid, tenant.authToken).newKeys.create();
    const foreign = deviceFor(
      harness,
      tokenFor(harness, { sid: tenantKey.sid, secret: tenantKey.secret }, 'alice', undefined, {
        accountSid: tenant.sid,
      }),
    );
    cleanups.push(() => foreign.destroy());
    await foreign.register();

    const online = next(watcher, 'presence');
    const alice = deviceFor(harness, tokenFor(harness, key, 'alice'));
    cleanups.push(() => alice.destroy());
    await alice.register();
    expect((await online)[0]).toMatchObject({ identity: 'alice', status: 'online', registrations: 1 });
    const offline = next(watcher, 'presence');
    alice.destroy();
    expect((await offline)[0]).toMatchObject({ identity: 'alice', status: 'offline' });
    expect(seen).toEqual(['alice offline 0', 'alice online 1', 'alice offline 0']);
    expect(watcher.presenceOf('alice')?.lastSeenAt).toBeGreaterThan(0);

    const many = Array.from({ length: 100 }, (_, i) => `user${i}`);
    await expect(watcher.subscribe(many)).rejects.toMatchObject({ errorName: 'TooManyRequests' });
    await watcher.unsubscribe(['alice']);
    expect(watcher.presenceOf('alice')).toBeUndefined();
  });
});
