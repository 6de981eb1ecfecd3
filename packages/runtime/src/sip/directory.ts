/**
 * The SIP directory: what the media side asks about SIP while it handles an INVITE or a REGISTER
 * (which domain a host names and whose it is, a username's password for digest, whether a source
 * address is allowed, which carrier trunk a source is, where an account's outbound calls go),
 * answered from the records the REST API writes. Reads only; every answer reflects the store at
 * the moment it is asked, so a credential deleted through the API stops working at once.
 * Domains and trunks of accounts that are not active are not found.
 *
 * @example
 * const directory = storeSipDirectory(store, secrets);
 * const domain = await directory.domainByName('acme.sip.patchbay.local');
 * const password = domain && (await directory.verifyCallCredential(domain.domainSid, 'alice'));
 */
import type { AccountRecord } from '../api/auth.js';
import type { Store } from '../store/types.js';
import { inBlock } from './addresses.js';
import type { SipTrunkOption } from './media-options.js';
import type {
  ByocTrunkRecord,
  ConnectionPolicyTargetRecord,
  SipCredentialRecord,
  SipDomainRecord,
  SipIpAddressRecord,
  SipMappingRecord,
  SipMappingType,
  VoiceSettings,
} from './records.js';
import type { SecretBox } from './secret-box.js';
import { parseSipTarget, resolveHost } from './target.js';
import { orderTargets } from './targets-order.js';

export interface SipDomainRoute {
  readonly accountSid: string;
  readonly domainSid: string;
  /** Lower case: the digest realm of the domain's challenges. */
  readonly domainName: string;
  readonly voice: VoiceSettings;
  /** Whether phones may REGISTER to the domain (`sip_registration`). */
  readonly registrationEnabled: boolean;
  /**
   * Which call authentication the domain has mapped. With neither, the domain takes no calls,
   * as on the hosted service; with both, either one admits a call.
   */
  readonly callAuth: { readonly credentials: boolean; readonly ipAcl: boolean };
}

export interface SipTrunkRoute {
  readonly accountSid: string;
  readonly trunkSid: string;
  readonly friendlyName: string;
  readonly voice: VoiceSettings;
  readonly connectionPolicySid?: string;
  readonly fromDomainSid?: string;
}

/** What to answer a carrier's digest challenge with. */
export interface SipCarrierCredentials {
  readonly username: string;
  readonly password: string;
}

export interface SipTrunkTarget {
  /** The BYOC trunk's SID, or for a server trunk (`--sip-trunk`) its name. */
  readonly trunkSid: string;
  /** The connection policy target's SID; a server trunk's name. */
  readonly targetSid: string;
  /** `sip:host[:port][;params]` */
  readonly uri: string;
  readonly priority: number;
  readonly weight: number;
  readonly credentials?: SipCarrierCredentials;
}

export interface SipDirectory {
  /** The domain a Request-URI host names (any case), or undefined (unknown, or its account is not active). */
  domainByName(host: string): Promise<SipDomainRoute | undefined>;
  /** The password of `username` in the credential lists mapped for calls to the domain, or undefined. */
  verifyCallCredential(domainSid: string, username: string): Promise<string | undefined>;
  /** The password of `username` in the lists mapped for registrations, or undefined (also when registration is off). */
  verifyRegistrationCredential(domainSid: string, username: string): Promise<string | undefined>;
  /** Whether `address` is in an IP access control list mapped for calls to the domain. */
  ipAllowed(domainSid: string, address: string): Promise<boolean>;
  /** The trunk one of whose enabled targets' hosts resolved to `address` (newest first), or undefined. */
  trunkForSource(address: string): Promise<SipTrunkRoute | undefined>;
  /** The name of the server trunk (`--sip-trunk`) whose host is `address`, or undefined. */
  serverTrunkForSource(address: string): Promise<string | undefined>;
  /**
   * Where the account's outbound calls to the public network go: the enabled targets of its
   * trunks' connection policies, by priority (lowest first), weighted at random within a
   * priority, each with its trunk's carrier credentials; then the server trunks, in the order
   * they were given.
   */
  trunkTargets(accountSid: string): Promise<SipTrunkTarget[]>;
}

/** Records a directory question may walk: the caps bound each. */
const MAX = 1000;

const voiceOf = (record: VoiceSettings): VoiceSettings => ({
  voiceMethod: record.voiceMethod,
  voiceFallbackMethod: record.voiceFallbackMethod,
  statusCallbackMethod: record.statusCallbackMethod,
  ...(record.voiceUrl ? { voiceUrl: record.voiceUrl } : {}),
  ...(record.voiceFallbackUrl ? { voiceFallbackUrl: record.voiceFallbackUrl } : {}),
  ...(record.statusCallbackUrl ? { statusCallbackUrl: record.statusCallbackUrl } : {}),
});

export interface StoreSipDirectoryOptions {
  /** A number in [0, 1) for the weighted order of targets. @default Math.random */
  readonly random?: () => number;
  /** The server's own trunks (`--sip-trunk`), for every account; their hosts are resolved once, when first asked. @default none */
  readonly serverTrunks?: readonly SipTrunkOption[];
}

