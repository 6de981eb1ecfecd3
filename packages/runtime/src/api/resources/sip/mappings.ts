/**
 * The lists mapped to a SIP domain, under the hosted API's five paths:
 * `CredentialListMappings` and `IpAccessControlListMappings` (the older form) and
 * `Auth/Calls/CredentialListMappings`, `Auth/Calls/IpAccessControlListMappings`,
 * `Auth/Registrations/CredentialListMappings`. The older form and `Auth/Calls` are one set: a
 * list mapped through either authenticates calls and shows under both. A mapping's SID is the
 * list's; mapping a list twice is 21231. A mapped list cannot be deleted (unmap it first).
 */
import type { SipDomainRecord, SipMappingRecord, SipMappingType } from '../../../sip/records.js';
import { SIP_CAPS } from '../../../sip/records.js';
import type { Store, StoredRecord } from '../../../store/types.js';
import { apiDate, field, invalid, notFound } from '../../http.js';
import { pageBody, pageRequest } from '../../paging.js';
import type { Resource } from '../context.js';
import { checkCap } from './common.js';

interface MappingPath {
  readonly type: SipMappingType;
  /** The form field naming the list, and its SID's prefix. */
  readonly parameter: 'CredentialListSid' | 'IpAccessControlListSid';
  /** The list page's key: the older form names it, the Auth paths call it `contents`. */
  readonly key: string;
  /** Whether items carry `domain_sid` and `uri` (the older form). */
  readonly legacy: boolean;
}

const credentials = { parameter: 'CredentialListSid', legacy: false, key: 'contents' } as const;
const PATHS: Record<string, MappingPath> = {
  CredentialListMappings: {
    ...credentials,
    type: 'calls-credential-list',
    legacy: true,
    key: 'credential_list_mappings',
  },
  IpAccessControlListMappings: {
    type: 'calls-ip-acl',
    parameter: 'IpAccessControlListSid',
    legacy: true,
    key: 'ip_access_control_list_mappings',
  },
  'Auth/Calls/CredentialListMappings': { ...credentials, type: 'calls-credential-list' },
  'Auth/Calls/IpAccessControlListMappings': {
    type: 'calls-ip-acl',
    parameter: 'IpAccessControlListSid',
    legacy: false,
    key: 'contents',
  },
  'Auth/Registrations/CredentialListMappings': { ...credentials, type: 'registrations-credential-list' },
};

const PATH =
  /^SIP\/Domains\/(SD[0-9a-f]{32})\/((?:Auth\/(?:Calls|Registrations)\/)?(?:CredentialListMappings|IpAccessControlListMappings))(?:\.json|\/((?:CL|AL)[0-9a-f]{32})\.json)$/;

const listKind = (type: SipMappingType) => (type === 'calls-ip-acl' ? 'sip-ip-acl' : 'sip-credential-list');
const mappingSid = (domainSid: string, type: SipMappingType, listSid: string) => `${domainSid}:${type}:${listSid}`;

async function mappingJson(store: Store, mapping: SipMappingRecord, path: MappingPath, base: string) {
  const list = await store.get<StoredRecord & { friendlyName: string }>(
    listKind(mapping.type),
    mapping.accountSid,
    mapping.listSid,
  );
  const common = {
    account_sid: mapping.accountSid,
    date_created: apiDate(mapping.createdAt),
    date_updated: apiDate(mapping.updatedAt),
    friendly_name: list?.friendlyName ?? null,
    sid: mapping.listSid,
  };
  return path.legacy ? { ...common, domain_sid: mapping.domainSid, uri: `${base}/${mapping.listSid}.json` } : common;
}

/** The mapping of a list of this kind to a domain, if any (whether a list may be deleted). */
export async function mappedDomain(store: Store, listSid: string): Promise<string | undefined> {
  return (await store.findOne<SipMappingRecord>('sip-mapping', { listSid }))?.domainSid;
}

export const mappingsResource: Resource = async (context) => {
  const { store, account, query } = context;
  const match = PATH.exec(context.rest);
  if (!match) return undefined;
  const [, domainSid = '', which = '', listSid] = match;
  const path = PATHS[which];
  if (!path) return undefined;
  const domain = await store.get<SipDomainRecord>('sip-domain', account.sid, domainSid);
  if (!domain) throw notFound(domainSid);
  const base = `/2010-04-01/Accounts/${account.sid}/SIP/Domains/${domainSid}/${which}`;
  if (listSid === undefined) {
    if (context.method === 'POST') {
      const sid = field(await context.form(), path.parameter);
      const list = sid ? await store.get(listKind(path.type), account.sid, sid) : undefined;
      if (!sid || !list) throw invalid(21231, path.parameter, `${sid ?? 'nothing'} is not a list of this account`);
      if (await store.get('sip-mapping', account.sid, mappingSid(domainSid, path.type, sid)))
        throw invalid(21231, path.parameter, `${sid} is mapped to the domain already`);
      await checkCap(store, 'sip-mapping', account.sid, SIP_CAPS.mappingsPerDomain, 'lists mapped to the domain', {
        domainSid,
      });
      const mapping: SipMappingRecord = {
        sid: mappingSid(domainSid, path.type, sid),
        accountSid: account.sid,
        domainSid,
        type: path.type,
        listSid: sid,
        createdAt: context.now,
        updatedAt: context.now,
      };
      await store.put('sip-mapping', mapping);
      return { status: 201, body: await mappingJson(store, mapping, path, base) };
    }
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const page = await store.list<SipMappingRecord>('sip-mapping', {
        accountSid: account.sid,
        where: { domainSid, type: path.type },
        ...request,
      });
      const items = await Promise.all(page.items.map((mapping) => mappingJson(store, mapping, path, base)));
      return { status: 200, body: pageBody(path.key, `${base}.json`, query, request, { ...page, items }, (i) => i) };
    }
    return undefined;
  }
  const sid = mappingSid(domainSid, path.type, listSid);
  const mapping = await store.get<SipMappingRecord>('sip-mapping', account.sid, sid);
  if (!mapping) throw notFound(listSid);
  if (context.method === 'GET') return { status: 200, body: await mappingJson(store, mapping, path, base) };
  if (context.method === 'DELETE') {
    await store.delete('sip-mapping', account.sid, sid);
    return { status: 204 };
  }
  return undefined;
};
