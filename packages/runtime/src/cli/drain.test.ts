/**
 * Shutting down: while live calls finish, the server keeps its port and its data directory lock
 * and answers new requests 503 with Retry-After (its health says `draining`), so a quick restart
 * cannot overlap it; both are freed once the drain ends.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDirectory } from '../store/lock.js';
import { cleanUpProcesses, dataDirectory, runPatchbay } from './processes.test-support.js';
import { startServer } from './serve.js';

afterEach(cleanUpProcesses);

async function bindable(port: number): Promise<boolean> {
  const probe = createServer();
  probe.listen(port, '127.0.0.1');
  const [outcome] = await Promise.race([once(probe, 'listening').then(() => ['free']), once(probe, 'error')]);
  if (outcome === 'free') await new Promise((resolve) => probe.close(resolve));
  return outcome === 'free';
}

describe('a server shutting down', () => {
  it('keeps its port and lock during the drain, answering 503 with Retry-After, then frees both', async () => {
    const data = await dataDirectory('patchbay-drain-');
    const server = await startServer({ port: 0, data, drainMs: 30_000 });
    const port = Number(new URL(server.url).port);
    const auth = `Basic ${Buffer.from(`${server.account.sid}:${server.account.authToken}`).toString('base64')}`;
    const calls = `${server.url}/2010-04-01/Accounts/${server.account.sid}/Calls.json`;
    const created = await fetch(calls, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        To: '+15550700001',
        From: '+15550700000',
        Twiml: '<Response><Pause length="60"/></Response>',
      }),
    });
    expect(created.status).toBe(201);
    const { sid } = (await created.json()) as { sid: string };
    await new Promise<void>((resolve) => {
      if (server.runtime.calls.get(sid)?.status === 'in-progress') return resolve();
      const onStatus = (call: { sid: string; status: string }) => {
        if (call.sid !== sid || call.status !== 'in-progress') return;
        server.runtime.events.off('call.status', onStatus);
        resolve();
      };
      server.runtime.events.on('call.status', onStatus);
    });

    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    const refused = await fetch(calls, { headers: { authorization: auth } });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ code: 20503, status: 503 });
    const listed = await runPatchbay(['calls', 'list'], {
      PATCHBAY_URL: server.url,
      PATCHBAY_ACCOUNT_SID: server.account.sid,
      PATCHBAY_AUTH_TOKEN: server.account.authToken,
    });
    expect([listed.code, listed.stderr]).toEqual([
      1,
      'patchbay: the server is shutting down (20503, HTTP 503): try again in a few seconds; if it lasts, see GET /health and the server log (stopping, or unable to write)\n',
    ]);
    const health = await fetch(`${server.url}/health`);
    expect([health.status, await health.json()]).toEqual([503, { status: 'draining' }]);
    expect(await bindable(port)).toBe(false);
    expect(() => lockDataDirectory(data)).toThrow(expect.objectContaining({ code: 'data-locked' }));
    expect(closed).toBe(false);

    // The live call ends: the drain is over, the port and the lock are free.
    await server.runtime.calls.update(sid, { status: 'completed' });
    await closing;
    expect(await bindable(port)).toBe(true);
    lockDataDirectory(data).release();
  });
});
