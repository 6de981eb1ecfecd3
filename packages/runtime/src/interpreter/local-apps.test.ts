/**
 * The in-process app seam: a document at a reserved `.invalid` origin is answered by the mounted
 * app (never fetched), parsed and run as any other, and recorded in the call's Events; an app
 * that fails fails the request as an unreachable server would (11200, then the fallback).
 */
import { describe, expect, it } from 'vitest';
import { scenario } from '../testing/scenario.js';
import { LocalApps } from './local-apps.js';
import type { WebhookExchange } from './types.js';

const ORIGIN = 'https://tests.patchbay.invalid';

describe('local apps', () => {
  it('answer their origin in-process: the document runs and the exchange is in the Events', async () => {
    await using s = await scenario(
      { '/voice': () => `<Response><Redirect>${ORIGIN}/hello?x=1</Redirect></Response>` },
      {},
    );
    const asked: Array<{ path: string; account: string; from: unknown }> = [];
    s.runtime.localApps.mount(ORIGIN, async ({ url, params, accountSid }) => {
      asked.push({ path: `${url.pathname}${url.search}`, account: accountSid, from: params.From });
      return '<Response><Say>Hello from inside</Say></Response>';
    });
    const exchanges: WebhookExchange[] = [];
    s.runtime.events.on('call.webhook', (_call, exchange) => exchanges.push(exchange));
    const { caller } = await s.inbound({ from: '+15550100123' });
    expect(caller.lines().join('\n')).toContain('Hello from inside');
    expect(asked).toEqual([{ path: '/hello?x=1', account: s.runtime.accountSid, from: '+15550100123' }]);
    expect(exchanges.at(-1)).toMatchObject({ url: `${ORIGIN}/hello?x=1`, response: { status: 200 } });
  });

  it('fail a request as an unreachable app would when they throw, and the fallback runs', async () => {
    await using s = await scenario(
      {
        '/voice': () => `<Response><Redirect>${ORIGIN}/broken</Redirect></Response>`,
        '/fallback': () => '<Response><Say>Fallback</Say></Response>',
      },
      { inbound: (url) => ({ fallbackUrl: `${url}/fallback` }) },
    );
    s.runtime.localApps.mount(ORIGIN, async () => {
      throw new Error('no such document');
    });
    const { call, caller } = await s.inbound();
    expect(caller.lines().join('\n')).toContain('Fallback');
    expect(s.runtime.calls.get(call.sid)?.errors[0]).toMatchObject({ code: 11200, url: `${ORIGIN}/broken` });
  });

  it('live only under .invalid origins, and an unmounted origin is fetched as usual', () => {
    const apps = new LocalApps();
    expect(() => apps.mount('https://example.com', async () => '')).toThrow(/\.invalid/);
    const unmount = apps.mount(ORIGIN, async () => '');
    expect(apps.find(`${ORIGIN}/x`)).toBeDefined();
    unmount();
    expect(apps.find(`${ORIGIN}/x`)).toBeUndefined();
  });
});
