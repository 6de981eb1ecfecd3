/**
 * Where Patchbay may send requests (app documents, callbacks, redirects): http and https only,
 * never link-local addresses or a cloud's metadata service (169.254.169.254, fd00:ec2::254,
 * metadata.google.internal, 100.100.100.200, ...), and, under the `deny-private` policy, no
 * loopback or private address either. Addresses are checked after DNS resolution, inside the
 * connection (so the address checked is the one connected to: a name that resolves differently
 * a moment later gains nothing), and again on every redirect.
 *
 * The default policy, `allow-private`, lets apps under development run on localhost or the LAN;
 * a server open to untrusted accounts should run with `deny-private`.
 *
 * @example
 * const egress = createEgress({ policy: 'deny-private' });
 * const refusal = egress.refuseUrl(new URL(url));
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, type Dispatcher } from 'undici';

export type EgressPolicy = 'allow-private' | 'deny-private';

export const EGRESS_POLICIES: readonly EgressPolicy[] = ['allow-private', 'deny-private'];

/** The error code a refused connection fails with (see fetch.ts). */
export const EGRESS_REFUSED = 'EPATCHBAYEGRESS';

/** `dns.lookup`'s shape, as `net.connect` calls it (with `all: true` when it tries several addresses). */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

function blockList(subnets: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return list;
}

/** Never reachable: link-local (where the metadata services live) and the clouds' metadata addresses. */
const FORBIDDEN = blockList([
  ['169.254.0.0', 16, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
  ['100.100.100.200', 32, 'ipv4'],
  ['168.63.129.16', 32, 'ipv4'],
  ['fd00:ec2::254', 128, 'ipv6'],
]);

/** Reachable only under `allow-private`: loopback, private, shared (CGNAT) and unspecified addresses. */
const PRIVATE = blockList([
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
]);

/** Names of metadata services, refused whatever they resolve to. */
const FORBIDDEN_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIpv4(address: string): string | undefined {
  const match = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!match) return undefined;
  if (match[1]) return match[1];
  const high = Number.parseInt(match[2] as string, 16);
  const low = Number.parseInt(match[3] as string, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Why the policy refuses `address` (an IP literal), if it does. */
export function refuseAddress(address: string, policy: EgressPolicy): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = embeddedIpv4(bare);
  const [ip, family] = v4 ? [v4, 'ipv4' as const] : [bare, isIP(bare) === 6 ? ('ipv6' as const) : ('ipv4' as const)];
  if (isIP(ip) === 0) return undefined;
  if (FORBIDDEN.check(ip, family)) return `${address} is a link-local or cloud metadata address`;
  if (policy === 'deny-private' && PRIVATE.check(ip, family))
    return `${address} is a loopback or private address (the egress policy is deny-private)`;
  return undefined;
}

/** Why `hostname` may not be used whatever it resolves to (or, for an IP literal, why it is refused), if it may not. */
export function refuseHost(hostname: string, policy: EgressPolicy): string | undefined {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (FORBIDDEN_NAMES.has(name)) return `${hostname} is a cloud metadata service`;
  return refuseAddress(name, policy);
}

/**
 * Why `value` may never be fetched, whatever the policy, if it may not: not an absolute http(s)
 * URL, or a link-local or cloud metadata host. (For input checks: private addresses are the
 * policy's to refuse, once names are resolved.)
 */
export function urlRefusal(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an absolute http(s) URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `"${value}" is not an absolute http(s) URL`;
  const refused = refuseHost(url.hostname, 'allow-private');
  return refused ? `"${value}" is not allowed: ${refused}` : undefined;
}

/** An error `net.connect` fails with, carrying EGRESS_REFUSED. */
function refusal(message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code: EGRESS_REFUSED });
}

export interface Egress {
  readonly policy: EgressPolicy;
  /** Why `url` may not be requested (scheme, a metadata name, a refused IP literal), if it may not. */
  refuseUrl(url: URL): string | undefined;
  /** The dispatcher for requests with this connect timeout: it checks every address it connects to. */
  dispatcher(connectMs: number): Dispatcher;
}

/**
 * @param options.policy whether loopback and private addresses may be reached @default 'allow-private'
 * @param options.lookup resolves names (tests inject one) @default dns.lookup
 */
export function createEgress(options: { policy?: EgressPolicy; lookup?: LookupFunction } = {}): Egress {
  const policy = options.policy ?? 'allow-private';
  const resolve: LookupFunction = options.lookup ?? (dnsLookup as unknown as LookupFunction);
  const checkedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const named = refuseHost(hostname, policy);
    if (named) return callback(refusal(named), '');
    resolve(hostname, lookupOptions, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = typeof address === 'string' ? [address] : address.map((entry) => entry.address);
      for (const each of addresses) {
        const refused = refuseAddress(each, policy);
        if (refused) return callback(refusal(`${hostname} resolves to ${refused}`), '');
      }
      callback(null, address, family);
    });
  };
  const agents = new Map<number, Agent>();
  return {
    policy,
    refuseUrl(url) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} URLs are not fetched`;
      return refuseHost(url.hostname, policy);
    },
    dispatcher(connectMs) {
      let agent = agents.get(connectMs);
      if (!agent) {
        agent = new Agent({ connect: { timeout: connectMs, lookup: checkedLookup }, keepAliveTimeout: 4000 });
        agents.set(connectMs, agent);
      }
      return agent;
    },
  };
}

/** The policy of runtimes that are given none: `allow-private`, the system resolver. */
export const DEFAULT_EGRESS: Egress = createEgress();
