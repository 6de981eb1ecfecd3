/**
 * Server location against a real DNS server on loopback (node:dgram answering with dns-packet),
 * queried through node's own resolver, as `--sip-trunk sip:carrier.test` is resolved.
 */
import { createSocket, type Socket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateServers, orderSrv, type SipResolver } from './locate.js';
import { parseUri } from './uri.js';

type Answer = packet.Answer;
const zone: Record<string, Answer[]> = {
  'NAPTR carrier.test': [
    {
      type: 'NAPTR',
      name: 'carrier.test',
      data: {
        order: 20,
        preference: 0,
        flags: 's',
        services: 'SIP+D2U',
        regexp: '',
        replacement: '_sip._udp.carrier.test',
      },
    },
    {
      type: 'NAPTR',
      name: 'carrier.test',
      data: {
        order: 10,
        preference: 0,
        flags: 's',
        services: 'SIP+D2T',
        regexp: '',
        replacement: '_sip._tcp.carrier.test',
      },
    },
    {
      type: 'NAPTR',
      name: 'carrier.test',
      data: {
        order: 5,
        preference: 0,
        flags: 's',
        services: 'SIP+D2S',
        regexp: '',
        replacement: '_sip._sctp.carrier.test',
      },
    },
  ],
  'SRV _sip._tcp.carrier.test': [
    {
      type: 'SRV',
      name: '_sip._tcp.carrier.test',
      data: { priority: 20, weight: 0, port: 5080, target: 'backup.carrier.test' },
    },
    {
      type: 'SRV',
      name: '_sip._tcp.carrier.test',
      data: { priority: 10, weight: 5, port: 5070, target: 'edge.carrier.test' },
    },
  ],
  'A edge.carrier.test': [
    { type: 'A', name: 'edge.carrier.test', data: '127.0.0.31' },
    { type: 'A', name: 'edge.carrier.test', data: '127.0.0.32' },
  ],
  'A backup.carrier.test': [{ type: 'A', name: 'backup.carrier.test', data: '127.0.0.33' }],
  'SRV _sip._udp.plain.test': [
    {
      type: 'SRV',
      name: '_sip._udp.plain.test',
      data: { priority: 1, weight: 1, port: 5090, target: 'one.plain.test' },
    },
  ],
  'A one.plain.test': [{ type: 'A', name: 'one.plain.test', data: '127.0.0.34' }],
  'A bare.test': [{ type: 'A', name: 'bare.test', data: '127.0.0.35' }],
  'AAAA bare.test': [{ type: 'AAAA', name: 'bare.test', data: '::1' }],
};

let server: Socket;
const dns = new Resolver({ timeout: 2000, tries: 1 });
/** DNS for everything (the zone above), addresses from its A and AAAA records. */
const resolver: SipResolver = {
  resolveNaptr: (name) => dns.resolveNaptr(name),
  resolveSrv: (name) => dns.resolveSrv(name),
  addresses: async (host) => {
    const [v4, v6] = await Promise.allSettled([dns.resolve4(host), dns.resolve6(host)]);
    const found = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (found.length === 0) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  },
};
const asked: string[] = [];

