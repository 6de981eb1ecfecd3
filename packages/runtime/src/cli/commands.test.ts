/**
 * Client commands against a real `patchbay serve` process: what each prints and its exit code.
 */
import { once } from 'node:events';
import { Device } from '@patchbay/sdk';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { startAppServer } from '../testing/app-server.js';
import { cleanUpProcesses, dataDirectory, runPatchbay, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

describe('patchbay client commands', () => {
  it('serves, shows the new token once, routes a number, simulates a call, and keeps everything across a restart', async () => {
    const data = await dataDirectory('patchbay-cli-');
    await using app = await startAppServer({
      '/voice': () => '<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather></Response>',
      '/menu': (req) => `<Response><Say>You pressed ${req.params.Digits}</Say></Response>`,
      '/sms': (req) => `<Response><Message>Echo: ${req.params.Body}</Message></Response>`,
    });
    const first = await servePatchbay(data);
    expect(first.token).toMatch(/^[0-9a-f]{32}$/);
    expect(first.sid).toMatch(/^AC[0-9a-f]{32}$/);
    const { env } = first;

    const created = await runPatchbay(
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
    expect(created.stdout).toMatch(/^PN[0-9a-f]{32} {2}\+15558880001 {2}voice: http/);
    const simulated = await runPatchbay(['simulate', 'call', '--to', '+15558880001', '--digits', '1'], env);
    expect(simulated.code).toBe(0);
    expect(simulated.stdout).toContain('heard-speech "You pressed 1" (voice man, en-US)');
    const texted = await runPatchbay(
      ['simulate', 'message', '--to', '+15558880001', '--from', '+15550001111', '--body', 'hi'],
      env,
    );
    expect(texted.code).toBe(0);
    const [sent, reply] = texted.stdout.split('\n');
    expect(sent).toMatch(/^SM[0-9a-f]{32} {2}\+15550001111 -> \+15558880001 {2}received$/);
    expect(reply).toMatch(/reply SM[0-9a-f]{32} {2}-> \+15550001111: Echo: hi/);
    const messages = await runPatchbay(['messages', 'list', '--to', '+15550001111'], env);
    expect(messages.stdout.split('\n')[1]).toMatch(/outbound-reply .*Echo: hi/);
    const listed = await runPatchbay(['calls', 'list'], env);
    expect(listed.stdout.split('\n')[1]).toMatch(/inbound .*\+15558880001 +completed/);

    first.child.kill('SIGTERM');
    const [exitCode] = await once(first.child, 'exit');
    expect(exitCode).toBe(0);

    const second = await servePatchbay(data);
    expect(second.sid).toBe(first.sid);
    expect(second.token).toBeUndefined();
    const again = { ...env, PATCHBAY_URL: second.url };
    expect((await runPatchbay(['calls', 'list'], again)).stdout.split('\n')[1]).toMatch(/completed/);
    expect((await runPatchbay(['numbers', 'list'], again)).stdout).toContain('+15558880001');
  }, 30_000);

  it('numbers: get, update and delete by SID or by the number itself', async () => {
    const { env } = await servePatchbay(await dataDirectory('patchbay-cli-numbers-'));
    const created = await runPatchbay(
      ['numbers', 'create', '--number', '+15558880002', '--voice-url', 'http://127.0.0.1:9/a'],
      env,
    );
    const sid = created.stdout.split(' ')[0] as string;
    const updated = await runPatchbay(
      ['numbers', 'update', '+15558880002', '--voice-url', 'http://127.0.0.1:9/b', '--sms-url', 'http://127.0.0.1:9/s'],
      env,
    );
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/^voice_url: +http:\/\/127\.0\.0\.1:9\/b$/m);
    const shown = await runPatchbay(['numbers', 'get', sid], env);
    expect(shown.stdout).toMatch(/^sms_url: +http:\/\/127\.0\.0\.1:9\/s$/m);
    const cleared = await runPatchbay(['numbers', 'update', sid, '--sms-url', ''], env);
    expect(cleared.stdout).toMatch(/^sms_url: +-$/m);
    const nothing = await runPatchbay(['numbers', 'update', sid], env);
    expect([nothing.code, nothing.stderr]).toEqual([
      2,
      'patchbay: give at least one setting to change (missing-flag): see `patchbay numbers update --help`\n',
    ]);
    const unknown = await runPatchbay(['numbers', 'delete', '+15558889999'], env);
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      "patchbay: +15558889999 is not one of this account's numbers (not-found): see `patchbay numbers list`\n",
    ]);
    const deleted = await runPatchbay(['numbers', 'delete', '+15558880002'], env);
    expect([deleted.code, deleted.stdout]).toEqual([0, `deleted ${sid}\n`]);
    expect((await runPatchbay(['numbers', 'list'], env)).stdout).toBe('(none)\n');
  }, 30_000);

  it('applications: create, list, get, update, delete', async () => {
    const { env } = await servePatchbay(await dataDirectory('patchbay-cli-apps-'));
    const created = await runPatchbay(
      ['applications', 'create', '--friendly-name', 'softphone', '--voice-url', 'http://127.0.0.1:9/out'],
      env,
    );
    expect(created.code).toBe(0);
    const [sid] = /^AP[0-9a-f]{32}/.exec(created.stdout) ?? [];
    expect(created.stdout).toBe(`${sid}  softphone  voice: http://127.0.0.1:9/out\n`);
    expect((await runPatchbay(['applications', 'list'], env)).stdout).toMatch(
      new RegExp(`^${sid} +softphone +http`, 'm'),
    );
    const updated = await runPatchbay(['applications', 'update', sid as string, '--voice-method', 'GET'], env);
    expect(updated.stdout).toMatch(/^voice_method: +GET$/m);
    expect((await runPatchbay(['applications', 'get', sid as string], env)).stdout).toMatch(
      /^friendly_name: +softphone$/m,
    );
    expect((await runPatchbay(['applications', 'delete', sid as string], env)).stdout).toBe(`deleted ${sid}\n`);
    const gone = await runPatchbay(['applications', 'get', sid as string], env);
    expect([gone.code, gone.stderr]).toEqual([
      1,
      `patchbay: The requested resource ${sid} was not found (20404, HTTP 404)\n`,
    ]);
  }, 30_000);

  it('calls: hangup cancels a ringing call and completes an answered one; get shows it', async () => {
    const { env } = await servePatchbay(await dataDirectory('patchbay-cli-calls-'));
    const hold = '<Response><Pause length="60"/></Response>';
    // A registered device rings until answered; an unknown number answers at once.
    const key = (await runPatchbay(['keys', 'create'], env)).stdout.split(' ');
    const token = await runPatchbay(
      ['token', '--identity', 'alice', '--key', key[0] as string, '--secret', key[3] as string],
      env,
    );
    const device = new Device(token.stdout.trim(), { server: env.PATCHBAY_URL as string });
    onTestFinished(() => device.destroy());
    await device.register();
    const ringing = await runPatchbay(
      ['calls', 'create', '--to', 'client:alice', '--from', '+15550001111', '--twiml', hold, '--timeout', '60'],
      env,
    );
    const answered = await runPatchbay(
      ['calls', 'create', '--to', '+15559990000', '--from', '+15550001111', '--twiml', hold],
      env,
    );
    const [ringingSid] = ringing.stdout.split(' ');
    const [answeredSid] = answered.stdout.split(' ');
    expect(ringingSid).toMatch(/^CA[0-9a-f]{32}$/);
    const canceled = await runPatchbay(['calls', 'hangup', ringingSid as string], env);
    expect([canceled.code, canceled.stdout]).toEqual([0, `${ringingSid}  canceled\n`]);
    // Wait until the answered call is in progress, then hang it up.
    for (;;) {
      const shown = await runPatchbay(['calls', 'get', answeredSid as string], env);
      if (/^status: +in-progress$/m.test(shown.stdout)) break;
    }
    const completed = await runPatchbay(['calls', 'hangup', answeredSid as string], env);
    expect([completed.code, completed.stdout]).toEqual([0, `${answeredSid}  completed\n`]);
    const again = await runPatchbay(['calls', 'hangup', answeredSid as string], env);
    expect([again.code, again.stdout]).toEqual([0, `${answeredSid}  completed  (had already ended)\n`]);
    expect((await runPatchbay(['calls', 'list', '--status', 'canceled'], env)).stdout).toContain(ringingSid);
  }, 30_000);

  it('messages send and get; keys list and delete', async () => {
    const { env } = await servePatchbay(await dataDirectory('patchbay-cli-messages-'));
    const sent = await runPatchbay(
      ['messages', 'send', '--to', '+15550199000', '--from', '+15550100100', '--body', 'hello'],
      env,
    );
    expect(sent.code).toBe(0);
    const [sid] = sent.stdout.split(' ');
    expect(sent.stdout).toMatch(/^SM[0-9a-f]{32} {2}\+15550100100 -> \+15550199000 {2}\w+\n$/);
    expect((await runPatchbay(['messages', 'get', sid as string], env)).stdout).toMatch(/^body: +hello$/m);
    const key = await runPatchbay(['keys', 'create', '--friendly-name', 'ci'], env);
    const [keySid] = key.stdout.split(' ');
    const main = await runPatchbay(['keys', 'create', '--friendly-name', 'ops', '--main'], env);
    const [mainSid] = main.stdout.split(' ');
    // Which key may manage accounts and keys is what an operator looks for in the list.
    const listed = (await runPatchbay(['keys', 'list'], env)).stdout;
    expect(listed).toMatch(/^sid +friendly_name +key_type +date_created$/m);
    expect(listed).toMatch(new RegExp(`^${keySid} +ci +standard `, 'm'));
    expect(listed).toMatch(new RegExp(`^${mainSid} +ops +main `, 'm'));
    for (const sid of [keySid, mainSid])
      expect((await runPatchbay(['keys', 'delete', sid as string], env)).stdout).toBe(`deleted ${sid}\n`);
    expect((await runPatchbay(['keys', 'list'], env)).stdout).toBe('(none)\n');
  }, 30_000);

  it('serve drains a live call on Ctrl-C, even when a SIGTERM follows, and exits 0', async () => {
    const data = await dataDirectory('patchbay-cli-drain-');
    const server = await servePatchbay(data);
    const created = await runPatchbay(
      [
        'calls',
        'create',
        '--to',
        '+15559990000',
        '--from',
        '+15550001111',
        '--twiml',
        '<Response><Pause length="2"/></Response>',
      ],
      server.env,
    );
    const sid = created.stdout.split(' ')[0] as string;
    while (!/^status: +in-progress$/m.test((await runPatchbay(['calls', 'get', sid], server.env)).stdout));
    // What a terminal's Ctrl-C and a supervisor's SIGTERM after it look like.
    server.child.kill('SIGINT');
    server.child.kill('SIGTERM');
    const [code] = await once(server.child, 'exit');
    expect(code).toBe(0);
    const again = await servePatchbay(data, {
      PATCHBAY_ACCOUNT_SID: server.env.PATCHBAY_ACCOUNT_SID as string,
      PATCHBAY_AUTH_TOKEN: server.env.PATCHBAY_AUTH_TOKEN as string,
    });
    const shown = await runPatchbay(['calls', 'get', sid], again.env);
    expect(shown.stdout).toMatch(/^status: +completed$/m);
    expect(shown.stdout).toMatch(/^duration: +2$/m);
  }, 30_000);
});
