/**
 * REST input edge cases that used to answer 500 or worse: page numbers no store can use, malformed
 * percent-escapes and request targets, and clients that hang up mid-body.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite.js';
import { type ApiHarnessOptions, harnessPerTest, WatchedStore } from './harness.test-support.js';

const start = harnessPerTest();
const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

async function setup(options: ApiHarnessOptions = {}) {
  const harness = await start(options);
  const auth = `Basic ${Buffer.from(`${harness.account.sid}:${harness.account.authToken}`).toString('base64')}`;
  const get = async (path: string) => {
    const response = await fetch(`${harness.base}/2010-04-01/Accounts/${harness.account.sid}/${path}`, {
      headers: { authorization: auth },
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  return { harness, auth, get };
}

/** Sends raw bytes and resolves with the status line of the answer. */
function raw(base: string, text: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    socket.once('data', (data) => {
      resolve(String(data).split('\r\n')[0] ?? '');
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('REST input edge cases', () => {
  it('refuses page numbers that are not plain whole numbers in range (400, 20006), on a SQLite store', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'patchbay-paging-'));
    directories.push(directory);
    const store = await SqliteStore.open(directory);
    const { get } = await setup({ store });
    for (const query of ['Page=1e300', 'Page=1.5', 'Page=-1', 'Page=0x10', 'Page=', 'PageSize=1e3', 'PageSize=1001'])
      expect([query, await get(`Calls.json?${query}`)]).toEqual([
        query,
        { status: 400, json: expect.objectContaining({ code: 20006 }) },
      ]);
    expect(await get('Calls.json?Page=999999999&PageSize=1000')).toMatchObject({ status: 200, json: { calls: [] } });
    await store.close();
  });

  it('answers a malformed percent-escape or request target with 400, and keeps serving', async () => {
    const { harness, auth, get } = await setup();
    expect(await get('Clients/%E0%A4%A.json')).toMatchObject({ status: 400, json: { code: 21200 } });
    expect(await raw(harness.base, 'GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(await raw(harness.base, `GET http://[ HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\n\r\n`)).toBe(
      'HTTP/1.1 400 Bad Request',
    );
    expect((await get('Calls.json')).status).toBe(200);
  });

  it('does not report a client that hangs up mid-body as a server error', async () => {
    const errors: unknown[] = [];
    const logged: number[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const store = new WatchedStore();
    const { harness, auth } = await setup({
      store,
      api: {
        onError: (error) => errors.push(error),
        onRequest: (entry) => {
          logged.push(entry.status);
          done();
        },
      },
    });
    const req = request(`${harness.base}/2010-04-01/Accounts/${harness.account.sid}/Applications.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', 'content-length': '100' },
    });
    req.on('error', () => undefined);
    const authenticated = store.read(harness.account.sid);
    req.write('FriendlyName=half');
    // Once the server is reading the body, the client goes away.
    await authenticated;
    req.destroy();
    await finished;
    expect(logged).toEqual([499]);
    expect(errors).toEqual([]);
  });
});
