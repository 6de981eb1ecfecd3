/**
 * /2010-04-01/Accounts/{AccountSid}/SIP/Domains: the addresses SIP phones and PBXs call
 * (`sip:alice@<domain_name>`), each with the voice URL its calls run. A domain name is unique on
 * the server and ends in the operator's suffix (`sip.patchbay.local` by default; the hosted API's
 * is `sip.twilio.com`). A domain takes calls only once a credential list or an IP access control
 * list is mapped to it (mappings.ts), as on the hosted service. Deleting a domain deletes its
 * mappings (the lists stay).
 */
import { newSid } from '../../../sid.js';
import { DEFAULT_VOICE_METHODS, SIP_CAPS, type SipDomainRecord, type SipMappingRecord } from '../../../sip/records.js';
import { hostnameProblem } from '../../../sip/settings.js';
import type { Store } from '../../../store/types.js';
import { apiDate, bool, type Form, field, invalid, notFound } from '../../http.js';
import { filtersFrom, pageBody, pageRequest } from '../../paging.js';
import type { Resource, ResourceContext } from '../context.js';
import { allOf, applyChanges, checkCap, DOMAIN_FIELDS, friendlyName, voiceChanges } from './common.js';

/** Names being created right now: the check and the write are apart, so two requests cannot both take one. */
const claiming = new Set<string>();

const domainPath = (domain: SipDomainRecord) => `/2010-04-01/Accounts/${domain.accountSid}/SIP/Domains/${domain.sid}`;

/** What `auth_type` says: the kinds of call authentication mapped, comma-separated, or null when none. */
async function authType(store: Store, domain: SipDomainRecord): Promise<string | null> {
  const mappings = await allOf<SipMappingRecord>(store, 'sip-mapping', domain.accountSid, { domainSid: domain.sid });
  const types = [
    mappings.some((m) => m.type === 'calls-ip-acl') ? 'IP_ACL' : undefined,
    mappings.some((m) => m.type === 'calls-credential-list') ? 'CREDENTIAL_LIST' : undefined,
  ].filter((type) => type !== undefined);
  return types.length > 0 ? types.join(',') : null;
}

export async function domainJson(store: Store, domain: SipDomainRecord) {
  const path = domainPath(domain);
  return {
    account_sid: domain.accountSid,
    api_version: '2010-04-01',
    auth_type: await authType(store, domain),
    date_created: apiDate(domain.createdAt),
    date_updated: apiDate(domain.updatedAt),
    domain_name: domain.domainName,
    friendly_name: domain.friendlyName,
    sid: domain.sid,
    uri: `${path}.json`,
    voice_fallback_method: domain.voiceFallbackMethod,
    voice_fallback_url: domain.voiceFallbackUrl ?? null,
    voice_method: domain.voiceMethod,
    voice_status_callback_method: domain.statusCallbackMethod,
    voice_status_callback_url: domain.statusCallbackUrl ?? null,
    voice_url: domain.voiceUrl ?? null,
    subresource_uris: {
      ip_access_control_list_mappings: `${path}/IpAccessControlListMappings.json`,
      credential_list_mappings: `${path}/CredentialListMappings.json`,
    },
    sip_registration: domain.sipRegistration,
    emergency_calling_enabled: false,
    secure: false,
    byoc_trunk_sid: domain.byocTrunkSid ?? null,
    emergency_caller_sid: null,
  };
}

/** The domain's changes in a form, checked: what Patchbay does not offer is refused (21231), not ignored. */
async function domainChanges(context: ResourceContext, form: Form) {
  const changes: Record<string, unknown> = voiceChanges(form, DOMAIN_FIELDS);
  const name = friendlyName(form, 64, false);
  if (name !== undefined) changes.friendlyName = name;
  const registration = bool(form, 'SipRegistration');
  if (registration !== undefined) changes.sipRegistration = registration;
  if (bool(form, 'Secure')) throw invalid(21231, 'Secure', 'secure SIP (TLS with SRTP) is not supported yet');
  if (bool(form, 'EmergencyCallingEnabled'))
    throw invalid(21231, 'EmergencyCallingEnabled', 'emergency calling is not supported');
  if (field(form, 'EmergencyCallerSid'))
    throw invalid(21231, 'EmergencyCallerSid', 'emergency calling is not supported');
  const trunk = field(form, 'ByocTrunkSid');
  if (trunk !== undefined) {
    if (trunk !== '' && !(await context.store.get('byoc-trunk', context.account.sid, trunk)))
      throw invalid(21231, 'ByocTrunkSid', `${trunk} is not a BYOC trunk of this account`);
    changes.byocTrunkSid = trunk === '' ? null : trunk;
  }
  return changes;
}