export function storeSipDirectory(
  store: Store,
  secrets: SecretBox,
  options: StoreSipDirectoryOptions = {},
): SipDirectory {
  const random = options.random ?? Math.random;
  const serverTrunks = options.serverTrunks ?? [];
  let serverAddresses: Promise<Array<string | undefined>> | undefined;
  const serverTargets: SipTrunkTarget[] = serverTrunks.map((trunk, index) => ({
    trunkSid: trunk.name,
    targetSid: trunk.name,
    uri: trunk.uri,
    // After every account target, in the order given.
    priority: 65_536 + index,
    weight: 1,
    ...(trunk.credentials ? { credentials: trunk.credentials } : {}),
  }));
  const active = async (accountSid: string) =>
    (await store.find<AccountRecord>('account', accountSid))?.status === 'active';
  const all = async <T>(
    kind: Parameters<Store['list']>[0],
    accountSid: string,
    where: Record<string, string | boolean>,
  ) =>
    (
      await store.list<T & { sid: string; accountSid: string; createdAt: number }>(kind, {
        accountSid,
        where,
        page: 0,
        pageSize: MAX,
      })
    ).items;
  const domain = (sid: string) => store.find<SipDomainRecord>('sip-domain', sid);
  const mapped = async (record: SipDomainRecord, type: SipMappingType) =>
    (await all<SipMappingRecord>('sip-mapping', record.accountSid, { domainSid: record.sid, type })).map(
      (m) => m.listSid,
    );

  async function password(domainSid: string, username: string, type: SipMappingType): Promise<string | undefined> {
    const found = await domain(domainSid);
    if (!found || !(await active(found.accountSid))) return undefined;
    if (type === 'registrations-credential-list' && !found.sipRegistration) return undefined;
    for (const listSid of await mapped(found, type)) {
      const [credential] = await all<SipCredentialRecord>('sip-credential', found.accountSid, {
        credentialListSid: listSid,
        username,
      });
      if (credential) return secrets.open(credential.sealedPassword);
    }
    return undefined;
  }

  return {
    async domainByName(host) {
      const found = await store.findOne<SipDomainRecord>('sip-domain', { domainName: host.toLowerCase() });
      if (!found || !(await active(found.accountSid))) return undefined;
      const mappings = await all<SipMappingRecord>('sip-mapping', found.accountSid, { domainSid: found.sid });
      return {
        accountSid: found.accountSid,
        domainSid: found.sid,
        domainName: found.domainName,
        voice: voiceOf(found),
        registrationEnabled: found.sipRegistration,
        callAuth: {
          credentials: mappings.some((m) => m.type === 'calls-credential-list'),
          ipAcl: mappings.some((m) => m.type === 'calls-ip-acl'),
        },
      };
    },
    verifyCallCredential: (domainSid, username) => password(domainSid, username, 'calls-credential-list'),
    verifyRegistrationCredential: (domainSid, username) =>
      password(domainSid, username, 'registrations-credential-list'),
    async ipAllowed(domainSid, address) {
      const found = await domain(domainSid);
      if (!found || !(await active(found.accountSid))) return false;
      for (const aclSid of await mapped(found, 'calls-ip-acl')) {
        const entries = await all<SipIpAddressRecord>('sip-ip-address', found.accountSid, {
          ipAccessControlListSid: aclSid,
        });
        if (entries.some((entry) => inBlock(address, entry.ipAddress, entry.cidrPrefixLength))) return true;
      }
      return false;
    },
    async trunkForSource(address) {
      const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
      const target = await store.findOne<ConnectionPolicyTargetRecord>('connection-policy-target', {
        address: plain,
        enabled: true,
      });
      if (!target || !(await active(target.accountSid))) return undefined;
      const trunk = await store.findOne<ByocTrunkRecord>('byoc-trunk', {
        connectionPolicySid: target.connectionPolicySid,
      });
      if (!trunk) return undefined;
      return {
        accountSid: trunk.accountSid,
        trunkSid: trunk.sid,
        friendlyName: trunk.friendlyName,
        voice: voiceOf(trunk),
        ...(trunk.connectionPolicySid ? { connectionPolicySid: trunk.connectionPolicySid } : {}),
        ...(trunk.fromDomainSid ? { fromDomainSid: trunk.fromDomainSid } : {}),
      };
    },
    async serverTrunkForSource(address) {
      const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
      serverAddresses ??= Promise.all(
        serverTrunks.map((trunk) => {
          const host = parseSipTarget(trunk.uri)?.host;
          return host === undefined ? undefined : resolveHost(host);
        }),
      );
      const index = (await serverAddresses).indexOf(plain);
      return index < 0 ? undefined : serverTrunks[index]?.name;
    },
    async trunkTargets(accountSid) {
      if (!(await active(accountSid))) return [];
      const found: SipTrunkTarget[] = [];
      for (const trunk of await all<ByocTrunkRecord>('byoc-trunk', accountSid, {})) {
        if (!trunk.connectionPolicySid) continue;
        const password = trunk.sealedAuthPassword ? secrets.open(trunk.sealedAuthPassword) : undefined;
        const credentials = trunk.authUsername && password ? { username: trunk.authUsername, password } : undefined;
        const targets = await all<ConnectionPolicyTargetRecord>('connection-policy-target', accountSid, {
          connectionPolicySid: trunk.connectionPolicySid,
          enabled: true,
        });
        for (const target of targets)
          found.push({
            trunkSid: trunk.sid,
            targetSid: target.sid,
            uri: target.target,
            priority: target.priority,
            weight: target.weight,
            ...(credentials ? { credentials } : {}),
          });
      }
      return [...orderTargets(found, random), ...serverTargets];
    },
  };
}
