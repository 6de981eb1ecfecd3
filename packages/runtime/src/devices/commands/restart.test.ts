/**
 * Commands survive a SIGKILL of the server mid-run: `patchbay serve` (a real process, SQLite in a
 * temp directory) is killed while an SDK device works through forty commands, and started again
 * on the same data and port. The device reconnects and attaches again; its results not yet
 * acknowledged are sent again; the commands not yet delivered are delivered. Every command ends
 * completed with the one result its single run gave: none lost, none run or recorded twice; and
 * each one's result webhook reaches the app (a real server on loopback), once per idempotency
 * token, including those whose outcome was recorded just before the kill.
 */
import { AccessToken, Device, Registration, VoiceGrant } from '@patchbay/sdk';
import { afterEach, expect, it } from 'vitest';
import { next } from '../../bridge/devices.test-support.js';
import { cleanUpProcesses, dataDirectory, type Served, servePatchbay } from '../../cli/processes.test-support.js';
import { startAppServer } from '../../testing/app-server.js';

afterEach(cleanUpProcesses);

const ACCOUNT = `AC${'7'.repeat(32)}`;
const TOKEN = 'e'.repeat(32);
const AUTH = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
const REGISTRATION_NUMBER = '+15550700999';
const ANN = '+15550700101';
const COMMANDS = 40;

async function call(served: Served, method: string, path: string, params?: Record<string, string>) {
  const response = await fetch(`${served.url}${path}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' },
    ...(params ? { body: new URLSearchParams(params) } : {}),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** Ann's phone registered by code (read from the text the server stored), and a device token. */
async function register(served: Served) {
  await call(served, 'POST', `/2010-04-01/Accounts/${ACCOUNT}/IncomingPhoneNumbers.json`, {
    PhoneNumber: REGISTRATION_NUMBER,
  });
  await call(served, 'POST', '/patchbay/v1/DeviceSettings', { RegistrationNumber: REGISTRATION_NUMBER });
  const key = await call(served, 'POST', `/2010-04-01/Accounts/${ACCOUNT}/Keys.json`, { FriendlyName: 'devices' });
  const token = new AccessToken(ACCOUNT, String(key.sid), String(key.secret), { identity: 'ann', ttl: 3600 })
    .addGrant(new VoiceGrant({ incomingAllow: true }))
    .toJwt();
  const pending = await new Registration({ server: served.url, token, deviceId: 'ann-phone' }).requestCode(ANN);
  const texts = await call(
    served,
    'GET',
    `/2010-04-01/Accounts/${ACCOUNT}/Messages.json?To=${encodeURIComponent(ANN)}`,
  );
  const code = /code is (\d{6})/.exec(String((texts.messages as { body: string }[])[0]?.body))?.[1] ?? '';
  return { token, registered: await pending.submit(code) };
}

it('loses no command and records no result twice across a SIGKILL', { timeout: 60_000 }, async () => {
  await using app = await startAppServer({ '/done': () => '' });
  const done = { ResultCallback: `${app.url}/done` };
  const data = await dataDirectory('patchbay-commands-');
  const env = { PATCHBAY_ACCOUNT_SID: ACCOUNT, PATCHBAY_AUTH_TOKEN: TOKEN };
  const first = await servePatchbay(data, env);
  const port = Number(new URL(first.url).port);
  const { token, registered } = await register(first);
  const device = new Device(token, { server: first.url, reconnectDelayMs: 50 });
  const commands = device.commands({ credential: registered.credential, retryMs: 50 });
  const runs = new Map<string, number>();
  commands.handle('step', async ({ n = '' }) => {
    runs.set(n, (runs.get(n) ?? 0) + 1);
    // Each takes a little while, so the kill lands with commands delivered, running and waiting.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { n };
  });
  await next(commands, 'attached');
  const path = `/patchbay/v1/Devices/${registered.sid}/Commands`;
  const posted: string[] = [];
  let ranBeforeKill = 0;
  for (let n = 1; n <= COMMANDS; n++) {
    posted.push(String((await call(first, 'POST', path, { Action: 'step', 'Params.n': String(n), ...done })).sid));
    if (n === 25) {
      // Mid-run: some results recorded, some on their way, the rest not delivered yet.
      ranBeforeKill = runs.size;
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      break;
    }
  }
  // Killed mid-run: commands were still to run (20 ms each) when it died.
  expect(ranBeforeKill).toBeLessThan(25);
  const second = await servePatchbay(data, env, port);
  for (let n = posted.length + 1; n <= COMMANDS; n++)
    posted.push(String((await call(second, 'POST', path, { Action: 'step', 'Params.n': String(n), ...done })).sid));

  let listed: { sid: string; sequence: number; status: string; result: { n: string } | null }[] = [];
  for (let i = 0; i < 400; i++) {
    listed = (await call(second, 'GET', `${path}?PageSize=100`)).commands as typeof listed;
    if (listed.length === COMMANDS && listed.every((command) => command.status === 'completed')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(listed.map((command) => command.sequence).sort((a, b) => a - b)).toEqual(
    Array.from({ length: COMMANDS }, (_, i) => i + 1),
  );
  for (const command of listed)
    expect(command).toMatchObject({ status: 'completed', result: { n: String(command.sequence) } });
  expect(new Set(listed.map((command) => command.sid))).toEqual(new Set(posted));
  // Each ran once on the device, and its one result is the one recorded.
  expect([...runs.values()].every((count) => count === 1)).toBe(true);
  expect(runs.size).toBe(COMMANDS);
  // Every command's result webhook arrived, each under its own token with the one result recorded
  // (durable callbacks are at least once: a repeat, if a kill fell after the app's answer, has the same token).
  const tokens = () => new Set(app.requestsTo('/done').map((r) => r.headers['i-twilio-idempotency-token']));
  await expect.poll(tokens, { timeout: 20_000 }).toEqual(new Set(posted.map((sid) => `${sid}:settled`)));
  for (const request of app.requestsTo('/done'))
    expect(request.params).toMatchObject({ Status: 'completed', 'Result.n': request.params.Sequence });
  await commands.settled();
  device.destroy();
  second.child.kill('SIGKILL');
});
