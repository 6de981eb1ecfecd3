import { createServer } from 'node:net';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { startAppServer } from '../testing/app-server.js';
import { CookieJar } from './cookies.js';
import { parseOverrides, sendWebhook } from './fetch.js';

const TOKEN = 'test-auth-token';
const base = {
  authToken: TOKEN,
  clock: systemClock,
  params: { CallSid: 'CA1', From: '+15550001111', To: '+15550002222' },
} as const;

describe('sendWebhook', () => {
  it('POSTs form parameters signed so the helper library validates them', async () => {
    await using app = await startAppServer({ '/voice': () => '<Response/>' });
    const url = `${app.url}/voice?tenant=7`;
    const result = await sendWebhook({ ...base, url, method: 'POST' });
    expect(result).toMatchObject({ ok: true, status: 200, contentType: 'text/xml', body: '<Response/>' });
    const [request] = app.requests;
    expect(request?.params).toEqual(base.params);
    expect(
      twilio.validateRequest(TOKEN, String(request?.headers['x-twilio-signature']), url, request?.params ?? {}),
    ).toBe(true);
  });

  it('GETs with the parameters in the query, signed over the full URL', async () => {
    await using app = await startAppServer({ '/voice': () => '<Response/>' });
    await sendWebhook({ ...base, url: `${app.url}/voice?x=1`, method: 'GET' });
    const [request] = app.requests;
    expect(request?.params).toMatchObject({ x: '1', CallSid: 'CA1' });
    expect(twilio.validateRequest(TOKEN, String(request?.headers['x-twilio-signature']), request?.url ?? '', {})).toBe(
      true,
    );
  });

  it('reads timeouts and retries from the fragment, and never sends it', () => {
    expect(parseOverrides(new URL('http://a/x#ct=200&rt=300&tt=400&rc=3'))).toEqual({
      connectMs: 200,
      readMs: 300,
      totalMs: 400,
      retries: 3,
    });
    expect(parseOverrides(new URL('http://a/x#ct=5&rt=99999&rc=9&tt=abc'))).toEqual({
      connectMs: 5000,
      readMs: 15000,
      totalMs: 15000,
      retries: 1,
    });
  });

  it('retries once after a 5xx by default, not after a 4xx, and reports 11200', async () => {
    await using app = await startAppServer({ '/err': () => ({ status: 503 }), '/missing': () => ({ status: 404 }) });
    const failed = await sendWebhook({ ...base, url: `${app.url}/err`, method: 'POST' });
    expect(failed).toMatchObject({ ok: false, error: { code: 'http-retrieval-failure', numericCode: 11200 } });
    expect(app.requestsTo('/err')).toHaveLength(2);
    await sendWebhook({ ...base, url: `${app.url}/missing`, method: 'POST' });
    expect(app.requestsTo('/missing')).toHaveLength(1);
    await sendWebhook({ ...base, url: `${app.url}/err#rc=3`, method: 'POST' });
    expect(app.requestsTo('/err')).toHaveLength(6);
    expect(app.requests.every((r) => !r.url.includes('#'))).toBe(true);
  });

  it('times out a slow server after the total timeout of the fragment', async () => {
    await using app = await startAppServer({ '/slow': () => ({ delayMs: 2000, body: '<Response/>' }) });
    const result = await sendWebhook({ ...base, url: `${app.url}/slow#tt=150&rc=0`, method: 'POST' });
    expect(result).toMatchObject({ ok: false, error: { numericCode: 11200 } });
    expect(result.ok || result.error.message).toContain('total timeout');
  });

  it('reports a refused connection as 11205', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const result = await sendWebhook({ ...base, url: `http://127.0.0.1:${port}/x#rc=0`, method: 'POST' });
    expect(result).toMatchObject({ ok: false, error: { code: 'connection-failure', numericCode: 11205 } });
  });

  it('follows redirects, re-signing each hop; 303 continues as GET; too many is 11215', async () => {
    await using app = await startAppServer({
      '/a': () => ({ status: 301, headers: { location: '/b' } }),
      '/b': () => ({ status: 307, headers: { location: '/c' } }),
      '/c': () => ({ status: 303, headers: { location: '/d' } }),
      '/d': () => '<Response><Hangup/></Response>',
      '/loop': () => ({ status: 307, headers: { location: '/loop' } }),
    });
    const result = await sendWebhook({ ...base, url: `${app.url}/a`, method: 'POST' });
    expect(result).toMatchObject({ ok: true, body: '<Response><Hangup/></Response>' });
    expect(app.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /a', 'GET /b', 'GET /c', 'GET /d']);
    for (const request of app.requests.slice(1)) {
      expect(twilio.validateRequest(TOKEN, String(request.headers['x-twilio-signature']), request.url, {})).toBe(true);
    }
    const loop = await sendWebhook({ ...base, url: `${app.url}/loop`, method: 'POST' });
    expect(loop).toMatchObject({ ok: false, error: { numericCode: 11215 } });
  });

  it('keeps cookies for the call', async () => {
    await using app = await startAppServer({
      '/login': () => ({
        headers: { 'set-cookie': ['session=abc; Path=/; HttpOnly', 'lang=en'], 'content-type': 'text/xml' },
        body: '<Response/>',
      }),
      '/next': () => '<Response/>',
    });
    const cookies = new CookieJar();
    await sendWebhook({ ...base, cookies, url: `${app.url}/login`, method: 'POST' });
    await sendWebhook({ ...base, cookies, url: `${app.url}/next`, method: 'POST' });
    expect(app.requestsTo('/next')[0]?.headers.cookie).toBe('session=abc; lang=en');
  });

  it('refuses bodies over 64 KiB with 11750 and reports the content type it got', async () => {
    await using app = await startAppServer({
      '/big': () => `<Response><Say>${'a'.repeat(70000)}</Say></Response>`,
      '/mp3': () => ({ headers: { 'content-type': 'audio/mpeg; charset=binary' }, body: 'ID3' }),
    });
    expect(await sendWebhook({ ...base, url: `${app.url}/big`, method: 'POST' })).toMatchObject({
      ok: false,
      error: { numericCode: 11750 },
    });
    expect(await sendWebhook({ ...base, url: `${app.url}/mp3`, method: 'POST' })).toMatchObject({
      ok: true,
      contentType: 'audio/mpeg',
    });
  });

  it('rejects URLs that are not absolute http(s) with 11100', async () => {
    expect(await sendWebhook({ ...base, url: '/relative', method: 'POST' })).toMatchObject({
      ok: false,
      error: { numericCode: 11100 },
    });
    expect(await sendWebhook({ ...base, url: 'ftp://x/y', method: 'POST' })).toMatchObject({
      ok: false,
      error: { numericCode: 11100 },
    });
  });

  it('stops when the call ends mid-request, without retrying', async () => {
    await using app = await startAppServer({ '/slow': () => ({ delayMs: 1000, body: '<Response/>' }) });
    const controller = new AbortController();
    const pending = sendWebhook({ ...base, signal: controller.signal, url: `${app.url}/slow`, method: 'POST' });
    setTimeout(() => controller.abort(new Error('hung up')), 50);
    expect(await pending).toMatchObject({ ok: false });
    expect(app.requestsTo('/slow')).toHaveLength(1);
  });
});
