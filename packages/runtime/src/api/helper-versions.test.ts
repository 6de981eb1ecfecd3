/**
 * The official helper library, majors 3 to 6, against a real Patchbay server on loopback: through
 * `patchbayHttpClient` in this process, and unchanged apps through the preload
 * (`node --require/--import @patchbay/sdk/register-twilio`) in child processes.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { patchbayHttpClient } from '@patchbay/sdk';
import twilio6 from 'twilio';
import twilio3 from 'twilio3';
import twilio4 from 'twilio4';
import twilio5 from 'twilio5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from './harness.test-support.js';

const PEER = '+15550007001';
const MISSING_CALL = `CA${'0'.repeat(32)}`;

/** What this test uses of a helper client, the same in every major version. */
interface HelperClient {
  calls: {
    create(params: { to: string; from: string; twiml: string }): Promise<{ sid: string; status: string }>;
    list(params: { limit: number }): Promise<Array<{ sid: string }>>;
    (sid: string): { fetch(): Promise<{ sid: string }> };
  };
  api: { accounts(sid: string): { fetch(): Promise<{ sid: string; status: string }> } };
}
type Helper = (user: string, secret: string, options: { httpClient: unknown }) => unknown;

const HELPERS: Record<string, { helper: Helper; module: string }> = {
  '3.x': { helper: twilio3 as unknown as Helper, module: 'twilio3' },
  '4.x': { helper: twilio4 as unknown as Helper, module: 'twilio4' },
  '5.x': { helper: twilio5 as unknown as Helper, module: 'twilio5' },
  '6.x': { helper: twilio6 as unknown as Helper, module: 'twilio' },
};

/** The app: what an unchanged app does with the helper, printing what it saw as one JSON line. */
const APP = (importLine: string) => `${importLine}
const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);
const call = await client.calls.create({ to: '${PEER}', from: '+15550007000', twiml: '<Response><Hangup/></Response>' });
const listed = await client.calls.list({ limit: 50 });
const account = await client.api.accounts(process.env.TWILIO_ACCOUNT_SID).fetch();
const failure = await client.calls('${MISSING_CALL}').fetch().then(() => undefined, (error) => error);
console.log(JSON.stringify({
  call: call.sid,
  listed: listed.map((c) => c.sid),
  account: account.sid,
  failure: { type: failure.constructor.name, status: failure.status, code: failure.code, moreInfo: failure.moreInfo },
}));
`;

let harness: ApiHarness;
let apps: string;
beforeAll(async () => {
  harness = await startApiHarness({ setup: (network) => network.addNumber(PEER, { ringMs: 5 }) });
  apps = await mkdtemp(join(tmpdir(), 'patchbay-helpers-'));
});
afterAll(async () => {
  await harness.close();
  await rm(apps, { recursive: true, force: true });
});

async function exercise(client: HelperClient) {
  const call = await client.calls.create({ to: PEER, from: '+15550007000', twiml: '<Response><Hangup/></Response>' });
  const listed = await client.calls.list({ limit: 50 });
  const account = await client.api.accounts(harness.account.sid).fetch();
  const failure = (await client
    .calls(MISSING_CALL)
    .fetch()
    .then(
      () => undefined,
      (error: unknown) => error,
    )) as { constructor: { name: string }; status: number; code: number; moreInfo: string };
  return {
    call: call.sid,
    listed: listed.map((c) => c.sid),
    account: account.sid,
    failure: { type: failure.constructor.name, status: failure.status, code: failure.code, moreInfo: failure.moreInfo },
  };
}

function expectWorked(seen: Awaited<ReturnType<typeof exercise>>) {
  expect(seen.call).toMatch(/^CA[0-9a-f]{32}$/);
  expect(seen.listed).toContain(seen.call);
  expect(seen.account).toBe(harness.account.sid);
  expect(seen.failure).toMatchObject({ type: 'RestException', status: 404, code: 20404 });
  expect(seen.failure.moreInfo).toBe(`${harness.base}/docs/errors#20404`);
}

/** A folder laid out as an app's: `node_modules/twilio` is the given major, and `@patchbay/sdk` is this repository's. */
async function appFolder(name: string, module: string): Promise<string> {
  const folder = join(apps, name);
  await mkdir(join(folder, 'node_modules', '@patchbay'), { recursive: true });
  await symlink(
    await realpath(join(import.meta.dirname, '../../node_modules', module)),
    join(folder, 'node_modules/twilio'),
  );
  await symlink(
    await realpath(join(import.meta.dirname, '../../../sdk-js')),
    join(folder, 'node_modules/@patchbay/sdk'),
  );
  return folder;
}

async function runApp(folder: string, flag: string, file: string, env: Record<string, string>) {
  return promisify(execFile)(process.execPath, [flag, '@patchbay/sdk/register-twilio', file], {
    cwd: folder,
    env: {
      PATH: process.env.PATH ?? '',
      TWILIO_ACCOUNT_SID: harness.account.sid,
      TWILIO_AUTH_TOKEN: harness.account.authToken,
      ...env,
    },
    timeout: 20_000,
  });
}

describe.each(Object.entries(HELPERS))('the official helper %s', (version, { helper, module }) => {
  it('works against Patchbay through patchbayHttpClient', async () => {
    const client = helper(harness.account.sid, harness.account.authToken, {
      httpClient: patchbayHttpClient(harness.base),
    }) as HelperClient;
    expectWorked(await exercise(client));
  });

  it('works unchanged under node --require @patchbay/sdk/register-twilio', async () => {
    const folder = await appFolder(`cjs-${version}`, module);
    await writeFile(join(folder, 'app.cjs'), `(async () => {${APP("const twilio = require('twilio');")}})();`);
    const { stdout } = await runApp(folder, '--require', 'app.cjs', { PATCHBAY_URL: harness.base });
    expectWorked(JSON.parse(stdout));
  });
});

describe('the preload', () => {
  it('works for ESM apps under node --import', async () => {
    const folder = await appFolder('esm', 'twilio');
    await writeFile(join(folder, 'app.mjs'), APP("import twilio from 'twilio';"));
    const { stdout } = await runApp(folder, '--import', 'app.mjs', { PATCHBAY_URL: `${harness.base}/` });
    expectWorked(JSON.parse(stdout));
  });

  it('stops the app with a clear error when PATCHBAY_URL is missing or not http(s)', async () => {
    const folder = await appFolder('misconfigured', 'twilio');
    await writeFile(join(folder, 'app.cjs'), 'console.log("the app ran");');
    for (const [env, expected] of [
      [{}, 'PATCHBAY_URL (for @patchbay/sdk/register-twilio) is not set'],
      [{ PATCHBAY_URL: 'localhost:3000' }, 'has no scheme: write it as http://localhost:3000'],
      [{ PATCHBAY_URL: 'ftp://127.0.0.1:3000' }, 'is not an http(s) URL'],
    ] as const) {
      const failure = await runApp(folder, '--require', 'app.cjs', env).then(
        () => undefined,
        (error: unknown) => error as { code: number; stdout: string; stderr: string },
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain('PatchbayUrlError');
      expect(failure?.stderr).toContain(expected);
      expect(failure?.stdout).toBe('');
    }
  });
});
