/**
 * `patchbay serve`'s media flags: `--media`, where SIP listens (UDP, TCP, TLS), the RTP ports,
 * sources allowed without digest, the public address, carrier trunks and their credentials, and
 * the SIP domain suffix. Each value is checked where the flag is declared (a usage error naming
 * the flag, exit 2); what depends on several flags is checked by `mediaOptions`. Trunk passwords
 * may come from the environment (`PATCHBAY_SIP_TRUNK_PASSWORD_<NAME>`), so they stay out of `ps`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ipv4, minPrefix, parseCidr } from '../sip/addresses.js';
import {
  DEFAULT_RTP_PORTS,
  DEFAULT_SIP_LISTEN,
  type MediaOptions,
  type SipListen,
  type SipListenAddress,
  type SipTrunkOption,
} from '../sip/media-options.js';
import { hostnameProblem } from '../sip/settings.js';
import { parseSipTarget } from '../sip/target.js';
import { usage } from './errors.js';
import type { Flags, Values } from './flags.js';

const TRUNK_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** `[udp:|tcp:]<ipv4>:<port>` or `[...]` for IPv6. */
function listenAddress(value: string): (SipListenAddress & { transport?: 'udp' | 'tcp' }) | string {
  const match = /^(?:(udp|tcp):)?(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(value);
  if (!match)
    return `"${value}" is not <ip>:<port> (an IPv4 address, or [IPv6]; udp: or tcp: before it for one transport)`;
  const [, transport, v6, v4, portText] = match;
  if (v4 !== undefined && ipv4(v4) === undefined) return `"${v4}" is not an IPv4 address`;
  const port = Number(portText);
  if (!(port >= 1 && port <= 65_535)) return `the port of "${value}" must be from 1 to 65535`;
  return { host: (v4 ?? v6) as string, port, ...(transport ? { transport: transport as 'udp' | 'tcp' } : {}) };
}

const problem = (result: object | number | string) => (typeof result === 'string' ? result : undefined);

/** `<lo>-<hi>`, a UDP port range (--rtp-ports, --webrtc-ports). */
export function rtpPorts(value: string): { min: number; max: number } | string {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(value);
  const [min, max] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
  if (!(min >= 1024 && max <= 65_535 && max > min)) return `"${value}" is not <lo>-<hi> with 1024 <= lo < hi <= 65535`;
  return { min, max };
}

function allow(value: string): { address: string; prefix: number } | string {
  const block = parseCidr(value);
  if (!block) return `"${value}" is not an IPv4 or IPv6 address or <address>/<prefix>`;
  if (block.prefix < minPrefix(block.address))
    return `"${value}" allows too much (a prefix of at least ${minPrefix(block.address)}: never an open door)`;
  return block;
}

function trunk(value: string): { name: string; uri: string } | string {
  const equals = value.indexOf('=');
  const name = value.slice(0, equals);
  const uri = value.slice(equals + 1);
  if (equals < 0 || !TRUNK_NAME.test(name)) return `"${value}" is not <name>=<sip uri> (a name of a-z, 0-9 and -)`;
  if (!parseSipTarget(uri)) return `"${uri}" is not a sip: or sips: URI with a host`;
  return { name, uri };
}

function credentials(value: string): { name: string; username: string; password?: string } | string {
  const match = /^([a-z0-9][a-z0-9-]{0,31})=([^:\s]{1,128})(?::(.{1,255}))?$/.exec(value);
  if (!match) return '"<name>=<user>:<password>" or "<name>=<user>" (the password then from the environment)';
  const [, name = '', username = '', password] = match;
  return { name, username, ...(password === undefined ? {} : { password }) };
}

function pemFile(value: string): string | undefined {
  if (!existsSync(value)) return `no file ${value}`;
  try {
    return readFileSync(value, 'utf8').includes('-----BEGIN ') ? undefined : `${value} is not a PEM file`;
  } catch (error) {
    return `cannot read ${value} (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

/** A whole number from 0 to `max` (0 turns the setting off). */
function wholeNumber(value: string, max: number): number | string {
  if (!/^\d{1,7}$/.test(value) || Number(value) > max) return `"${value}" is not a whole number from 0 to ${max}`;
  return Number(value);
}

export const SIP_FLAGS = {
  media: {
    value: '<adapter>',
    choices: ['simulated', 'sip'],
    description: 'the media: the simulated network (default), or real SIP and RTP calls',
  },
  'sip-listen': {
    value: '<ip>:<port>',
    multiple: true,
    description: 'where SIP listens, repeatable; udp: or tcp: before it for one transport (default 0.0.0.0:5060, both)',
    check: (value: string) => problem(listenAddress(value)),
  },
  'sip-tls-listen': {
    value: '<ip>:<port>',
    multiple: true,
    description: 'where SIP over TLS listens, repeatable (with --sip-tls-cert and --sip-tls-key)',
    check: (value: string) => problem(listenAddress(value)),
  },
  'sip-tls-cert': { value: '<pem>', description: 'the TLS certificate (chain) file', check: pemFile },
  'sip-tls-key': { value: '<pem>', description: "the TLS certificate's private key file", check: pemFile },
  'rtp-ports': {
    value: '<lo>-<hi>',
    description: 'the UDP ports RTP uses (default 10000-20000)',
    check: (value: string) => problem(rtpPorts(value)),
  },
  'sip-allow': {
    value: '<cidr>',
    multiple: true,
    description:
      'sources whose INVITEs need no digest, repeatable (an IPv4 or IPv6 address or <address>/<prefix>, prefix 8 or more, 32 for IPv6)',
    check: (value: string) => problem(allow(value)),
  },
  'public-address': {
    value: '<ip or host>',
    description: 'the address put in SDP and Contact headers, behind NAT (default: the listening address)',
    check: (value: string) =>
      ipv4(value) !== undefined
        ? undefined
        : hostnameProblem(value.toLowerCase()) && `"${value}" is not an IPv4 address or a host name`,
  },
  'sip-trunk': {
    value: '<name>=<sip uri>',
    multiple: true,
    description: 'a carrier trunk, repeatable: where calls to numbers go, whose calls come in without digest',
    check: (value: string) => problem(trunk(value)),
  },
  'sip-trunk-credentials': {
    value: '<name>=<user>[:<password>]',
    multiple: true,
    description:
      "a trunk's digest credentials, repeatable; without :<password>, from $PATCHBAY_SIP_TRUNK_PASSWORD_<NAME> (keeps it out of ps)",
    check: (value: string) => problem(credentials(value)),
  },
  'sip-rtp-timeout': {
    value: '<seconds>',
    description: 'hang up a call whose far end sends no RTP for this long, 0 never (default 30)',
    check: (value: string) => problem(wholeNumber(value, 3600)),
  },
  'sip-rate': {
    value: '<requests/s>',
    description:
      'SIP requests one source may send per second: past it 503, past twice dropped; 0 no limit (default 50)',
    check: (value: string) => problem(wholeNumber(value, 100_000)),
  },
  'sip-trunk-register': {
    value: '<name>',
    multiple: true,
    description:
      'register to this trunk with its credentials and keep the registration fresh, repeatable (for carriers that send calls only to registered customers)',
  },
  'sip-domain-suffix': {
    value: '<domain>',
    description: 'the suffix SIP domain names end in (default sip.patchbay.local)',
    check: (value: string) => hostnameProblem(value.toLowerCase().replace(/^\./, '')),
  },
} as const satisfies Flags;

/** The environment variable a trunk's password is read from. */
export const trunkPasswordVariable = (name: string) =>
  `PATCHBAY_SIP_TRUNK_PASSWORD_${name.toUpperCase().replace(/-/g, '_')}`;

/** The SIP flags that mean something only with `--media sip`. */
const SIP_ONLY = Object.keys(SIP_FLAGS).filter((name) => name !== 'media' && name !== 'sip-domain-suffix');

/** The media options the flags give (each value checked already); what spans several flags is checked here. */
export function mediaOptions(
  values: Values<typeof SIP_FLAGS>,
  env: Readonly<Record<string, string | undefined>>,
): MediaOptions {
  if ((values.media ?? 'simulated') === 'simulated') {
    const given = SIP_ONLY.find((name) => values[name as keyof typeof values] !== undefined);
    if (given)
      throw usage('invalid-value', `--${given} is for --media sip (the simulated network has no SIP)`, 'serve');
    return { kind: 'simulated' };
  }
  const listen: SipListen[] = (values['sip-listen'] ?? []).map((text) => {
    const { transport, ...address } = listenAddress(text) as SipListenAddress & { transport?: 'udp' | 'tcp' };
    return { ...address, transports: transport ? [transport] : ['udp', 'tcp'] };
  });
  const tlsListen = (values['sip-tls-listen'] ?? []).map((text) => {
    const { transport, ...address } = listenAddress(text) as SipListenAddress & { transport?: string };
    if (transport)
      throw usage('invalid-value', `--sip-tls-listen: "${text}" is TLS: no udp: or tcp: before it`, 'serve');
    return address;
  });
  const cert = values['sip-tls-cert'];
  const key = values['sip-tls-key'];
  if ((tlsListen.length > 0 || cert || key) && !(tlsListen.length > 0 && cert && key)) {
    const missing = tlsListen.length === 0 ? '--sip-tls-listen' : !cert ? '--sip-tls-cert' : '--sip-tls-key';
    throw usage(
      'invalid-value',
      `SIP over TLS needs --sip-tls-listen, --sip-tls-cert and --sip-tls-key: ${missing} is missing`,
      'serve',
    );
  }
  const trunks = new Map<string, SipTrunkOption>();
  for (const text of values['sip-trunk'] ?? []) {
    const { name, uri } = trunk(text) as { name: string; uri: string };
    if (trunks.has(name)) throw usage('invalid-value', `--sip-trunk: "${name}" is named twice`, 'serve');
    trunks.set(name, { name, uri });
  }
  for (const text of values['sip-trunk-credentials'] ?? []) {
    const given = credentials(text) as { name: string; username: string; password?: string };
    const named = trunks.get(given.name);
    if (!named)
      throw usage('invalid-value', `--sip-trunk-credentials: no --sip-trunk is named "${given.name}"`, 'serve');
    const variable = trunkPasswordVariable(given.name);
    const password = given.password ?? env[variable];
    if (!password)
      throw usage(
        'invalid-value',
        `--sip-trunk-credentials: ${given.name} has no password: give <user>:<password> or set ${variable}`,
        'serve',
      );
    trunks.set(given.name, { ...named, credentials: { username: given.username, password } });
  }
  for (const name of values['sip-trunk-register'] ?? []) {
    const named = trunks.get(name);
    if (!named) throw usage('invalid-value', `--sip-trunk-register: no --sip-trunk is named "${name}"`, 'serve');
    if (!named.credentials)
      throw usage(
        'invalid-value',
        `--sip-trunk-register: ${name} has no credentials to register with: give --sip-trunk-credentials ${name}=<user>:<password>`,
        'serve',
      );
    trunks.set(name, { ...named, register: true });
  }
  const ports = values['rtp-ports'];
  return {
    kind: 'sip',
    listen: listen.length > 0 ? listen : [DEFAULT_SIP_LISTEN],
    ...(tlsListen.length > 0 ? { tls: { listen: tlsListen, certFile: cert as string, keyFile: key as string } } : {}),
    rtpPorts: ports ? (rtpPorts(ports) as { min: number; max: number }) : { ...DEFAULT_RTP_PORTS },
    allow: (values['sip-allow'] ?? []).map((text) => allow(text) as { address: string; prefix: number }),
    ...(values['public-address'] ? { publicAddress: values['public-address'] } : {}),
    trunks: [...trunks.values()],
    ...(values['sip-rtp-timeout'] === undefined
      ? {}
      : { rtpTimeoutMs: (wholeNumber(values['sip-rtp-timeout'], 3600) as number) * 1000 }),
    ...(values['sip-rate'] === undefined
      ? {}
      : { requestsPerSecondPerSource: wholeNumber(values['sip-rate'], 100_000) as number }),
  };
}
