/**
 * `patchbay token`: says how to make a key when there is none, checks the key, secret and
 * application against the server before printing, and prints only the token on stdout.
 */
import { Device, readTokenClaims } from '@patchbay/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpProcesses, dataDirectory, runPatchbay, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

describe('patchbay token', () => {
  it('makes a token the device bridge accepts, checked first; refuses a wrong secret, key or application', async () => {
    const server = await servePatchbay(await dataDirectory('patchbay-cli-token-'));
    const { env } = server;
    const [key, , secret] = (await runPatchbay(['keys', 'create', '--friendly-name', 'softphones'], env)).stdout.split(
      / +/,
    );
    const app = (
      await runPatchbay(['applications', 'create', '--voice-url', 'http://127.0.0.1:9/out'], env)
    ).stdout.split(' ')[0] as string;

    const minted = await runPatchbay(
      ['token', '--identity', 'alice', '--key', key as string, '--secret', secret as string, '--app', app],
      env,
    );
    expect([minted.code, minted.stderr]).toEqual([0, '']);
    expect(minted.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(readTokenClaims(minted.stdout.trim())).toMatchObject({ identity: 'alice', accountSid: server.sid });
    const device = new Device(minted.stdout.trim(), { server: server.url });
    try {
      await device.register();
      const clients = await runPatchbay(['clients', 'list'], env);
      expect(clients.stdout.split('\n')[1]).toMatch(/^alice +online +1 /);
    } finally {
      device.destroy();
    }

    const wrongSecret = await runPatchbay(
      ['token', '--identity', 'a', '--key', key as string, '--secret', 'nope'],
      env,
    );
    expect([wrongSecret.code, wrongSecret.stdout]).toEqual([1, '']);
    expect(wrongSecret.stderr).toMatch(
      new RegExp(
        `^patchbay: the server refused API key ${key} with that secret \\(verification-failed\\): check --key and --secret`,
      ),
    );
    const otherKey = `SK${'0'.repeat(32)}`;
    const unknownKey = await runPatchbay(['token', '--identity', 'a', '--key', otherKey, '--secret', 'x'], env);
    expect(unknownKey.code).toBe(1);
    const unknownApp = await runPatchbay(
      [
        'token',
        '--identity',
        'a',
        '--key',
        key as string,
        '--secret',
        secret as string,
        '--app',
        `AP${'0'.repeat(32)}`,
      ],
      env,
    );
    expect([unknownApp.code, unknownApp.stdout]).toEqual([1, '']);
    expect(unknownApp.stderr).toBe(
      `patchbay: application AP${'0'.repeat(32)} is not one of account ${server.sid}'s (verification-failed): see \`patchbay applications list\`, or make one with \`patchbay applications create --voice-url <url>\`\n`,
    );

    // --offline skips the check, and says so on stderr; the token alone is on stdout.
    const offline = await runPatchbay(
      ['token', '--identity', 'a', '--key', key as string, '--secret', 'nope', '--offline'],
      { PATCHBAY_ACCOUNT_SID: server.sid },
    );
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(offline.stderr).toBe('patchbay: --offline: the key, secret and application were not checked\n');
  }, 30_000);

  it('without a key, says how to make one', async () => {
    const { code, stdout, stderr } = await runPatchbay(['token', '--identity', 'alice'], {
      PATCHBAY_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
    });
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toBe(
      'patchbay: a token is signed with an API key, and none was given (missing-credentials): make one with `patchbay keys create`, then pass --key SK... --secret ... (or set PATCHBAY_API_KEY and PATCHBAY_API_SECRET)\n',
    );
    const badKey = await runPatchbay(['token', '--identity', 'alice', '--key', 'nope', '--secret', 'x'], {
      PATCHBAY_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
    });
    expect([badKey.code, badKey.stderr.split(' (')[0]]).toEqual([2, 'patchbay: --key: "nope" is not an API key SID']);
  });
});
