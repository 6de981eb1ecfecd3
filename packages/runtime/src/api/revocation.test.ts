/**
 * Revocations made while a request's body is still arriving: the request read the record (or
 * authenticated) first, the body's second half comes after the key was deleted, the account
 * suspended or the number released. Nothing the slow request writes may undo the revocation.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { harnessPerTest, rejected, WatchedStore } from './harness.test-support.js';

const start = harnessPerTest();

async function setup() {
  const store = new WatchedStore();
  return { harness: await start({ store }), store };
}

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/**
 * POSTs `body` in two halves: the first, then `between()` (awaited), then the rest. Resolves with
 * the status and JSON of the answer.
 */
function slowPost(
  url: string,
  authorization: string,
  body: string,
  between: () => Promise<void>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        authorization,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text || '{}') }));
    });
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    between().then(() => req.end(body.slice(half)), reject);
  });
}

describe('a revocation made while a request body is arriving', () => {
  it('keeps a deleted key deleted (the rename that read it first answers 404)', async () => {
    const { harness, store } = await setup();
    const { client, clientFor, account } = harness;
    const key = await client.newKeys.create({ friendlyName: 'ci' });
    const url = `${harness.base}/2010-04-01/Accounts/${account.sid}/Keys/${key.sid}.json`;
    const read = store.read(key.sid);
    const answer = await slowPost(url, basic(account.sid, account.authToken), 'FriendlyName=renamed', async () => {
      await read;
      await client.keys(key.sid).remove();
    });
    expect(answer).toMatchObject({ status: 404, json: { code: 20404 } });
    expect(await client.keys.list()).toEqual([]);
    expect((await rejected(clientFor(key.sid, key.secret, account.sid).calls.list())).status).toBe(401);
  });

  it('keeps a suspended subaccount suspended (the parent’s rename applies to the suspended account)', async () => {
    const { harness, store } = await setup();
    const { client, clientFor } = harness;
    const sub = await client.api.v2010.accounts.create({ friendlyName: 'tenant' });
    const url = `${harness.base}/2010-04-01/Accounts/${sub.sid}.json`;
    const read = store.read(sub.sid);
    const answer = await slowPost(
      url,
      basic(harness.account.sid, harness.account.authToken),
      'FriendlyName=Tenant+B',
      async () => {
        await read;
        await client.api.v2010.accounts(sub.sid).update({ status: 'suspended' });
      },
    );
    expect(answer).toMatchObject({ status: 200, json: { friendly_name: 'Tenant B', status: 'suspended' } });
    expect((await client.api.v2010.accounts(sub.sid).fetch()).status).toBe('suspended');
    expect((await rejected(clientFor(sub.sid, sub.authToken).calls.list())).status).toBe(401);
  });

  it('keeps a released number released', async () => {
    const { harness, store } = await setup();
    const { client, account } = harness;
    const number = await client.incomingPhoneNumbers.create({ phoneNumber: '+15550104000', voiceUrl: 'http://a/x' });
    const url = `${harness.base}/2010-04-01/Accounts/${account.sid}/IncomingPhoneNumbers/${number.sid}.json`;
    const read = store.read(number.sid);
    const answer = await slowPost(
      url,
      basic(account.sid, account.authToken),
      'VoiceUrl=http%3A%2F%2Fb%2Fy',
      async () => {
        await read;
        await client.incomingPhoneNumbers(number.sid).remove();
      },
    );
    expect(answer.status).toBe(404);
    expect(await client.incomingPhoneNumbers.list()).toEqual([]);
    expect(await harness.store.findOne('number', { phoneNumber: '+15550104000' })).toBeUndefined();
  });

  it('refuses the request of a key deleted, or an account suspended, before its body ended', async () => {
    const { harness } = await setup();
    const { client, account } = harness;
    const key = await client.newKeys.create();
    const calls = `${harness.base}/2010-04-01/Accounts/${account.sid}/Calls.json`;
    const form = new URLSearchParams({ To: '+15550105000', From: '+15550105001', Twiml: '<Response/>' }).toString();
    const viaKey = await slowPost(calls, basic(key.sid, key.secret), form, async () => {
      await client.keys(key.sid).remove();
    });
    expect(viaKey).toMatchObject({ status: 401, json: { code: 20003 } });

    const sub = await client.api.v2010.accounts.create({ friendlyName: 'tenant' });
    const subCalls = `${harness.base}/2010-04-01/Accounts/${sub.sid}/Calls.json`;
    const viaSub = await slowPost(subCalls, basic(sub.sid, sub.authToken), form, async () => {
      await client.api.v2010.accounts(sub.sid).update({ status: 'suspended' });
    });
    expect(viaSub).toMatchObject({ status: 401, json: { code: 20003 } });
    expect(harness.runtime.calls.list()).toEqual([]);
  });
});
