/**
 * `patchbay sip-domains ...`: the addresses SIP phones and PBXs call (`sip:alice@<domain>`), the
 * app their calls run, and the credential lists and IP access control lists that admit them
 * (`map`, `unmap`). See docs/sip.md.
 *
 * @example
 * patchbay sip-domains create --domain-name acme.sip.patchbay.local --voice-url http://127.0.0.1:4000/sip
 * patchbay sip-domains map acme.sip.patchbay.local --credential-list "Desk phones" --for both
 */
import { api, type Connection, type Form } from '../client.js';
import { type Argument, command } from '../command.js';
import { usage } from '../errors.js';
import type { Flag } from '../flags.js';
import { details, table } from '../output.js';
import {
  CREDENTIAL_LIST,
  DOMAIN,
  deleteCommand,
  IP_ACL,
  referenceSid,
  sidFor,
  sidOrName,
  sidOrNameFlag,
  TRUNK,
} from './names.js';
import { anySetting, method, url } from './settings.js';

const DOMAIN_ARG: Argument = sidOrName(DOMAIN, 'SD...|domain');

const DOMAIN_FLAGS = {
  'voice-url': url("where the domain's calls go: the app that answers them"),
  'voice-method': method('how VoiceUrl is requested (default POST)'),
  'voice-fallback-url': url('requested when VoiceUrl fails'),
  'voice-status-callback': url('where call status changes are sent'),
  'sip-registration': {
    value: '<true|false>',
    description: 'whether phones may register to the domain (default false)',
    choices: ['true', 'false'],
  },
  'byoc-trunk': sidOrNameFlag(
    TRUNK,
    "the BYOC trunk (its SID or friendly name) the domain's calls to numbers go out through ('' to stop)",
    true,
  ),
  'friendly-name': { value: '<name>', description: 'a name for it' },
} as const satisfies Record<string, Flag>;

type DomainValues = { readonly [K in keyof typeof DOMAIN_FLAGS]?: string | undefined };

const domainForm = async (c: Connection, flags: DomainValues, signal: AbortSignal): Promise<Form> => ({
  VoiceUrl: flags['voice-url'],
  VoiceMethod: flags['voice-method'],
  VoiceFallbackUrl: flags['voice-fallback-url'],
  VoiceStatusCallbackUrl: flags['voice-status-callback'],
  SipRegistration: flags['sip-registration'],
  ByocTrunkSid: await referenceSid(c, flags['byoc-trunk'], TRUNK, signal),
  FriendlyName: flags['friendly-name'],
});

const FIELDS = [
  'sid',
  'domain_name',
  'friendly_name',
  'voice_url',
  'voice_method',
  'voice_fallback_url',
  'voice_status_callback_url',
  'sip_registration',
  'auth_type',
  'byoc_trunk_sid',
  'date_created',
  'date_updated',
];

type Purpose = 'calls' | 'registrations';
type ListKind = 'credential-list' | 'ip-acl';

/** Where each kind of mapping lives below the domain, and the parameter naming the list. */
const MAPPINGS: Record<Purpose, Partial<Record<ListKind, readonly [path: string, parameter: string]>>> = {
  calls: {
    'credential-list': ['Auth/Calls/CredentialListMappings', 'CredentialListSid'],
    'ip-acl': ['Auth/Calls/IpAccessControlListMappings', 'IpAccessControlListSid'],
  },
  registrations: { 'credential-list': ['Auth/Registrations/CredentialListMappings', 'CredentialListSid'] },
};

const MAP_FLAGS = {
  'credential-list': sidOrNameFlag(
    CREDENTIAL_LIST,
    'a credential list (its SID or friendly name): its usernames and passwords are let in',
  ),
  'ip-acl': sidOrNameFlag(
    IP_ACL,
    'an IP access control list (its SID or friendly name): calls from its addresses are let in without a password',
  ),
  for: {
    value: '<calls|registrations|both>',
    description: 'what the list admits (default calls; phones that register need registrations)',
    choices: ['calls', 'registrations', 'both'],
  },
} as const satisfies Record<string, Flag>;

