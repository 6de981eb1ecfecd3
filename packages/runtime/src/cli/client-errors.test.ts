/**
 * What a client command prints when the server is not there, is not Patchbay, or refuses: one
 * line with what went wrong and what to do, never a stack trace (unless --debug).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpProcesses, dataDirectory, runPatchbay, servePatchbay } from './processes.test-support.js';

afterEach(cleanUpProcesses);

const ACCOUNT = { PATCHBAY_ACCOUNT_SID: `AC${'1'.repeat(32)}`, PATCHBAY_AUTH_TOKEN: 'secret' };

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('patchbay client errors', () => {
  it('server not running: says so and asks whether patchbay serve runs, exit 1, no stack', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { code, stdout, stderr } = await runPatchbay(['calls', 'list'], { ...ACCOUNT, PATCHBAY_URL: url });
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toBe(
      `patchbay: cannot reach Patchbay at ${url} (connection refused): is \`patchbay serve\` running there? (the address is --server or PATCHBAY_URL)\n`,
    );
  });

  it('--debug (or PATCHBAY_DEBUG=1) adds the stack trace', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    for (const [args, env] of [
      [['calls', 'list', '--debug'], {}],
      [['calls', 'list'], { PATCHBAY_DEBUG: '1' }],
    ] as const) {
      const { code, stderr } = await runPatchbay(args, { ...ACCOUNT, PATCHBAY_URL: url, ...env });
      expect(code).toBe(1);
      expect(stderr).toMatch(/^patchbay: cannot reach Patchbay/);
      expect(stderr).toMatch(/\n {4}at /);
      expect(stderr).toContain('ECONNREFUSED');
    }
  });

  it('a URL without a scheme is a usage error naming where it came from', async () => {
    const flag = await runPatchbay(['calls', 'list', '--server', 'localhost:3000'], ACCOUNT);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe(
      'patchbay: --server: "localhost:3000" has no scheme: write it as http://localhost:3000 (invalid-value)\n',
    );
    const env = await runPatchbay(['calls', 'list'], { ...ACCOUNT, PATCHBAY_URL: '127.0.0.1:3000' });
    expect(env.code).toBe(2);
    expect(env.stderr).toBe(
      'patchbay: PATCHBAY_URL: "127.0.0.1:3000" has no scheme: write it as http://127.0.0.1:3000 (invalid-value)\n',
    );
  });

  it('missing credentials say where to put them', async () => {
    const { code, stderr } = await runPatchbay(['calls', 'list'], {});
    expect(code).toBe(2);
    expect(stderr).toBe(
      'patchbay: no account SID given (missing-credentials): pass --account AC... or set PATCHBAY_ACCOUNT_SID (`patchbay serve` prints it when it starts)\n',
    );
  });

  it('something that is not Patchbay: says so', async () => {
    const web = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'));
    web.listen(0, '127.0.0.1');
    await new Promise((resolve) => web.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
      const { code, stderr } = await runPatchbay(['calls', 'list'], { ...ACCOUNT, PATCHBAY_URL: url });
      expect(code).toBe(1);
      expect(stderr).toBe(
        `patchbay: ${url} answered, but not with the REST API's JSON (not-patchbay): is --server (or PATCHBAY_URL) a Patchbay server?\n`,
      );
    } finally {
      web.close();
    }
  });

  it('REST refusals print their message and code, exit 1', async () => {
    const server = await servePatchbay(await dataDirectory('patchbay-cli-errors-'));
    const wrong = await runPatchbay(['calls', 'list'], { ...server.env, PATCHBAY_AUTH_TOKEN: 'wrong' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(
      'patchbay: Authenticate (20003, HTTP 401): check the account SID and auth token (--account/--token, or PATCHBAY_ACCOUNT_SID/PATCHBAY_AUTH_TOKEN)\n',
    );
    const missing = await runPatchbay(['calls', 'get', `CA${'0'.repeat(32)}`], server.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `patchbay: The requested resource CA${'0'.repeat(32)} was not found (20404, HTTP 404)\n`,
    );
  });
});
