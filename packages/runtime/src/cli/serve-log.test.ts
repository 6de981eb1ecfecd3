import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FAST, officialClient } from '../api/harness.test-support.js';
import { startAppServer } from '../testing/app-server.js';
import { cleanUpProcesses, dataDirectory } from './processes.test-support.js';
import { type RunningServer, startServer } from './serve.js';

afterEach(cleanUpProcesses);

/** `patchbay serve`'s logger, writing its JSON lines to `lines`. */
function capturedLogger(lines: Array<Record<string, unknown>>) {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return pino({ level: 'warn' }, sink);
}

describe('the server log', () => {
  it("names the call, the code and the URL of a document's warning (<Sayy>) and of an error", async () => {
    const lines: Array<Record<string, unknown>> = [];
    await using app = await startAppServer({
      '/sayy': () => '<Response><Sayy>Hello</Sayy></Response>',
      '/broken': () => ({ status: 404 }),
    });
    const server: RunningServer = await startServer({
      port: 0,
      data: await dataDirectory('patchbay-serve-log-'),
      timing: FAST,
      logger: capturedLogger(lines),
    });
    try {
      server.network?.addNumber('+15550009001', { ringMs: 5 });
      const client = officialClient(server.url, server.account.sid, server.account.authToken);
      const warned = await client.calls.create({ to: '+15550009001', from: '+15550009000', url: `${app.url}/sayy` });
      const failed = await client.calls.create({ to: '+15550009001', from: '+15550009000', url: `${app.url}/broken` });
      await server.runtime.calls.ended(warned.sid);
      await server.runtime.calls.ended(failed.sid);
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 40,
          call: warned.sid,
          code: 12200,
          url: `${app.url}/sayy`,
          msg: expect.stringContaining('<Sayy>'),
        }),
      );
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 50, call: failed.sid, code: 11200, url: `${app.url}/broken` }),
      );
    } finally {
      await server.close();
    }
  });
});
