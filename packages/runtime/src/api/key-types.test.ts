import { describe, expect, it } from 'vitest';
import type { AccountRecord, KeyRecord } from './auth.js';
import { type ApiHarness, harnessPerTest, rejected } from './harness.test-support.js';

const setup = harnessPerTest();

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/** Creates a key through the REST API with `credentials`; the status and JSON of the answer. */
async function createKey(harness: ApiHarness, credentials: [string, string], params: Record<string, string>) {
  const response = await fetch(`${harness.base}/2010-04-01/Accounts/${harness.account.sid}/Keys.json`, {
    method: 'POST',
    headers: { authorization: basic(...credentials), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
  return { status: response.status, json: (await response.json()) as Record<string, string | number> };
}

describe('API key types', () => {
  it('gives a standard key everything but the Accounts, Keys and auth-token resources', async () => {
    const harness = await setup();
    const { client, clientFor, account } = harness;
    const created = await createKey(harness, [account.sid, account.authToken], { FriendlyName: 'app' });
    expect(created).toMatchObject({ status: 201, json: { key_type: 'standard' } });
    const standard = clientFor(String(created.json.sid), String(created.json.secret), account.sid);

    const number = await standard.incomingPhoneNumbers.create({ phoneNumber: '+15550106000' });
    expect(number.accountSid).toBe(account.sid);
    expect(await standard.applications.list()).toEqual([]);

    // Each refusal is caught as it is made (they run at once, and any may fail first).
    const refusals = [
      standard.api.v2010.accounts(account.sid).fetch(),
      standard.api.v2010.accounts.list(),
      standard.api.v2010.accounts.create({ friendlyName: 'mine now' }),
      standard.keys.list(),
      standard.newKeys.create({ friendlyName: 'another' }),
      standard.accounts.v1.secondaryAuthToken().create(),
      standard.accounts.v1.authTokenPromotion().update(),
    ].map(rejected);
    for (const refusal of refusals) expect(await refusal).toMatchObject({ status: 401, code: 20003 });
    // Nor can it mint a main key, which would give it everything.
    const minted = await createKey(harness, [String(created.json.sid), String(created.json.secret)], {
      KeyType: 'main',
    });
    expect(minted).toMatchObject({ status: 401, json: { code: 20003 } });
    // Nothing changed: no subaccount, no key, no secondary token.
    expect((await client.api.v2010.accounts.list()).map((a) => a.sid)).toEqual([account.sid]);
    expect((await client.keys.list()).map((k) => k.sid)).toEqual([created.json.sid]);
    expect((await harness.store.find<AccountRecord>('account', account.sid))?.secondaryAuthToken).toBeUndefined();
  });

  it('gives a main key (KeyType=main, made with the auth token) what the auth token has', async () => {
    const harness = await setup();
    const { account } = harness;
    const created = await createKey(harness, [account.sid, account.authToken], { KeyType: 'main' });
    expect(created).toMatchObject({ status: 201, json: { key_type: 'main' } });
    const main = harness.clientFor(String(created.json.sid), String(created.json.secret), account.sid);
    expect((await main.api.v2010.accounts(account.sid).fetch()).authToken).toBe(account.authToken);
    const sub = await main.api.v2010.accounts.create({ friendlyName: 'tenant' });
    expect(sub.ownerAccountSid).toBe(account.sid);
    const another = await createKey(harness, [String(created.json.sid), String(created.json.secret)], {
      KeyType: 'main',
    });
    expect(another).toMatchObject({ status: 201, json: { key_type: 'main' } });
    expect((await main.keys.list()).length).toBe(2);

    const restricted = await createKey(harness, [account.sid, account.authToken], { KeyType: 'restricted' });
    expect(restricted).toMatchObject({ status: 400, json: { code: 21200 } });
  });

  it('treats keys stored before key types existed as standard keys', async () => {
    const harness = await setup();
    const { account } = harness;
    const legacy: KeyRecord = {
      sid: `SK${'1'.repeat(32)}`,
      accountSid: account.sid,
      friendlyName: 'old',
      secret: 'an old secret that still works',
      createdAt: 1,
      updatedAt: 1,
    };
    await harness.store.put('key', legacy);
    const old = harness.clientFor(legacy.sid, legacy.secret, account.sid);
    expect(await old.calls.list()).toEqual([]);
    expect(await rejected(old.api.v2010.accounts(account.sid).fetch())).toMatchObject({ status: 401, code: 20003 });
    expect((await harness.client.keys(legacy.sid).fetch()).toJSON()).toMatchObject({ sid: legacy.sid });
  });
});

describe('secondary auth token', () => {
  it('refuses a second one rather than silently replace the first', async () => {
    const { client, clientFor, account } = await setup();
    const first = await client.accounts.v1.secondaryAuthToken().create();
    expect(await rejected(client.accounts.v1.secondaryAuthToken().create())).toMatchObject({
      status: 400,
      code: 20001,
    });
    // The first one still works, and can be promoted.
    const next = clientFor(account.sid, first.secondaryAuthToken);
    expect(await next.keys.list()).toEqual([]);
    expect((await next.accounts.v1.authTokenPromotion().update()).authToken).toBe(first.secondaryAuthToken);
    // Once promoted (or deleted) a new secondary token can be made.
    expect((await next.accounts.v1.secondaryAuthToken().create()).secondaryAuthToken).not.toBe(
      first.secondaryAuthToken,
    );
  });
});
