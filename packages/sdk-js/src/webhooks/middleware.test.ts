import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { webhook } from './middleware.js';
import { getExpectedSignature, signJsonBody } from './signature.js';

const TOKEN = 'the-auth-token';
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function serve(guard: ReturnType<typeof webhook>, before?: (req: IncomingMessage & { body?: unknown }) => void) {
  const seen: unknown[] = [];
  const server = createServer((req, res) => {
    before?.(req);
    guard(req, res, () => {
      seen.push((req as { body?: unknown }).body);
      res.end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('webhook middleware', () => {
  it('passes signed form posts (signed as the helper library signs them) and refuses the rest', async () => {
    const { url, seen } = await serve(webhook({ authToken: TOKEN }));
    const params = { CallSid: 'CA1', From: '+15550100', Digits: '1234' };
    const target = `${url}/voice?x=1`;
    const post = (signature: string, body = new URLSearchParams(params).toString()) =>
      fetch(target, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      });
    const signature = twilio.getExpectedTwilioSignature(TOKEN, target, params);
    const ok = await post(signature);
    expect([ok.status, await ok.text()]).toEqual([200, 'ok']);
    expect(seen).toEqual([params]);
    expect((await post('AAAA')).status).toBe(403);
    expect((await post(signature, new URLSearchParams({ ...params, Digits: '9' }).toString())).status).toBe(403);
    expect((await fetch(target, { method: 'POST', body: 'a=b' })).status).toBe(403);
    expect(seen).toHaveLength(1);
  });

  it('accepts either token during a rotation, JSON bodies by their hash, GETs by URL, and a body parser that ran first', async () => {
    const rotated = await serve(webhook({ authToken: ['old-token', TOKEN] }));
    const target = `${rotated.url}/status?CallSid=CA2`;
    const get = await fetch(target, { headers: { 'x-twilio-signature': getExpectedSignature(TOKEN, target) } });
    expect(get.status).toBe(200);
    const body = JSON.stringify({ event: 'x' });
    const signed = signJsonBody(TOKEN, `${rotated.url}/json`, body);
    const json = await fetch(signed.url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-twilio-signature': signed.signature },
    });
    expect(json.status).toBe(200);
    const tampered = await fetch(signed.url, {
      method: 'POST',
      body: JSON.stringify({ event: 'y' }),
      headers: { 'content-type': 'application/json', 'x-twilio-signature': signed.signature },
    });
    expect(tampered.status).toBe(403);

    const params = { CallSid: 'CA3' };
    const parsed = await serve(webhook({ authToken: TOKEN }), (req) => {
      req.body = params;
      req.resume();
    });
    const signature = getExpectedSignature(TOKEN, `${parsed.url}/voice`, params);
    const response = await fetch(`${parsed.url}/voice`, {
      method: 'POST',
      body: 'ignored=1',
      headers: { 'x-twilio-signature': signature },
    });
    expect(response.status).toBe(200);
  });

  it('checks the public URL behind a proxy, with or without the default port, and bounds the body', async () => {
    const { url } = await serve(webhook({ authToken: TOKEN, trustProxy: true, maxBodyBytes: 1024 }));
    const params = { CallSid: 'CA4' };
    const signedFor = (publicUrl: string) => getExpectedSignature(TOKEN, publicUrl, params);
    const viaProxy = (signature: string, body = 'CallSid=CA4') =>
      fetch(`${url}/voice`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'app.example.com',
          'x-twilio-signature': signature,
        },
      });
    expect((await viaProxy(signedFor('https://app.example.com/voice'))).status).toBe(200);
    expect((await viaProxy(signedFor('https://app.example.com:443/voice'))).status).toBe(200);
    expect((await viaProxy(signedFor('http://app.example.com/voice'))).status).toBe(403);
    expect((await viaProxy(signedFor('https://app.example.com/voice'), `CallSid=${'x'.repeat(2000)}`)).status).toBe(
      413,
    );
  });
});
