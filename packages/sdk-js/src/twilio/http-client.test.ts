import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { patchbayHttpClient } from './http-client.js';
import { PatchbayUrlError } from './target.js';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const TOKEN = 'secret-token';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A loopback server that records each request and answers with `reply`. */
async function recorder(reply: (seen: Seen) => { status: number; body?: unknown }) {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    seen.push(request);
    const answer = reply(request);
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': 'application/json', 'x-request-id': 'RQ1' }).end(text);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const call = (sid: string) => ({ sid, account_sid: ACCOUNT, status: 'queued', to: '+15550100', from: '+15550199' });

describe('patchbayHttpClient with the official helper', () => {
  it('sends the helper requests to the server: auth, repeated form keys, query, and the region/edge hosts', async () => {
    const server = await recorder((request) =>
      request.method === 'POST'
        ? { status: 201, body: call(`CA${'1'.repeat(32)}`) }
        : { status: 200, body: { calls: [call(`CA${'2'.repeat(32)}`)], next_page_uri: null, page: 0, page_size: 2 } },
    );
    const client = twilio(ACCOUNT, TOKEN, {
      region: 'au1',
      edge: 'sydney',
      httpClient: patchbayHttpClient(server.url),
    });
    const created = await client.calls.create({
      to: '+15550100',
      from: '+15550199',
      url: 'https://app.example.com/voice',
      statusCallbackEvent: ['initiated', 'completed'],
    });
    expect(created.sid).toBe(`CA${'1'.repeat(32)}`);
    const listed = await client.calls.list({ status: 'completed', limit: 2 });
    expect(listed.map((c) => c.sid)).toEqual([`CA${'2'.repeat(32)}`]);

    const [post, get] = server.seen;
    expect(post?.method).toBe('POST');
    expect(post?.url).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Calls.json`);
    expect(post?.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`);
    expect(post?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(post?.body);
    expect(Object.fromEntries(form)).toMatchObject({ To: '+15550100', From: '+15550199' });
    expect(form.get('Url')).toBe('https://app.example.com/voice');
    expect(form.getAll('StatusCallbackEvent')).toEqual(['initiated', 'completed']);
    expect(get?.method).toBe('GET');
    expect(get?.url).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Calls.json?Status=completed&PageSize=2`);
  });

  it("turns the server's errors into the helper's RestException with the server's code", async () => {
    const server = await recorder(() => ({
      status: 404,
      body: { code: 20404, message: 'The requested resource was not found', more_info: 'x', status: 404 },
    }));
    const client = twilio(ACCOUNT, TOKEN, { httpClient: patchbayHttpClient(server.url) });
    const error = await client
      .calls(`CA${'3'.repeat(32)}`)
      .fetch()
      .then(
        () => undefined,
        (reason: unknown) => reason as { status: number; code: number; message: string },
      );
    expect(error).toMatchObject({ status: 404, code: 20404, message: 'The requested resource was not found' });
  });

  it('refuses hosts the server does not serve, and keeps the last request and response', async () => {
    const server = await recorder(() => ({ status: 204 }));
    const client = twilio(ACCOUNT, TOKEN, { httpClient: patchbayHttpClient(server.url) });
    expect(await client.calls(`CA${'4'.repeat(32)}`).remove()).toBe(true);
    expect(client.httpClient.lastResponse?.statusCode).toBe(204);
    expect(client.httpClient.lastRequest).toMatchObject({ method: 'DELETE' });
    const refused = await client.voice.v1.dialingPermissions.countries.list().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PatchbayUrlError);
    expect(server.seen).toHaveLength(1);
  });

  it('rejects a server URL that is not http(s) at once', () => {
    expect(() => patchbayHttpClient('ws://127.0.0.1:1')).toThrow(PatchbayUrlError);
  });
});
