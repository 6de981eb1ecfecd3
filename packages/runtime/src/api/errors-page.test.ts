import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedNetwork } from '../adapters/simulated/network.js';
import { errorReference } from '../error-codes/index.js';
import { createRuntime } from '../runtime.js';
import { MemoryStore } from '../store/memory.js';
import { harnessPerTest, rejected } from './harness.test-support.js';
import { bootstrapAccount, createApi } from './server.js';

const closing: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

const harness = harnessPerTest();

describe('the error reference page', () => {
  it('is served without credentials, with an entry for every code', async () => {
    const { base } = await harness();
    const response = await fetch(`${base}/docs/errors`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page).toContain('<title>Error reference · Patchbay</title>');
    for (const { code } of errorReference()) expect(page).toContain(`<tr id="${code}">`);
    expect((await fetch(`${base}/docs/errors`, { method: 'HEAD' })).status).toBe(200);
  });

  it("is where an error's more_info leads, through the official helper too", async () => {
    const { base, client, account } = await harness();
    const error = await rejected(client.calls(`CA${'0'.repeat(32)}`).fetch());
    expect(error.code).toBe(20404);
    expect(error.moreInfo).toBe(`${base}/docs/errors#20404`);
    const unauthenticated = await fetch(`${base}/2010-04-01/Accounts/${account.sid}/Calls.json`);
    const body = (await unauthenticated.json()) as { code: number; more_info: string };
    expect(body).toMatchObject({ code: 20003, more_info: `${base}/docs/errors#20003` });
    const [page, anchor] = body.more_info.split('#');
    expect(await (await fetch(page as string)).text()).toContain(`<tr id="${anchor}">`);
  });

  it('names the public URL when the server is given one', async () => {
    const store = new MemoryStore();
    const { account } = await bootstrapAccount(store, { now: Date.now() });
    const network = new SimulatedNetwork();
    const runtime = createRuntime({ media: network, accountSid: account.sid, authToken: account.authToken });
    const api = createApi({ runtime, store, publicUrl: 'https://voice.example.com/' });
    const server = createServer(api.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closing.push(async () => {
      api.close();
      await runtime.close();
      await network.close();
      await new Promise((resolve) => server.close(resolve));
    });
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/2010-04-01/Accounts.json`);
    expect(await response.json()).toMatchObject({
      code: 20003,
      more_info: 'https://voice.example.com/docs/errors#20003',
    });
  });
});
