/**
 * `patchbay serve --bus`: real server processes on a real redis-server. A node SIGKILLed in the
 * middle of a call is taken over by a survivor (its call ended with the final status callback,
 * once); a node that loses Redis refuses work until Redis is back; a node that cannot reach
 * Redis does not start, and says why.
 */
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanUpProcesses, dataDirectory, runPatchbay, servePatchbay } from '../cli/processes.test-support.js';
import { type RecordedRequest, startAppServer } from '../testing/app-server.js';
import { freePort } from './nginx.test-support.js';
import { startRedis, type TestRedis } from './redis.test-support.js';

const ACCOUNT = `AC${'9'.repeat(32)}`;
const TOKEN = 'd'.repeat(32);
const AUTH = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
const ENV = { PATCHBAY_ACCOUNT_SID: ACCOUNT, PATCHBAY_AUTH_TOKEN: TOKEN };

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.close());
afterEach(cleanUpProcesses);

const node = (data: string, nodeId: string, level = 'warn') =>
  servePatchbay(data, ENV, {
    args: ['--bus', redis.url, '--node-id', nodeId, '--bus-lease-seconds', '1', '--log-level', level],
  });

async function request(base: string, resource: string, params?: Record<string, string>) {
  const response = await fetch(`${base}/2010-04-01/Accounts/${ACCOUNT}/${resource}`, {
    method: params ? 'POST' : 'GET',
    headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' },
    ...(params ? { body: new URLSearchParams(params) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('patchbay serve --bus', () => {
  it('a survivor takes over a SIGKILLed node: its call ends completed, with its final callback once', async () => {
    const data = await dataDirectory('patchbay-cluster-');
    const finals: RecordedRequest[] = [];
    await using app = await startAppServer({
      '/status': (req) => {
        finals.push(req);
        return '';
      },
    });
    const first = await node(data, 'node-a');
    const created = await request(first.url, 'Calls.json', {
      To: '+15550708000',
      From: '+15550700000',
      Twiml: '<Response><Pause length="600"/></Response>',
      StatusCallback: `${app.url}/status`,
      StatusCallbackEvent: 'completed',
    });
    expect(created.status).toBe(201);
    const sid = String(created.body.sid);
    await expect
      .poll(async () => (await request(first.url, `Calls/${sid}.json`)).body.status, { timeout: 10_000 })
      .toBe('in-progress');
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    // Another node on the same store (this directory, now free) and the same Redis. It does not
    // close node-a's records at its own start: only once the bus names it node-a's survivor.
    const survivor = await node(data, 'node-b', 'debug');
    await survivor.line((line) => line.includes('took over a dead node'));
    await expect.poll(() => finals.length, { timeout: 10_000 }).toBe(1);
    expect(finals[0]?.params).toMatchObject({ CallSid: sid, CallStatus: 'completed' });
    const ended = await request(survivor.url, `Calls/${sid}.json`);
    expect(ended.body.status).toBe('completed');
    // Once: the survivor's outbox holds nothing more for the call.
    await survivor.line((line) => line.includes('outbox empty'));
    expect(finals).toHaveLength(1);
    const health = await fetch(`${survivor.url}/health`);
    expect(health.status).toBe(200);
  }, 60_000);

  it('stops taking work while Redis is gone (503 partitioned, 91300) and takes it again when Redis is back', async () => {
    const data = await dataDirectory('patchbay-cluster-');
    const server = await node(data, 'node-p');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    redis.pause();
    try {
      await expect.poll(async () => (await fetch(`${server.url}/health`)).status, { timeout: 10_000 }).toBe(503);
      const health = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'partitioned', code: 'partitioned' });
      const refused = await request(server.url, 'Calls.json', {
        To: '+15550708000',
        From: '+15550700000',
        Twiml: '<Response><Hangup/></Response>',
      });
      expect(refused).toMatchObject({ status: 503, body: { code: 91300, status: 503 } });
    } finally {
      redis.resume();
    }
    await expect.poll(async () => (await fetch(`${server.url}/health`)).status, { timeout: 10_000 }).toBe(200);
    const accepted = await request(server.url, 'Calls.json', {
      To: '+15550708000',
      From: '+15550700000',
      Twiml: '<Response><Hangup/></Response>',
    });
    expect(accepted.status).toBe(201);
  }, 60_000);

  it('does not start a node under the id of a live node, and says why; the holder goes on', async () => {
    const holder = await node(await dataDirectory('patchbay-cluster-'), 'node-same');
    const second = await runPatchbay(
      [
        'serve',
        '--port',
        '0',
        '--data',
        await dataDirectory('patchbay-cluster-'),
        '--bus',
        redis.url,
        '--node-id',
        'node-same',
        '--bus-lease-seconds',
        '1',
      ],
      ENV,
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      /^patchbay: Node id "node-same" is in use by a live node of this cluster .* \(node-id-taken\): give this node its own --node-id/,
    );
    expect((await fetch(`${holder.url}/health`)).status).toBe(200);
  }, 60_000);

  it('does not start when Redis cannot be reached, and says why', async () => {
    const data = await dataDirectory('patchbay-cluster-');
    const port = await freePort();
    const unreachable = await runPatchbay(
      ['serve', '--port', '0', '--data', data, '--bus', `redis://127.0.0.1:${port}`],
      ENV,
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`cannot reach the bus at redis://127.0.0.1:${port}`);
    expect(unreachable.stderr).toContain('(bus-unreachable)');
    const wrong = await runPatchbay(['serve', '--port', '0', '--data', data, '--bus', 'http://127.0.0.1:1'], ENV);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('is not a Redis URL');
  }, 60_000);
});
