import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { startAppServer } from '../testing/app-server.js';
import { createEgress, type LookupFunction, refuseAddress, refuseHost } from './egress.js';
import { sendWebhook } from './fetch.js';

const base = { authToken: 'token', clock: systemClock, params: { CallSid: 'CA1' }, method: 'POST' } as const;

/** A resolver that knows a few names (and nothing else): no DNS leaves the machine. */
function fakeLookup(names: Record<string, string>): LookupFunction & { asked: string[] } {
  const asked: string[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    asked.push(hostname);
    const address = names[hostname];
    if (!address) return callback(Object.assign(new Error(`no ${hostname}`), { code: 'ENOTFOUND' }), '');
    const family = address.includes(':') ? 6 : 4;
    if (options.all) callback(null, [{ address, family } satisfies LookupAddress]);
    else callback(null, address, family);
  };
  return Object.assign(lookup, { asked });
}

describe('the egress policy', () => {
  it('always refuses link-local and cloud metadata addresses, however written', () => {
    for (const address of [
      '169.254.169.254',
      '169.254.0.1',
      '::ffff:169.254.169.254',
      '[::ffff:a9fe:a9fe]',
      '64:ff9b::a9fe:a9fe',
      'fe80::1',
      'fd00:ec2::254',
      '100.100.100.200',
    ])
      expect([address, refuseAddress(address, 'allow-private')]).toEqual([address, expect.any(String)]);
    for (const name of ['metadata.google.internal', 'METADATA.GOOGLE.INTERNAL.', 'metadata'])
      expect(refuseHost(name, 'allow-private')).toMatch(/metadata/);
  });

  it('refuses loopback and private addresses only under deny-private', () => {
    for (const address of [
      '127.0.0.1',
      '127.9.9.9',
      '::1',
      '[::1]',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '0.0.0.0',
      'fd12::1',
      '::ffff:7f00:1',
    ]) {
      expect([address, refuseAddress(address, 'allow-private')]).toEqual([address, undefined]);
      expect([address, refuseAddress(address, 'deny-private')]).toEqual([address, expect.stringMatching(/private/)]);
    }
    for (const address of ['8.8.8.8', '2001:4860:4860::8888', '172.32.0.1'])
      expect(refuseAddress(address, 'deny-private')).toBeUndefined();
  });

  it('checks the address a name resolves to, before connecting', async () => {
    await using app = await startAppServer({ '/voice': () => '<Response/>' });
    const port = new URL(app.url).port;
    const lookup = fakeLookup({ 'app.test': '127.0.0.1', 'metadata-alias.test': '169.254.169.254' });
    const allow = createEgress({ lookup });
    const deny = createEgress({ policy: 'deny-private', lookup });

    expect(await sendWebhook({ ...base, url: `http://app.test:${port}/voice`, egress: allow })).toMatchObject({
      ok: true,
    });
    const viaAlias = await sendWebhook({ ...base, url: `http://metadata-alias.test:${port}/voice`, egress: allow });
    expect(viaAlias).toMatchObject({ ok: false, error: { code: 'egress-refused', numericCode: 11100 } });
    expect(String(viaAlias.ok || viaAlias.error.message)).toMatch(/169\.254\.169\.254/);

    const denied = await sendWebhook({ ...base, url: `http://app.test:${port}/voice`, egress: deny });
    expect(denied).toMatchObject({ ok: false, error: { code: 'egress-refused' } });
    const literal = await sendWebhook({ ...base, url: `${app.url}/voice`, egress: deny });
    expect(literal).toMatchObject({ ok: false, error: { code: 'egress-refused' } });
    // Only the allowed request reached the app; refusals are not retried.
    expect(app.requestsTo('/voice')).toHaveLength(1);
    expect(lookup.asked.filter((name) => name === 'metadata-alias.test')).toHaveLength(1);
  });

  it('checks every redirect, and fetches nothing but http and https', async () => {
    await using app = await startAppServer({
      '/to-metadata': () => ({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } }),
      '/to-file': () => ({ status: 302, headers: { location: 'file:///etc/passwd' } }),
      '/to-name': () => ({ status: 307, headers: { location: 'http://metadata.google.internal/computeMetadata/v1/' } }),
    });
    for (const path of ['/to-metadata', '/to-name'])
      expect(await sendWebhook({ ...base, url: `${app.url}${path}` })).toMatchObject({
        ok: false,
        error: { code: 'egress-refused', numericCode: 11100 },
      });
    expect(await sendWebhook({ ...base, url: `${app.url}/to-file` })).toMatchObject({
      ok: false,
      error: { code: 'invalid-url', numericCode: 11100 },
    });
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1:70/1', 'http://[fe80::1]/x'])
      expect((await sendWebhook({ ...base, url })).ok).toBe(false);
  });
});
