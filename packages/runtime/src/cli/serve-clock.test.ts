/**
 * A server on an injected clock (`startServer({ clock })`): the runtime's timers and the
 * simulated network's run on it, so a program embedding the server (an example's tests) can run
 * a call that rings for ten minutes without waiting ten minutes.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual.js';
import { dataDirectory } from './processes.test-support.js';
import { startServer } from './serve.js';

describe('a server on an injected clock', () => {
  it('rings out a ten-minute ring on that clock, and dates the call by it', async () => {
    const clock = new VirtualClock(Date.parse('2030-01-01T00:00:00Z'));
    const server = await startServer({ port: 0, data: await dataDirectory('patchbay-clock-'), clock });
    try {
      server.network?.addNumber('+15550700001', { onCall: 'no-answer' });
      const auth = `Basic ${Buffer.from(`${server.account.sid}:${server.account.authToken}`).toString('base64')}`;
      const created = await fetch(`${server.url}/2010-04-01/Accounts/${server.account.sid}/Calls.json`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: '+15550700001', From: '+15550700000', Timeout: '600', Twiml: '<Response/>' }),
      });
      expect(created.status).toBe(201);
      const { sid } = (await created.json()) as { sid: string };
      await server.runtime.calls.ended(sid);
      const call = server.runtime.calls.get(sid);
      expect(call?.status).toBe('no-answer');
      expect(call?.createdAt).toBe(Date.parse('2030-01-01T00:00:00Z'));
      expect(call?.updatedAt).toBeGreaterThanOrEqual(Date.parse('2030-01-01T00:10:00Z'));
    } finally {
      await server.close();
    }
  });
});
