/**
 * Who may send Patchbay an INVITE or a REGISTER. Calls: configured trunks (the server's
 * `--sip-trunk`s and accounts' BYOC trunks, by source address) and `--sip-allow` sources without
 * a challenge; calls to a SIP domain by its IP access control lists or a digest challenge
 * against its credential lists; nobody else (403). Registrations: to domains with registration
 * on, against their registration credential lists. Never an open relay: what is let in reaches
 * the outside only through an app's markup.
 *
 * @example
 * const access = new Access({ allow: ['10.0.0.0/8'], directory });
 * agentOptions.authorize = (request, source) => access.decide(request, source.address);
 */
import { BlockList, isIPv6 } from 'node:net';
import type { SipDirectory } from '@patchbay/runtime';
import { type AuthDecision, parseUri, type SipRequest } from '../sip/index.js';

/** A list of CIDR blocks (`10.0.0.0/8`, `127.0.0.2`, `::1/128`). */
export function blockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', bits] = cidr.split('/');
    const type = isIPv6(address) ? 'ipv6' : 'ipv4';
    list.addSubnet(address, bits === undefined ? (type === 'ipv6' ? 128 : 32) : Number(bits), type);
  }
  return list;
}

/** Whether `list` holds `address` (an IPv4 address mapped into IPv6 counts as IPv4). */
export function contains(list: BlockList, address: string): boolean {
  const bare = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1] ?? address;
  return list.check(bare, isIPv6(bare) ? 'ipv6' : 'ipv4');
}

/** The host of a Request-URI, lower case ('' when it does not parse). */
function hostOf(uri: string): string {
  try {
    return parseUri(uri).host.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * The digest algorithm challenged with: MD5, what SIP phones implement. A SHA-256 challenge
 * beside it (RFC 8760) makes phones such as baresip 1.0 fail the call (ENOSYS) instead of
 * answering the MD5 one, so it is not offered.
 */
const ALGORITHMS = ['MD5'] as const;

const FORBIDDEN: AuthDecision = { reject: 403, reason: 'Forbidden' };

export class Access {
  private readonly allowed: BlockList;

  constructor(
    private readonly options: {
      /** Sources whose INVITEs need no digest (`--sip-allow`). */
      readonly allow: readonly string[];
      readonly directory?: SipDirectory | undefined;
    },
  ) {
    this.allowed = blockList(options.allow);
  }

  /** The decision for an INVITE, REGISTER or OPTIONS from `address`. */
  async decide(request: SipRequest, address: string): Promise<AuthDecision> {
    const host = hostOf(request.uri);
    const directory = this.options.directory;
    const domain = await directory?.domainByName(host);
    if (request.method === 'REGISTER') {
      if (!domain?.registrationEnabled || !directory) return FORBIDDEN;
      return {
        challenge: {
          realm: domain.domainName,
          algorithms: ALGORITHMS,
          password: (user) => directory.verifyRegistrationCredential(domain.domainSid, user),
        },
      };
    }
    if (request.method === 'OPTIONS') return { allow: true };
    if (domain && directory) {
      if (domain.callAuth.ipAcl && (await directory.ipAllowed(domain.domainSid, address))) return { allow: true };
      if (domain.callAuth.credentials) {
        return {
          challenge: {
            realm: domain.domainName,
            algorithms: ALGORITHMS,
            password: (user) => directory.verifyCallCredential(domain.domainSid, user),
          },
        };
      }
      return FORBIDDEN;
    }
    if (contains(this.allowed, address)) return { allow: true };
    if (directory && ((await directory.trunkForSource(address)) || (await directory.serverTrunkForSource(address)))) {
      return { allow: true };
    }
    return FORBIDDEN;
  }
}