/** The domain name in a form, lower case and checked (21232): its labels, the suffix, and that it is free. */
async function domainName(context: ResourceContext, value: string | undefined, self?: string): Promise<string> {
  const suffix = context.sip.domainSuffix;
  if (!value) throw invalid(21232, 'DomainName', `is required: a name ending in .${suffix}`);
  const name = value.toLowerCase();
  const problem = hostnameProblem(name);
  if (problem) throw invalid(21232, 'DomainName', problem);
  if (!name.endsWith(`.${suffix}`)) throw invalid(21232, 'DomainName', `must end in .${suffix}`);
  const taken = await context.store.findOne<SipDomainRecord>('sip-domain', { domainName: name });
  if ((taken && taken.sid !== self) || claiming.has(name))
    throw invalid(21232, 'DomainName', `${name} is in use on this server`);
  return name;
}

/** Runs `write` with `name` reserved for it. */
async function claimed<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
  if (name === undefined) return write();
  claiming.add(name);
  try {
    return await write();
  } finally {
    claiming.delete(name);
  }
}

export const domainsResource: Resource = async (context) => {
  const { store, account, rest, query } = context;
  if (rest === 'SIP/Domains.json') {
    if (context.method === 'POST') {
      const form = await context.form();
      const changes = await domainChanges(context, form);
      const name = await domainName(context, field(form, 'DomainName'));
      await checkCap(store, 'sip-domain', account.sid, SIP_CAPS.domains, 'SIP domains in the account');
      const domain = applyChanges<SipDomainRecord>(
        {
          sid: newSid('SD'),
          accountSid: account.sid,
          createdAt: context.now,
          updatedAt: context.now,
          friendlyName: '',
          domainName: name,
          sipRegistration: false,
          ...DEFAULT_VOICE_METHODS,
        },
        changes,
      );
      await claimed(name, () => store.put('sip-domain', domain));
      return { status: 201, body: await domainJson(store, domain) };
    }
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const page = await store.list<SipDomainRecord>('sip-domain', {
        accountSid: account.sid,
        where: filtersFrom(query, ['DomainName', 'FriendlyName']),
        ...request,
      });
      const items = await Promise.all(page.items.map((domain) => domainJson(store, domain)));
      const path = `/2010-04-01/Accounts/${account.sid}/SIP/Domains.json`;
      return { status: 200, body: pageBody('domains', path, query, request, { ...page, items }, (item) => item) };
    }
    return undefined;
  }
  const match = /^SIP\/Domains\/(SD[0-9a-f]{32})\.json$/.exec(rest);
  if (!match) return undefined;
  const sid = match[1] as string;
  const domain = await store.get<SipDomainRecord>('sip-domain', account.sid, sid);
  if (!domain) throw notFound(sid);
  if (context.method === 'GET') return { status: 200, body: await domainJson(store, domain) };
  if (context.method === 'POST') {
    const form = await context.form();
    const changes = await domainChanges(context, form);
    const given = field(form, 'DomainName');
    const name = given === undefined ? undefined : await domainName(context, given, sid);
    if (name !== undefined) changes.domainName = name;
    const updated = await claimed(name, () =>
      store.update<SipDomainRecord>('sip-domain', account.sid, sid, (current) =>
        applyChanges({ ...current, updatedAt: context.now }, changes),
      ),
    );
    if (!updated) throw notFound(sid);
    return { status: 200, body: await domainJson(store, updated) };
  }
  if (context.method === 'DELETE') {
    for (const mapping of await allOf<SipMappingRecord>(store, 'sip-mapping', account.sid, { domainSid: sid }))
      await store.delete('sip-mapping', account.sid, mapping.sid);
    await store.delete('sip-domain', account.sid, sid);
    return { status: 204 };
  }
  return undefined;
};
