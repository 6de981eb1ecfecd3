/**
 * Locating SIP servers (RFC 3263 §4): which transport, address and port a request for a URI goes
 * to. A carrier usually gives a bare domain (`sip:carrier.example`) and publishes its servers in
 * DNS: NAPTR records pick the transports, SRV records the servers by priority and weight (RFC
 * 2782), A/AAAA records their addresses. The answer is every server in the order to try them,
 * so a caller can fail over from one to the next (a 503, a timeout, a refused connection).
 * A URI with an IP address or an explicit port skips NAPTR and SRV, as the RFC says.
 *
 * @example
 * const servers = await locateServers(parseUri('sip:carrier.example'), systemSipResolver());
 * // [{ transport: 'udp', host: '192.0.2.10', port: 5060 }, { transport: 'udp', host: '192.0.2.11', port: 5060 }]
 */
import { lookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { SipError } from './errors.js';
import type { Destination, TransportName } from './transport.js';
import type { SipUri } from './uri.js';

/**
 * The lookups this needs. NAPTR and SRV come from DNS (`node:dns/promises`' `Resolver`); a host's
 * addresses as the system resolves them (`addresses`: /etc/hosts first, as for any other name).
 */
export interface SipResolver {
  resolveNaptr(
    name: string,
  ): Promise<
    Array<{ flags: string; service: string; regexp: string; replacement: string; order: number; preference: number }>
  >;
  resolveSrv(name: string): Promise<Array<{ name: string; port: number; priority: number; weight: number }>>;
  addresses(host: string): Promise<string[]>;
}

/** The system's resolver: DNS for NAPTR and SRV, getaddrinfo for addresses. */
export function systemSipResolver(): SipResolver {
  const dns = new Resolver({ timeout: 2000, tries: 2 });
  return {
    resolveNaptr: (name) => dns.resolveNaptr(name),
    resolveSrv: (name) => dns.resolveSrv(name),
    addresses: async (host) => (await lookup(host, { all: true })).map((entry) => entry.address),
  };
}

/** At most this many servers come back: each costs a try of up to 32 s on UDP. */
export const MAX_SERVERS = 16;

/** NAPTR services (RFC 3263 §4.1) for the transports we speak, in our order of preference. */
const SERVICES: ReadonlyArray<[string, TransportName]> = [
  ['SIP+D2U', 'udp'],
  ['SIP+D2T', 'tcp'],
  ['SIPS+D2T', 'tls'],
];
const SRV_PREFIX: Record<TransportName, string> = { udp: '_sip._udp.', tcp: '_sip._tcp.', tls: '_sips._tcp.' };
const DEFAULT_PORT: Record<TransportName, number> = { udp: 5060, tcp: 5060, tls: 5061 };

/** Answers `[]` where DNS says there is no such record; other failures (timeouts) too, but remembered. */
async function ask<T>(query: () => Promise<T[]>, failures: string[]): Promise<T[]> {
  try {
    return await query();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ENOTFOUND' && code !== 'ENODATA') failures.push(code ?? String(error));
    return [];
  }
}

/** RFC 2782's order: priority ascending; within one, weighted random (weight 0 rarely first). */
export function orderSrv<T extends { priority: number; weight: number }>(
  records: readonly T[],
  random: () => number,
): T[] {
  const ordered: T[] = [];
  const priorities = [...new Set(records.map((r) => r.priority))].sort((a, b) => a - b);
  for (const priority of priorities) {
    const left = records.filter((r) => r.priority === priority);
    while (left.length > 0) {
      const total = left.reduce((sum, r) => sum + r.weight, 0);
      let pick = 0;
      if (total > 0) {
        const point = random() * total;
        let running = 0;
        pick = left.length - 1;
        for (let i = 0; i < left.length; i++) {
          running += (left[i] as T).weight;
          if (point < running) {
            pick = i;
            break;
          }
        }
      }
      ordered.push(...left.splice(pick, 1));
    }
  }
  return ordered;
}

async function addresses(host: string, resolver: SipResolver, failures: string[]): Promise<string[]> {
  if (isIP(host)) return [host];
  return ask(() => resolver.addresses(host), failures);
}

export async function locateServers(
  uri: SipUri,
  resolver: SipResolver,
  random: () => number = Math.random,
): Promise<Destination[]> {
  const host = uri.host.replace(/^\[|\]$/g, '');
  const given = uri.params.transport?.toLowerCase();
  if (given !== undefined && given !== 'udp' && given !== 'tcp' && given !== 'tls')
    throw new SipError('sip-bad-target', `transport ${given} is not supported`, 'locate');
  const secure = uri.scheme === 'sips';
  const failures: string[] = [];
  const found: Destination[] = [];
  const add = (transport: TransportName, ips: string[], port: number) => {
    for (const ip of ips) if (found.length < MAX_SERVERS) found.push({ transport, host: ip, port });
  };

  if (isIP(host) || uri.port !== undefined) {
    const transport = (given as TransportName | undefined) ?? (secure ? 'tls' : 'udp');
    add(transport, await addresses(host, resolver, failures), uri.port ?? DEFAULT_PORT[transport]);
  } else {
    // Which transports, and the SRV names for them: NAPTR first, else SRV for each we speak.
    let srvNames: Array<[TransportName, string]> = [];
    let reachable = true;
    if (given === undefined) {
      const naptr = (await ask(() => resolver.resolveNaptr(host), failures))
        .filter((r) => r.flags.toLowerCase() === 's')
        .sort((a, b) => a.order - b.order || a.preference - b.preference);
      for (const record of naptr) {
        const service = SERVICES.find(([name]) => name === record.service.toUpperCase());
        if (service && (!secure || service[1] === 'tls')) srvNames.push([service[1], record.replacement]);
      }
      // DNS did not answer at all (no server, a timeout): SRV would wait as long again for each
      // transport; the system's own resolution (/etc/hosts) may still know the host.
      reachable = failures.length === 0;
    }
    if (srvNames.length === 0 && reachable) {
      const transports: TransportName[] = given ? [given as TransportName] : secure ? ['tls'] : ['udp', 'tcp', 'tls'];
      srvNames = transports.map((t) => [t, `${SRV_PREFIX[t]}${host}`]);
    }
    for (const [transport, name] of srvNames) {
      const records = orderSrv(await ask(() => resolver.resolveSrv(name), failures), random);
      for (const record of records) add(transport, await addresses(record.name, resolver, failures), record.port);
      // The first transport with servers wins (RFC 3263 §4.1: the client's preferred one).
      if (found.length > 0) break;
    }
    if (found.length === 0) {
      const transport = (given as TransportName | undefined) ?? (secure ? 'tls' : 'udp');
      add(transport, await addresses(host, resolver, failures), DEFAULT_PORT[transport]);
    }
  }
  if (found.length === 0) {
    const why =
      failures.length > 0 ? `DNS failed: ${[...new Set(failures)].join(', ')}` : 'no NAPTR, SRV or address records';
    throw new SipError('sip-no-server', `no server found for ${host} (${why})`, 'locate');
  }
  return found;
}
