import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, rejected, startApiHarness } from './harness.test-support.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function setup() {
  const harness = await startApiHarness();
  harnesses.push(harness);
  return harness;
}

describe('API keys', () => {
  it('creates a key whose secret is shown once and authenticates as the account', async () => {
    const { client, clientFor, account } = await setup();
    const key = await client.newKeys.create({ friendlyName: 'deploy bot' });
    expect(key.sid).toMatch(/^SK[0-9a-f]{32}$/);
    expect(key.secret.length).toBeGreaterThanOrEqual(32);

    const listed = await client.keys.list();
    expect(listed.map((k) => [k.sid, k.friendlyName])).toEqual([[key.sid, 'deploy bot']]);
    expect(JSON.stringify(listed[0]?.toJSON())).not.toContain(key.secret);

    const viaKey = clientFor(key.sid, key.secret, account.sid);
    const number = await viaKey.incomingPhoneNumbers.create({ phoneNumber: '+15550102000' });
    expect(number.accountSid).toBe(account.sid);

    expect(
      (
        await clientFor(key.sid, `${key.secret}x`, account.sid)
          .keys.list()
          .catch((e) => e)
      ).status,
    ).toBe(401);

    await client.keys(key.sid).update({ friendlyName: 'renamed' });
    expect((await client.keys(key.sid).fetch()).friendlyName).toBe('renamed');
    await client.keys(key.sid).remove();
    expect((await rejected(viaKey.keys.list())).status).toBe(401);
    expect((await rejected(client.keys(key.sid).fetch())).status).toBe(404);
  });
});

describe('Subaccounts', () => {
  it('creates subaccounts whose data the parent reaches and siblings do not', async () => {
    const { client, clientFor, account } = await setup();
    const a = await client.api.v2010.accounts.create({ friendlyName: 'Tenant A' });
    const b = await client.api.v2010.accounts.create({ friendlyName: 'Tenant B' });
    expect(a).toMatchObject({ status: 'active', ownerAccountSid: account.sid, friendlyName: 'Tenant A' });
    expect(a.authToken).toMatch(/^[0-9a-f]{32}$/);

    const listed = await client.api.v2010.accounts.list();
    // The list holds the caller and its subaccounts, as on the hosted API.
    expect(listed.map((x) => x.sid).sort()).toEqual([account.sid, a.sid, b.sid].sort());
    expect((await client.api.v2010.accounts.list({ friendlyName: 'Tenant B' })).map((x) => x.sid)).toEqual([b.sid]);

    const clientA = clientFor(a.sid, a.authToken);
    const clientB = clientFor(b.sid, b.authToken);
    const numberA = await clientA.incomingPhoneNumbers.create({ phoneNumber: '+15550103000' });

    // The parent reaches a subaccount's resources through its SID.
    const viaParent = await client.api.v2010.accounts(a.sid).incomingPhoneNumbers.list();
    expect(viaParent.map((n) => n.sid)).toEqual([numberA.sid]);
    // A sibling does not: neither the resource nor the account exists for it.
    expect((await rejected(clientB.api.v2010.accounts(a.sid).incomingPhoneNumbers.list())).status).toBe(404);
    expect((await rejected(clientB.incomingPhoneNumbers(numberA.sid).fetch())).status).toBe(404);
    expect(await clientB.incomingPhoneNumbers.list()).toEqual([]);
    expect((await clientA.api.v2010.accounts.list()).map((x) => x.sid)).toEqual([a.sid]);
    expect(await clientA.api.v2010.accounts.list({ status: 'closed' })).toEqual([]);
    // A subaccount neither sees its parent nor makes its own subaccounts.
    expect((await rejected(clientA.api.v2010.accounts(account.sid).fetch())).status).toBe(404);
    expect((await rejected(clientA.api.v2010.accounts.create({ friendlyName: 'nested' }))).status).toBe(403);
  });

  it('suspends and closes a subaccount', async () => {
    const { client, clientFor } = await setup();
    const sub = await client.api.v2010.accounts.create({ friendlyName: 'Tenant' });
    const subClient = clientFor(sub.sid, sub.authToken);
    await subClient.keys.list();

    const suspended = await client.api.v2010.accounts(sub.sid).update({ status: 'suspended' });
    expect(suspended.status).toBe('suspended');
    expect((await rejected(subClient.keys.list())).status).toBe(401);
    await client.api.v2010.accounts(sub.sid).update({ status: 'active' });
    expect(await subClient.keys.list()).toEqual([]);

    await client.api.v2010.accounts(sub.sid).update({ status: 'closed' });
    const reopen = await rejected(client.api.v2010.accounts(sub.sid).update({ status: 'active' }));
    expect(reopen).toMatchObject({ status: 400, code: 20001 });
    expect((await rejected(client.api.v2010.accounts(sub.sid).update({ status: 'deleted' as 'active' }))).status).toBe(
      400,
    );
  });

  it('does not let an account suspend or close itself', async () => {
    const { client, account } = await setup();
    const error = await rejected(client.api.v2010.accounts(account.sid).update({ status: 'suspended' }));
    expect(error).toMatchObject({ status: 400, code: 20001 });
    expect((await client.api.v2010.accounts(account.sid).update({ friendlyName: 'Main' })).friendlyName).toBe('Main');
  });
});

describe('auth token rotation', () => {
  it('adds a secondary token, promotes it, and the old token stops working', async () => {
    const { client, clientFor, account } = await setup();
    const secondary = await client.accounts.v1.secondaryAuthToken().create();
    expect(secondary.secondaryAuthToken).toMatch(/^[0-9a-f]{32}$/);
    const next = clientFor(account.sid, secondary.secondaryAuthToken);
    expect(await next.keys.list()).toEqual([]);
    expect(await client.keys.list()).toEqual([]);

    const promoted = await next.accounts.v1.authTokenPromotion().update();
    expect(promoted.authToken).toBe(secondary.secondaryAuthToken);
    expect((await rejected(client.keys.list())).status).toBe(401);
    expect(await next.keys.list()).toEqual([]);
    expect((await next.api.v2010.accounts(account.sid).fetch()).authToken).toBe(secondary.secondaryAuthToken);

    const again = await rejected(next.accounts.v1.authTokenPromotion().update());
    expect(again).toMatchObject({ status: 400, code: 20001 });
  });

  it('drops a secondary token', async () => {
    const { client, clientFor, account } = await setup();
    const secondary = await client.accounts.v1.secondaryAuthToken().create();
    expect(await client.accounts.v1.secondaryAuthToken().remove()).toBe(true);
    expect((await rejected(clientFor(account.sid, secondary.secondaryAuthToken).keys.list())).status).toBe(401);
    expect(await client.keys.list()).toEqual([]);
  });
});
