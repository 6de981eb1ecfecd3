/**
 * Client commands against a real `patchbay serve` process: what each prints and its exit code.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
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
});