/** The one list a map/unmap names, and the purposes it is for; a mistake is a usage error. */
function mapping(flags: { [K in keyof typeof MAP_FLAGS]?: string | undefined }, name: string) {
  const credentialList = flags['credential-list'];
  const ipAcl = flags['ip-acl'];
  if (credentialList !== undefined && ipAcl !== undefined)
    throw usage('conflicting-flags', 'give one of --credential-list and --ip-acl, not both', name);
  if (credentialList === undefined && ipAcl === undefined)
    throw usage('missing-flag', 'name the list: --credential-list CL...|name or --ip-acl AL...|name', name);
  const kind: ListKind = credentialList !== undefined ? 'credential-list' : 'ip-acl';
  const purposes: Purpose[] = flags.for === 'both' ? ['calls', 'registrations'] : [(flags.for ?? 'calls') as Purpose];
  if (kind === 'ip-acl' && purposes.includes('registrations'))
    throw usage('invalid-value', 'an IP access control list admits calls only: phones register with a password', name);
  return { kind, list: (credentialList ?? ipAcl) as string, purposes };
}

const mappingPath = (purpose: Purpose, kind: ListKind) => MAPPINGS[purpose][kind] as readonly [string, string];

/** The SIDs of the domain and the list a map/unmap names (each by SID or by name). */
async function resolve(c: Connection, domain: string, kind: ListKind, list: string, signal: AbortSignal) {
  const domainSid = await sidFor(c, domain, DOMAIN, signal);
  const listSid = await sidFor(c, list, kind === 'ip-acl' ? IP_ACL : CREDENTIAL_LIST, signal);
  return { domainSid, listSid };
}

/** The lists mapped to a domain, by purpose and kind: `credential_lists_for_calls: CL... (Desk phones)`. */
async function mappedLists(c: Connection, domainSid: string, signal: AbortSignal): Promise<Record<string, string>> {
  const mapped: Record<string, string> = {};
  for (const [purpose, kinds] of Object.entries(MAPPINGS)) {
    for (const [kind, [path]] of Object.entries(kinds)) {
      const page = await api(c, 'GET', `SIP/Domains/${domainSid}/${path}.json`, {}, signal);
      const lists = (page.contents as Array<{ sid: string; friendly_name: string | null }>).map(
        (list) => `${list.sid}${list.friendly_name ? ` (${list.friendly_name})` : ''}`,
      );
      mapped[`${kind.replace('-', '_')}s_for_${purpose}`] = lists.join(', ');
    }
  }
  return mapped;
}

export const sipDomainsCreate = command({
  summary: 'a new SIP domain: an address phones call, and the app its calls run',
  description: [
    "The name ends in the server's suffix (sip.patchbay.local unless the server was started with",
    '--sip-domain-suffix). The domain takes calls once a list is mapped to it (`sip-domains map`).',
  ].join('\n'),
  client: true,
  flags: {
    'domain-name': { value: '<name>', description: 'e.g. acme.sip.patchbay.local', required: true },
    ...DOMAIN_FLAGS,
  },
  examples: [
    'patchbay sip-domains create --domain-name acme.sip.patchbay.local --voice-url http://127.0.0.1:4000/sip --sip-registration true',
  ],
  async run({ flags, io, connection, signal }) {
    const c = connection();
    const form = { DomainName: flags['domain-name'], ...(await domainForm(c, flags, signal)) };
    const domain = await api(c, 'POST', 'SIP/Domains.json', form, signal);
    io.out(`${domain.sid}  ${domain.domain_name}  voice: ${domain.voice_url ?? '(none)'}`);
    return 0;
  },
});

export const sipDomainsList = command({
  summary: "the account's SIP domains",
  client: true,
  flags: {},
  async run({ io, connection, signal }) {
    const page = await api(connection(), 'GET', 'SIP/Domains.json?PageSize=1000', {}, signal);
    io.out(table(page.domains as Array<Record<string, unknown>>, ['sid', 'domain_name', 'voice_url', 'auth_type']));
    return 0;
  },
});

