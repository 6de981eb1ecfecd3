import { describe, expect, it } from 'vitest';
import { Registrar, type SipResolver } from '../sip/index.js';
import { failsOver, MAX_ATTEMPTS, routesOf } from './routing.js';

const failed = (status: number) => ({ outcome: 'failed' as const, status, reason: '' });

describe('failsOver', () => {
  it("moves on after a target's failure (no answer 408, 5xx, a transport failure's 503), not the callee's answer", () => {
    for (const status of [408, 500, 502, 503, 504, 580]) expect(failsOver(failed(status))).toBe(true);
    for (const status of [404, 480, 486, 487, 600, 603]) expect(failsOver(failed(status))).toBe(false);
    expect(failsOver({ outcome: 'canceled' })).toBe(false);
  });
});

describe('routesOf a number', () => {
  it('gives every server trunk in the order given, the number as the Request-URI user, at most MAX_ATTEMPTS', async () => {
    const trunks = Array.from({ length: MAX_ATTEMPTS + 2 }, (_, i) => ({
      name: `t${i}`,
      uri: `sip:127.0.41.${50 + i}:5060`,
    }));
    const routes = await routesOf(
      { to: { kind: 'number', value: '+15557770001' }, from: '+15550004100', timeoutMs: 1000 },
      { directory: undefined, registrar: new Registrar(), trunks },
    );
    if (!Array.isArray(routes)) throw new Error(routes.outcome);
    expect(routes.map((route) => route.proxy)).toEqual(trunks.slice(0, MAX_ATTEMPTS).map((trunk) => trunk.uri));
    expect(routes[0]?.target).toBe('sip:+15557770001@127.0.41.50:5060');
  });

  it("tries each server a trunk's DNS publishes (SRV by priority), skipping a trunk DNS cannot find", async () => {
    const none = Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' });
    const resolver: SipResolver = {
      resolveNaptr: async () => Promise.reject(none),
      resolveSrv: async (name) => {
        if (name !== '_sip._udp.carrier.test') throw none;
        return [
          { name: 'b.carrier.test', port: 5070, priority: 20, weight: 1 },
          { name: 'a.carrier.test', port: 5080, priority: 10, weight: 1 },
        ];
      },
      addresses: async (name) => {
        if (name === 'a.carrier.test') return ['127.0.41.60'];
        if (name === 'b.carrier.test') return ['127.0.41.61'];
        throw none;
      },
    };
    const routes = await routesOf(
      { to: { kind: 'number', value: '+15557770001' }, from: '+15550004100', timeoutMs: 1000 },
      {
        directory: undefined,
        registrar: new Registrar(),
        trunks: [
          { name: 'gone', uri: 'sip:gone.test' },
          { name: 'carrier', uri: 'sip:carrier.test', credentials: { username: 'u', password: 'p' } },
        ],
        resolver,
      },
    );
    if (!Array.isArray(routes)) throw new Error(routes.outcome);
    expect(routes.map((route) => route.destination)).toEqual([
      { transport: 'udp', host: '127.0.41.60', port: 5080 },
      { transport: 'udp', host: '127.0.41.61', port: 5070 },
    ]);
    expect(routes[0]).toMatchObject({ target: 'sip:+15557770001@carrier.test', credentials: { username: 'u' } });

    const nowhere = await routesOf(
      { to: { kind: 'number', value: '+15557770001' }, from: '+15550004100', timeoutMs: 1000 },
      { directory: undefined, registrar: new Registrar(), trunks: [{ name: 'gone', uri: 'sip:gone.test' }], resolver },
    );
    expect(nowhere).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('no server found for gone.test'),
    });
  });
});
