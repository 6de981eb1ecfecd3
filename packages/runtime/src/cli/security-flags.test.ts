import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { startAppServer } from '../testing/app-server.js';
import { CliError } from './errors.js';
import { parseFlags } from './flags.js';
import { cleanUpProcesses, dataDirectory, spawnPatchbay } from './processes.test-support.js';
import { SECURITY_FLAGS, securityOptions } from './security-flags.js';

const options = (argv: string[]) => securityOptions(parseFlags(argv, SECURITY_FLAGS, 'serve').values);

afterEach(cleanUpProcesses);

describe('patchbay serve security flags', () => {
  it('reads the egress policy and the per-account limits, and refuses values out of range', () => {
    expect(options([])).toEqual({});
    expect(
      options([
        '--egress=deny-private',
        '--account-max-calls=5',
        '--account-max-devices=20',
        '--account-api-concurrency=10',
        '--account-api-rate=0',
      ]),
    ).toEqual({
      egress: 'deny-private',
      limits: { concurrentCalls: 5, deviceSessions: 20, apiConcurrency: 10, apiRequestsPerSecond: 0 },
    });
    for (const argv of [
      ['--egress=allow-all'],
      ['--account-max-calls=0'],
      ['--account-max-devices=1e3'],
      ['--account-api-concurrency=-1'],
      ['--account-api-rate=2000000'],
    ])
      expect(() => options(argv)).toThrow(CliError);
  });

  it('serves with them: calls past the account limit fail, and loopback apps are refused under deny-private', async () => {
    const data = await dataDirectory('patchbay-security-');
    const account = `AC${'5'.repeat(32)}`;
    const token = 'f'.repeat(32);
    const args = ['serve', '--port', '0', '--data', data, '--log-level', 'warn'];
    const child = spawnPatchbay([...args, '--egress', 'deny-private', '--account-max-calls', '1'], {
      PATCHBAY_ACCOUNT_SID: account,
      PATCHBAY_AUTH_TOKEN: token,
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let url = '';
    let refused!: (line: string) => void;
    const refusal = new Promise<string>((resolve) => {
      refused = resolve;
    });
    const ready = new Promise<void>((resolve) =>
      lines.on('line', (line) => {
        url ||= /listening on (\S+)/.exec(line)?.[1] ?? '';
        if (line === 'Ready.') resolve();
        if (line.includes('"code":11100')) refused(line);
      }),
    );
    await ready;
    const post = async (resource: string, params: Record<string, string>) => {
      const response = await fetch(`${url}/2010-04-01/Accounts/${account}/${resource}`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${account}:${token}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(params),
      });
      return (await response.json()) as Record<string, string>;
    };

    const hold = { To: '+15550109000', From: '+15550109001', Twiml: '<Response><Pause length="60"/></Response>' };
    const auth = { authorization: `Basic ${Buffer.from(`${account}:${token}`).toString('base64')}` };
    const get = async (resource: string) =>
      (await (await fetch(`${url}/2010-04-01/Accounts/${account}/${resource}`, { headers: auth })).json()) as {
        status: string;
        calls: Array<{ sid: string; status: string }>;
      };
    const first = await post('Calls.json', hold);
    const second = await post('Calls.json', hold);
    // Accepted, then failed at once (10004): stored so before the answer.
    expect((await get(`Calls/${second.sid}.json`)).status).toBe('failed');
    expect((await get(`Calls/${first.sid}.json`)).status).not.toBe('failed');

    await using app = await startAppServer({ '/voice': () => '<Response><Say>inside</Say></Response>' });
    await post('IncomingPhoneNumbers.json', { PhoneNumber: '+15550109002', VoiceUrl: `${app.url}/voice` });
    // The account is at its one call: end it, so the inbound call below may run.
    await post(`Calls/${first.sid}.json`, { Status: 'completed' });
    await post('Simulator/Calls.json', { To: '+15550109002', From: '+15550109004' });
    expect(JSON.parse(await refusal)).toMatchObject({ code: 11100, url: `${app.url}/voice` });
    expect(app.requestsTo('/voice')).toEqual([]);
  });
});
