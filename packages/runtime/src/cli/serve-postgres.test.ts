/**
 * `patchbay serve --store postgres://...` as an operator runs it: real server processes on a
 * real PostgreSQL, the official helper library as the app, two nodes sharing one database, the
 * start-up refusals in words, and `patchbay backup` pointing at pg_dump.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { patchbayHttpClient } from '@patchbay/sdk';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { usePostgres } from '../store/postgres.test-support.js';
import { startAppServer } from '../testing/app-server.js';
import { cleanUpProcesses, dataDirectory, runPatchbay, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

const postgres = usePostgres();

const ACCOUNT = `AC${'5'.repeat(32)}`;
const TOKEN = 'e'.repeat(32);
const KEY = 'ab'.repeat(32);
const env = { PATCHBAY_ACCOUNT_SID: ACCOUNT, PATCHBAY_AUTH_TOKEN: TOKEN, PATCHBAY_SECRET_KEY: KEY };

const helper = (base: string) => twilio(ACCOUNT, TOKEN, { accountSid: ACCOUNT, httpClient: patchbayHttpClient(base) });

describe('patchbay serve --store postgres://', () => {
  it('answers the official helper, and a second node on the same database sees what the first stored', async () => {
    const url = await postgres().database();
    await using app = await startAppServer({ '/status': () => '' });
    const a = await servePatchbay(await dataDirectory('patchbay-pg-a-'), env, { args: ['--store', url] });
    const b = await servePatchbay(await dataDirectory('patchbay-pg-b-'), env, { args: ['--store', url] });
    const call = await helper(a.url).calls.create({
      to: '+15550001111',
      from: '+15550002222',
      twiml: '<Response><Hangup/></Response>',
      statusCallback: `${app.url}/status`,
    });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    // Any node answers for any record.
    expect((await helper(b.url).calls(call.sid).fetch()).sid).toBe(call.sid);
    expect((await helper(b.url).calls.list({ limit: 20 })).map((c) => c.sid)).toContain(call.sid);
    const missing = await helper(b.url)
      .calls(`CA${'0'.repeat(32)}`)
      .fetch()
      .then(
        () => undefined,
        (error: { status: number; code: number }) => error,
      );
    expect(missing).toMatchObject({ status: 404, code: 20404 });
    // A number bought on one node routes on the other; the account's token is the same on both.
    const number = await helper(a.url).incomingPhoneNumbers.create({ phoneNumber: '+15550003333' });
    expect((await helper(b.url).incomingPhoneNumbers(number.sid).fetch()).phoneNumber).toBe('+15550003333');
    // A SIP credential sealed by one node opens on the other (one key for all).
    const list = await helper(a.url).sip.credentialLists.create({ friendlyName: 'phones' });
    await helper(a.url)
      .sip.credentialLists(list.sid)
      .credentials.create({ username: 'alice', password: 'Secret12345678' });
    expect((await helper(b.url).sip.credentialLists(list.sid).credentials.list()).map((c) => c.username)).toEqual([
      'alice',
    ]);
    // No data-directory lock: both run; /health says ok on both.
    for (const node of [a, b]) expect(await (await fetch(`${node.url}/health`)).json()).toEqual({ status: 'ok' });
  }, 60_000);

  it('refuses to start without the shared key, or when the database cannot be reached or refuses, in words and without the password', async () => {
    const url = await postgres().database();
    const data = await dataDirectory('patchbay-pg-refused-');
    const noKey = await runPatchbay(['serve', '--port', '0', '--data', data, '--store', url], {
      PATCHBAY_SECRET_KEY: '',
    });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('(secret-key-missing)');
    expect(noKey.stderr).toContain('--secret-key-file');

    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    const refused = await runPatchbay(['serve', '--port', '0', '--data', data, '--store', wrong.toString()], {
      PATCHBAY_SECRET_KEY: KEY,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`PostgreSQL at 127.0.0.1:${wrong.port}${wrong.pathname} refused the connection`);
    expect(refused.stderr).toContain('(database-refused)');
    expect(refused.stderr).not.toContain('not-the-password');

    const closed = new URL(url);
    closed.port = '1';
    const unreachable = await runPatchbay(['serve', '--port', '0', '--data', data], {
      PATCHBAY_STORE: closed.toString(),
      PATCHBAY_SECRET_KEY: KEY,
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach PostgreSQL at 127.0.0.1:1');
    expect(unreachable.stderr).toContain('(database-unreachable)');
    expect(unreachable.stderr).not.toContain(closed.password);

    const keyFile = join(data, 'short.key');
    await writeFile(keyFile, 'abc');
    const badKey = await runPatchbay([
      'serve',
      '--port',
      '0',
      '--data',
      data,
      '--store',
      url,
      '--secret-key-file',
      keyFile,
    ]);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain('is not a key of 64 hex digits (secret-key-missing)');
  }, 60_000);

  it('backup refuses a PostgreSQL store and names pg_dump', async () => {
    const url = await postgres().database();
    const result = await runPatchbay(['backup', await dataDirectory('patchbay-pg-backup-')], { PATCHBAY_STORE: url });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('pg_dump');
    expect(result.stderr).toContain('(store-unsupported)');
  }, 30_000);
});

describe('patchbay credentials --store postgres://', () => {
  it("reads an account's credentials from the shared database while a node runs; refuses --rotate there", async () => {
    const url = await postgres().database();
    const secret = new URL(url).password;
    await servePatchbay(await dataDirectory('patchbay-pg-credentials-'), env, { args: ['--store', url] });
    const data = await dataDirectory('patchbay-pg-credentials-none-');

    const bootstrap = await runPatchbay(['credentials', '--data', data, '--store', url], {});
    expect([bootstrap.code, bootstrap.stderr]).toEqual([0, '']);
    expect(bootstrap.stdout).toBe(`Account SID: ${ACCOUNT}\nAuth token:  ${TOKEN}\n`);
    const named = await runPatchbay(['credentials', '--data', data, '--account', ACCOUNT], { PATCHBAY_STORE: url });
    expect(named.stdout).toBe(bootstrap.stdout);

    const other = `AC${'6'.repeat(32)}`;
    const unknown = await runPatchbay(['credentials', '--store', url, '--account', other], {});
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`there is no account ${other} in the database at ${new URL(url).host}`);
    expect(unknown.stderr).toContain('(invalid-account)');

    const rotate = await runPatchbay(['credentials', '--store', url, '--rotate'], {});
    expect(rotate.code).toBe(1);
    expect(rotate.stderr).toContain('(store-unsupported)');
    expect(rotate.stderr).toContain('POST /v1/AuthTokens/Secondary');
    for (const output of [unknown.stderr, rotate.stderr]) if (secret) expect(output).not.toContain(secret);
  }, 60_000);
});