beforeAll(async () => {
  server = createSocket('udp4');
  server.on('message', (message, from) => {
    const query = packet.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    asked.push(`${question.type} ${question.name}`);
    const answers = zone[`${question.type} ${question.name}`] ?? [];
    const known = Object.keys(zone).some((key) => key.endsWith(` ${question.name}`));
    const reply = packet.encode({
      id: query.id,
      type: 'response',
      flags: packet.AUTHORITATIVE_ANSWER | (known ? 0 : 3), // NXDOMAIN for names the zone lacks
      questions: query.questions,
      answers,
    });
    server.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  dns.setServers([`127.0.0.1:${(server.address() as AddressInfo).port}`]);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('locateServers (RFC 3263)', () => {
  it('follows NAPTR to the transport we speak first, then SRV by priority, then every address', async () => {
    const servers = await locateServers(parseUri('sip:carrier.test'), resolver, () => 0);
    expect(servers).toEqual([
      { transport: 'tcp', host: '127.0.0.31', port: 5070 },
      { transport: 'tcp', host: '127.0.0.32', port: 5070 },
      { transport: 'tcp', host: '127.0.0.33', port: 5080 },
    ]);
  });

  it('asks SRV for each transport when there is no NAPTR, UDP first', async () => {
    expect(await locateServers(parseUri('sip:plain.test'), resolver)).toEqual([
      { transport: 'udp', host: '127.0.0.34', port: 5090 },
    ]);
  });

  it('falls back to address records on the default port, IPv4 and IPv6', async () => {
    expect(await locateServers(parseUri('sip:bare.test'), resolver)).toEqual([
      { transport: 'udp', host: '127.0.0.35', port: 5060 },
      { transport: 'udp', host: '::1', port: 5060 },
    ]);
    expect(await locateServers(parseUri('sips:bare.test'), resolver)).toEqual([
      { transport: 'tls', host: '127.0.0.35', port: 5061 },
      { transport: 'tls', host: '::1', port: 5061 },
    ]);
  });

  it('skips NAPTR and SRV for an explicit port or an IP address', async () => {
    asked.length = 0;
    expect(await locateServers(parseUri('sip:edge.carrier.test:5062;transport=tcp'), resolver)).toEqual([
      { transport: 'tcp', host: '127.0.0.31', port: 5062 },
      { transport: 'tcp', host: '127.0.0.32', port: 5062 },
    ]);
    expect(await locateServers(parseUri('sip:127.0.0.9'), resolver)).toEqual([
      { transport: 'udp', host: '127.0.0.9', port: 5060 },
    ]);
    expect(asked.filter((q) => q.startsWith('NAPTR') || q.startsWith('SRV'))).toEqual([]);
  });

  it('goes straight to the system resolution when DNS does not answer, naming the failure', async () => {
    const silent = new Resolver({ timeout: 200, tries: 1 });
    silent.setServers(['127.0.0.1:9']); // nothing listens: refused at once
    const asked: string[] = [];
    const offline: SipResolver = {
      resolveNaptr: (name) => silent.resolveNaptr(name),
      resolveSrv: (name) => {
        asked.push(name);
        return silent.resolveSrv(name);
      },
      addresses: async (host) => (host === 'pbx.internal' ? ['127.0.0.36'] : []),
    };
    expect(await locateServers(parseUri('sip:pbx.internal'), offline)).toEqual([
      { transport: 'udp', host: '127.0.0.36', port: 5060 },
    ]);
    expect(asked).toEqual([]);
    await expect(locateServers(parseUri('sip:other.internal'), offline)).rejects.toMatchObject({
      code: 'sip-no-server',
      message: expect.stringContaining('DNS failed'),
    });
  });

  it('says which host had no server, with a typed error', async () => {
    await expect(locateServers(parseUri('sip:nowhere.test'), resolver)).rejects.toMatchObject({
      code: 'sip-no-server',
      message: expect.stringContaining('nowhere.test'),
    });
  });
});

describe('orderSrv (RFC 2782)', () => {
  it('orders by priority, and by weight at random within one', () => {
    const records = [
      { priority: 2, weight: 0, name: 'c' },
      { priority: 1, weight: 1, name: 'a' },
      { priority: 1, weight: 3, name: 'b' },
    ];
    expect(orderSrv(records, () => 0).map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(orderSrv(records, () => 0.5).map((r) => r.name)).toEqual(['b', 'a', 'c']);
    const firsts = { a: 0, b: 0 };
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    for (let i = 0; i < 4000; i++) firsts[orderSrv(records, random)[0]?.name as 'a' | 'b']++;
    expect(firsts.b / 4000).toBeGreaterThan(0.7);
    expect(firsts.b / 4000).toBeLessThan(0.8);
  });
});
