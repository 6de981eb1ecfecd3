/**
 * `patchbay simulate call|number|numbers` as real processes against a real `patchbay serve`.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppServer, type Route, startAppServer } from '../testing/app-server.js';
import {
  cleanUpProcesses,
  dataDirectory,
  runPatchbay,
  type Served,
  servePatchbay,
  spawnPatchbay,
} from './processes.test-support.js';

const LINE = '+15558890001';
const FAR = '+15558890200';

afterEach(cleanUpProcesses);

const apps: AppServer[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function setup(routes: Record<string, Route>): Promise<{ served: Served; app: AppServer }> {
  const app = await startAppServer(routes);
  apps.push(app);
  const served = await servePatchbay(await dataDirectory('patchbay-simulate-'));
  const created = await runPatchbay(
    ['numbers', 'create', '--number', LINE, '--voice-url', `${app.url}/voice`],
    served.env,
  );
  expect(created.code).toBe(0);
  return { served, app };
}

/** The status of the only inbound call, as `patchbay calls list` shows it. */
async function inboundStatus(served: Served): Promise<string | undefined> {
  const { stdout } = await runPatchbay(['calls', 'list', '--status', 'completed'], served.env);
  return / inbound .*(completed)/.exec(stdout)?.[1];
}

describe('patchbay simulate', () => {
  it("scripts a far end by number; the caller's script drives the app; lines print with their times", async () => {
    const { served, app } = await setup({
      '/voice': () => `<Response><Gather numDigits="1" action="/menu"><Say>Press 1 for sales</Say></Gather></Response>`,
      '/menu': () => `<Response><Dial action="/after" timeout="5">${FAR}</Dial></Response>`,
      '/after': (req) => `<Response><Say>Sales was ${req.params.DialCallStatus}</Say></Response>`,
    });
    const scripted = await runPatchbay(['simulate', 'number', FAR, '--on-call', 'busy', '--ring', '1'], served.env);
    expect(scripted.code).toBe(0);
    expect(scripted.stdout).toMatch(/^number: +\+15558890200$/m);
    expect(scripted.stdout).toMatch(/^on_call: +busy$/m);
    const listed = await runPatchbay(['simulate', 'numbers'], served.env);
    expect(listed.stdout.split('\n')[1]).toMatch(/^\+15558890200 +busy +1/);

    const call = await runPatchbay(['simulate', 'call', '--to', LINE, '--script', 'wait; press 1; wait'], served.env);
    expect(call.code).toBe(0);
    const lines = call.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CA[0-9a-f]{32} {2}\+15550100000 -> \+15558890001$/);
    expect(lines.slice(1, -1).map((line) => line.replace(/^ +[\d.]+ s {2}/, ''))).toEqual([
      'answered',
      'heard-speech "Press 1 for sales" (voice man, en-US)',
      'pressed 1',
      'heard-speech "Sales was busy" (voice man, en-US)',
      'disconnected',
    ]);
    expect(lines[2]).toMatch(/^ {3}0\.\d s {2}heard-speech/);
    expect(lines.at(-1)).toMatch(/^completed after \d+ s$/);
    expect(app.requestsTo('/after')[0]?.params.DialCallStatus).toBe('busy');

    const forgotten = await runPatchbay(['simulate', 'number', FAR, '--delete'], served.env);
    expect([forgotten.code, forgotten.stdout.trim()]).toEqual([0, `${FAR}  forgotten`]);
    expect((await runPatchbay(['simulate', 'numbers'], served.env)).stdout.trim()).toBe('(none)');
  }, 30_000);

  it('prints lines as they happen; Ctrl-C hangs the simulated caller up and exits 1', async () => {
    const { served } = await setup({
      '/voice': () => '<Response><Say>Please hold</Say><Pause length="60"/></Response>',
    });
    const child = spawnPatchbay(['simulate', 'call', '--to', LINE], served.env, 'pipe');
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream }))
      if (line.includes('heard-speech "Please hold"')) break;
    expect(child.exitCode).toBeNull();
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toContain('patchbay: stopped; the simulated caller hung up (interrupted)');
    await expect.poll(() => inboundStatus(served), { timeout: 5000 }).toBe('completed');
  }, 30_000);

  it('stops at --timeout, hanging up; exits 1 for a call that did not complete, and for a bad script step', async () => {
    let calls = 0;
    const { served } = await setup({
      '/voice': () =>
        ++calls === 1
          ? '<Response><Say>Hold</Say><Pause length="60"/></Response>'
          : '<Response><Reject reason="busy"/></Response>',
    });
    const timedOut = await runPatchbay(['simulate', 'call', '--to', LINE, '--timeout', '1'], served.env);
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr).toContain('the call did not end within 1 s; the simulated caller hung up (timed-out)');
    await expect.poll(() => inboundStatus(served), { timeout: 5000 }).toBe('completed');
    const busy = await runPatchbay(['simulate', 'call', '--to', LINE], served.env);
    expect(busy.code).toBe(1);
    expect(busy.stdout.trimEnd().split('\n').at(-1)).toBe('busy after 0 s');
    const bad = await runPatchbay(['simulate', 'call', '--to', LINE, '--script', 'wait; prss 1'], served.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Script: step 2 ("prss 1"): unknown step "prss"');
    const both = await runPatchbay(
      ['simulate', 'call', '--to', LINE, '--script', 'hangup', '--digits', '1'],
      served.env,
    );
    expect(both.code).toBe(2);
  }, 30_000);

  it("prints the app's errors and warnings where they happen, each with its code and URL once", async () => {
    const { served, app } = await setup({
      '/voice': () => '<Response><Say>Hi</Say><Sya>typo</Sya><Redirect>http://127.0.0.1:1/gone</Redirect></Response>',
    });
    const call = await runPatchbay(['simulate', 'call', '--to', LINE], served.env);
    const lines = call.stdout.trimEnd().split('\n');
    expect(lines.slice(1, -1).map((line) => line.replace(/^ +[\d.]+ s {2}/, ''))).toEqual([
      `warning 12200: unknown element <Sya>: skipped (kept in the parsed document as it is) (${app.url}/voice)`,
      'answered',
      'heard-speech "Hi" (voice man, en-US)',
      'error 11205: the connection failed (ECONNREFUSED): http://127.0.0.1:1/gone',
      'heard-speech "We are sorry, an application error has occurred. Goodbye." (voice alice, en-US)',
      'disconnected',
    ]);
  }, 30_000);
});
