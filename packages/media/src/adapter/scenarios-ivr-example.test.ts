/**
 * The quick start's app (examples/ivr, written only with the official helper library) unchanged,
 * over real SIP: it is started as its README says for an external Patchbay (`--server`), a phone
 * let in by `--sip-allow` calls the support line, hears the menu, presses 1, and is connected to
 * sales: a second phone reached through the server's SIP trunk. Each hears the other.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { hearsTone } from '../testing/audio-analysis.js';
import { freePort } from '../testing/processes.js';
import {
  eventually,
  hearsSpeech,
  nextHeard,
  phone,
  SUPPORT_LINE,
  sipServer,
  useCleanup,
} from './scenarios.test-support.js';

const cleanup = useCleanup();
const EXAMPLE = join(import.meta.dirname, '../../../../examples/ivr');
const SALES = '+15550100200';

/** Starts the example against `url`, resolved once it has pointed the support line at its app. */
async function startExample(url: string, account: { sid: string; authToken: string }): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/start.ts', '--server', url], {
    cwd: EXAMPLE,
    env: { ...process.env, PATCHBAY_ACCOUNT_SID: account.sid, PATCHBAY_AUTH_TOKEN: account.authToken },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanup(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    if (line.startsWith(`${SUPPORT_LINE} runs `)) break;
  }
  child.stdout?.resume();
  return child;
}

describe('examples/ivr over SIP', () => {
  it('a phone calls the support line, hears the menu, presses 1 and talks to sales through the trunk', async () => {
    const salesPort = await freePort('127.0.0.52');
    const { server, rest, sipPort } = await sipServer(cleanup, {
      rtpPorts: { min: 45000, max: 45198 },
      allow: [{ address: '127.0.0.51', prefix: 32 }],
      trunks: [{ name: 'carrier', uri: `sip:127.0.0.52:${salesPort}` }],
    });
    await startExample(server.url, server.account);
    const caller = await phone(cleanup, { address: '127.0.0.51', tone: 600 });
    // Sales answers calls to its number at the carrier (baresip refuses other users with 404).
    const sales = await phone(cleanup, {
      address: '127.0.0.52',
      sipPort: salesPort,
      tone: 900,
      account: { user: SALES, domain: `127.0.0.52:${salesPort}`, register: false },
    });

    await caller.dial(`sip:${SUPPORT_LINE}@127.0.0.1:${sipPort}`);
    await caller.waitFor('established', 10_000);
    // The menu is spoken; a person presses 1 once they have heard some of it.
    await hearsSpeech(caller, 500);
    await caller.sendDigits('1');

    await sales.waitFor('incoming', 15_000);
    await sales.accept();
    await sales.waitFor('established');
    const callerHears = await nextHeard(caller, 1000);
    const salesHears = await nextHeard(sales, 1000);
    expect(hearsTone(callerHears, 900)).toBe(true);
    expect(hearsTone(salesHears, 600)).toBe(true);

    await sales.hangup();
    // The app's /after-dial thanks the caller, then the call ends.
    await hearsSpeech(caller, 300);
    await caller.waitFor('closed', 15_000);
    const calls = await eventually('both calls completed', async () => {
      const { calls } = (await rest.get('Calls.json')) as { calls: Array<Record<string, unknown>> };
      return calls.length === 2 && calls.every((call) => call.status === 'completed') ? calls : undefined;
    });
    expect(calls.map((call) => [call.direction, call.to])).toEqual(
      expect.arrayContaining([
        ['inbound', SUPPORT_LINE],
        ['outbound-dial', SALES],
      ]),
    );
  });
});
