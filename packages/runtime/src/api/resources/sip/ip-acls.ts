/**
 * /2010-04-01/Accounts/{AccountSid}/SIP/IpAccessControlLists and their IpAddresses: the source
 * addresses (IPv4, with a CIDR prefix) whose calls a domain takes without a password.
 * A prefix shorter than 8 is refused: a list is a list of carriers and PBXs, not the internet.
 */
import { ipv4 } from '../../../sip/addresses.js';
import { SIP_CAPS, type SipIpAddressRecord } from '../../../sip/records.js';
import { apiDate, type Form, field, invalid } from '../../http.js';
import { friendlyName } from './common.js';
import { listResource } from './lists.js';

const MIN_PREFIX = 8;

function address(form: Form, required: boolean): string | undefined {
  const value = field(form, 'IpAddress');
  if (value === undefined && !required) return undefined;
  if (value === undefined || ipv4(value) === undefined)
    throw invalid(
      21200,
      'IpAddress',
      `"${value ?? ''}" is not an IPv4 address in dotted decimal (IPv6 is not supported)`,
    );
  return value;
}

function prefix(form: Form): number | undefined {
  const value = field(form, 'CidrPrefixLength');
  if (value === undefined) return undefined;
  if (!/^\d{1,2}$/.test(value) || Number(value) < MIN_PREFIX || Number(value) > 32)
    throw invalid(21200, 'CidrPrefixLength', `must be a whole number from ${MIN_PREFIX} to 32`);
  return Number(value);
}

export const ipAclsResource = listResource<SipIpAddressRecord>({
  segment: 'IpAccessControlLists',
  kind: 'sip-ip-acl',
  prefix: 'AL',
  key: 'ip_access_control_lists',
  maxName: 255,
  listCap: SIP_CAPS.ipAcls,
  nameCode: 21200,
  entries: {
    segment: 'IpAddresses',
    kind: 'sip-ip-address',
    prefix: 'IP',
    key: 'ip_addresses',
    subresource: 'ip_addresses',
    parent: 'ipAccessControlListSid',
    cap: SIP_CAPS.ipAddressesPerList,
    async create(form, base, context) {
      return {
        ...base,
        ipAccessControlListSid: /IpAccessControlLists\/(AL[0-9a-f]{32})/.exec(context.rest)?.[1] as string,
        friendlyName: friendlyName(form, 255, true) as string,
        ipAddress: address(form, true) as string,
        cidrPrefixLength: prefix(form) ?? 32,
      };
    },
    async update(form) {
      const name = friendlyName(form, 255, false);
      const ip = address(form, false);
      const length = prefix(form);
      return {
        ...(name === undefined ? {} : { friendlyName: name }),
        ...(ip === undefined ? {} : { ipAddress: ip }),
        ...(length === undefined ? {} : { cidrPrefixLength: length }),
      };
    },
    json: (entry, uri) => ({
      sid: entry.sid,
      account_sid: entry.accountSid,
      friendly_name: entry.friendlyName,
      ip_address: entry.ipAddress,
      cidr_prefix_length: entry.cidrPrefixLength,
      ip_access_control_list_sid: entry.ipAccessControlListSid,
      date_created: apiDate(entry.createdAt),
      date_updated: apiDate(entry.updatedAt),
      uri,
    }),
  },
});
