/**
 * /2010-04-01/Accounts/{AccountSid}/SIP/IpAccessControlLists and their IpAddresses: the source
 * addresses (IPv4 or IPv6, with a CIDR prefix) whose calls a domain takes without a password.
 * A prefix shorter than 8 (32 for IPv6) is refused: a list is a list of carriers and PBXs, not
 * the internet. (The hosted API takes IPv4 only; IPv6 is Patchbay's own.)
 */
import { minPrefix, parseCidr } from '../../../sip/addresses.js';
import { SIP_CAPS, type SipIpAddressRecord } from '../../../sip/records.js';
import { apiDate, type Form, field, invalid } from '../../http.js';
import { friendlyName } from './common.js';
import { listResource } from './lists.js';

function address(form: Form, required: boolean): string | undefined {
  const value = field(form, 'IpAddress');
  if (value === undefined && !required) return undefined;
  if (value === undefined || value.includes('/') || !parseCidr(value))
    throw invalid(21200, 'IpAddress', `"${value ?? ''}" is not an IPv4 address in dotted decimal or an IPv6 address`);
  return value;
}

/** The whole address's length: 32 for IPv4, 128 for IPv6. */
const fullLength = (address: string) => parseCidr(address)?.prefix ?? 32;

/** The prefix given for `address`, from the shortest its family allows (8, or 32 for IPv6) to its length. */
function prefix(form: Form, address: string): number | undefined {
  const value = field(form, 'CidrPrefixLength');
  if (value === undefined) return undefined;
  const [least, most] = [minPrefix(address), fullLength(address)];
  if (!/^\d{1,3}$/.test(value) || Number(value) < least || Number(value) > most)
    throw invalid(21200, 'CidrPrefixLength', `must be a whole number from ${least} to ${most} for ${address}`);
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
      const name = friendlyName(form, 255, true) as string;
      const ip = address(form, true) as string;
      return {
        ...base,
        ipAccessControlListSid: /IpAccessControlLists\/(AL[0-9a-f]{32})/.exec(context.rest)?.[1] as string,
        friendlyName: name,
        ipAddress: ip,
        cidrPrefixLength: prefix(form, ip) ?? fullLength(ip),
      };
    },
    async update(form, _context, current) {
      const name = friendlyName(form, 255, false);
      const ip = address(form, false);
      // A new address of the other family does not keep the old prefix (a /24 is not an IPv6 block).
      const sameFamily = ip === undefined || minPrefix(ip) === minPrefix(current.ipAddress);
      const length =
        prefix(form, ip ?? current.ipAddress) ?? (sameFamily ? undefined : fullLength(ip ?? current.ipAddress));
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