export const sipDomainsGet = command({
  summary: 'show one SIP domain and the lists mapped to it',
  client: true,
  args: [DOMAIN_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const sid = await sidFor(c, args[0] as string, DOMAIN, signal);
    const domain = await api(c, 'GET', `SIP/Domains/${sid}.json`, {}, signal);
    const mapped = await mappedLists(c, sid, signal);
    io.out(details({ ...domain, ...mapped }, [...FIELDS, ...Object.keys(mapped)]));
    return 0;
  },
});

export const sipDomainsUpdate = command({
  summary: "change a SIP domain's settings",
  description: "Only the settings given change; an empty value ('') clears a URL.",
  client: true,
  args: [DOMAIN_ARG],
  flags: { 'domain-name': { value: '<name>', description: 'a new name for the domain' }, ...DOMAIN_FLAGS },
  examples: ['patchbay sip-domains update acme.sip.patchbay.local --voice-url http://127.0.0.1:4000/sip'],
  async run({ args, flags, io, connection, signal }) {
    const c = connection();
    const form = { DomainName: flags['domain-name'], ...(await domainForm(c, flags, signal)) };
    if (!anySetting(form)) throw usage('missing-flag', 'give at least one setting to change', 'sip-domains update');
    const sid = await sidFor(c, args[0] as string, DOMAIN, signal);
    io.out(details(await api(c, 'POST', `SIP/Domains/${sid}.json`, form, signal), FIELDS));
    return 0;
  },
});

export const sipDomainsDelete = deleteCommand(
  DOMAIN,
  DOMAIN_ARG,
  'delete a SIP domain (its mappings go too; the lists stay)',
);

export const sipDomainsMap = command({
  summary: 'let the users of a credential list (or the addresses of an IP list) call or register',
  description: [
    'A domain takes no calls until a list is mapped to it for calls. Phones that register',
    '(--sip-registration true) need a credential list mapped for registrations too: --for both.',
  ].join('\n'),
  client: true,
  args: [DOMAIN_ARG],
  flags: MAP_FLAGS,
  examples: [
    'patchbay sip-domains map acme.sip.patchbay.local --credential-list "Desk phones" --for both',
    'patchbay sip-domains map acme.sip.patchbay.local --ip-acl "Office PBX"',
  ],
  async run({ args, flags, io, connection, signal }) {
    const { kind, list, purposes } = mapping(flags, 'sip-domains map');
    const c = connection();
    const { domainSid, listSid } = await resolve(c, args[0] as string, kind, list, signal);
    for (const purpose of purposes) {
      const [path, parameter] = mappingPath(purpose, kind);
      // Mapping again is not a mistake worth stopping for (`--for both` after `--for calls`).
      const mapped = await api(c, 'GET', `SIP/Domains/${domainSid}/${path}.json`, {}, signal);
      if ((mapped.contents as Array<{ sid: string }>).some((list) => list.sid === listSid)) {
        io.out(`${listSid} is mapped to ${domainSid} for ${purpose} already`);
        continue;
      }
      await api(c, 'POST', `SIP/Domains/${domainSid}/${path}.json`, { [parameter]: listSid }, signal);
      io.out(`mapped ${listSid} to ${domainSid} for ${purpose}`);
    }
    return 0;
  },
});

export const sipDomainsUnmap = command({
  summary: 'stop a credential list or IP list admitting calls or registrations to a domain',
  client: true,
  args: [DOMAIN_ARG],
  flags: MAP_FLAGS,
  async run({ args, flags, io, connection, signal }) {
    const { kind, list, purposes } = mapping(flags, 'sip-domains unmap');
    const c = connection();
    const { domainSid, listSid } = await resolve(c, args[0] as string, kind, list, signal);
    for (const purpose of purposes) {
      const [path] = mappingPath(purpose, kind);
      await api(c, 'DELETE', `SIP/Domains/${domainSid}/${path}/${listSid}.json`, {}, signal);
      io.out(`unmapped ${listSid} from ${domainSid} for ${purpose}`);
    }
    return 0;
  },
});
