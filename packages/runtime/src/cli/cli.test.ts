import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Device, readTokenClaims } from '@patchbay/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { startAppServer } from '../testing/app-server.js';
import { main } from './main.js';
import { cleanUpProcesses, dataDirectory, spawnPatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

/** Starts `patchbay serve` in its own process; resolves with the first lines it prints. */
async function serve(data: string, env: Record<string, string> = {}) {
  const child = spawnPatchbay(['serve', '--port', '0', '--data', data, '--log-level', 'warn'], {
    PATCHBAY_ACCOUNT_SID: '',
    PATCHBAY_AUTH_TOKEN: '',
    ...env,
  });
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of reader) {
    lines.push(line);
    if (line === 'Ready.') break;
  }
  const url = /listening on (\S+)/.exec(lines[0] ?? '')?.[1] ?? '';
  const sid = /Account SID: (\S+)/.exec(lines.join('\n'))?.[1] ?? '';
  const token = /Auth token:\s+(\S+)/.exec(lines.join('\n'))?.[1];
  return { child, url, sid, token, lines };
}

/** Runs a client command in-process; `output` holds the printed lines. */
async function run(args: string[], env: Record<string, string>): Promise<{ code: number; output: string[] }> {
  const output: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await main(args, (text) => output.push(...text.split('\n')));
    return { code, output };
  } finally {
    process.env = saved;
  }
}

describe('patchbay CLI', () => {
  it('documents every command in --help', async () => {
    const { code, output } = await run(['--help'], {});
    expect(code).toBe(0);
    for (const command of [
      'serve',
      'numbers create',
      'numbers list',
      'calls create',
      'calls list',
      'calls tail',
      'simulate call',
      'simulate message',
      'messages list',
      'keys create',
      'token',
      'clients list',
    ]) {
      expect(output.join('\n')).toContain(`patchbay ${command}`);
    }
    expect((await run(['frobnicate'], {})).code).toBe(2);
  });

  it('makes an API key and a device token, and lists client presence', async () => {
    const data = await dataDirectory('patchbay-cli-devices-');
    const server = await serve(data);
    const env = { PATCHBAY_URL: server.url, PATCHBAY_ACCOUNT_SID: server.sid, PATCHBAY_AUTH_TOKEN: server.token ?? '' };
    const key = await run(['keys', 'create', '--friendly-name', 'softphones'], env);
    const [, sid, secret] = /^(SK[0-9a-f]{32}) {2}secret: (\S+)/.exec(key.output[0] ?? '') ?? [];
    expect(sid).toBeDefined();
    const minted = await run(
      ['token', '--identity', 'alice', '--key', sid as string, '--secret', secret as string],
      env,
    );
    expect(minted.code).toBe(0);
    expect(readTokenClaims(minted.output[0] as string)).toMatchObject({ identity: 'alice', accountSid: server.sid });
    const device = new Device(minted.output[0] as string, { server: server.url });
    try {
      await device.register();
      const clients = await run(['clients', 'list'], env);
      expect(clients.output[1]).toMatch(/^alice +online +1 /);
    } finally {
      device.destroy();
    }
    expect(
      (await run(['token', '--identity', 'alice'], { ...env, PATCHBAY_API_KEY: '', PATCHBAY_API_SECRET: '' })).code,
    ).toBe(2);
    const badKey = await run(['token', '--identity', 'alice', '--key', 'nope', '--secret', 'x'], env);
    expect([badKey.code, badKey.output[0]]).toEqual([2, 'patchbay: keySid must be an SK SID (an API key)']);
  });

  it('serves, shows the new token once, routes a number, simulates a call, and keeps everything across a restart', async () => {
    const data = await dataDirectory('patchbay-cli-');
    await using app = await startAppServer({
      '/voice': () => '<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather></Response>',
      '/menu': (req) => `<Response><Say>You pressed ${req.params.Digits}</Say></Response>`,
      '/sms': (req) => `<Response><Message>Echo: ${req.params.Body}</Message></Response>`,
    });
    const first = await serve(data);
    expect(first.token).toMatch(/^[0-9a-f]{32}$/);
    expect(first.sid).toMatch(/^AC[0-9a-f]{32}$/);
    const env = { PATCHBAY_URL: first.url, PATCHBAY_ACCOUNT_SID: first.sid, PATCHBAY_AUTH_TOKEN: first.token ?? '' };

    const created = await run(
      [
        'numbers',
        'create',
        '--number',
        '+15558880001',
        '--voice-url',
        `${app.url}/voice`,
        '--sms-url',
        `${app.url}/sms`,
      ],
      env,
    );
    expect(created.code).toBe(0);
    expect(created.output[0]).toMatch(/^PN[0-9a-f]{32} {2}\+15558880001 {2}voice: http/);
    const simulated = await run(['simulate', 'call', '--to', '+15558880001', '--digits', '1'], env);
    expect(simulated.code).toBe(0);
    expect(simulated.output.join('\n')).toContain('heard-speech You pressed 1');
    const texted = await run(
      ['simulate', 'message', '--to', '+15558880001', '--from', '+15550001111', '--body', 'hi'],
      env,
    );
    expect(texted.code).toBe(0);
    expect(texted.output[0]).toMatch(/^SM[0-9a-f]{32} {2}\+15550001111 -> \+15558880001 {2}received$/);
    expect(texted.output[1]).toMatch(/reply SM[0-9a-f]{32} {2}-> \+15550001111: Echo: hi/);
    const messages = await run(['messages', 'list', '--to', '+15550001111'], env);
    expect(messages.output[1]).toMatch(/outbound-reply .*Echo: hi/);
    const listed = await run(['calls', 'list'], env);
    expect(listed.output[1]).toMatch(/inbound .*\+15558880001 +completed/);
    expect((await run(['calls', 'list'], { ...env, PATCHBAY_AUTH_TOKEN: 'wrong' })).output[0]).toContain('401 20003');

    first.child.kill('SIGTERM');
    const [exitCode] = await once(first.child, 'exit');
    expect(exitCode).toBe(0);

    const second = await serve(data);
    expect(second.sid).toBe(first.sid);
    expect(second.token).toBeUndefined();
    const again = await run(['calls', 'list'], { ...env, PATCHBAY_URL: second.url });
    expect(again.output[1]).toMatch(/completed/);
    expect((await run(['numbers', 'list'], { ...env, PATCHBAY_URL: second.url })).output.join('\n')).toContain(
      '+15558880001',
    );
  }, 30_000);
});
