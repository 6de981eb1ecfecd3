/**
 * `patchbay sip-creds ...` and `patchbay sip-acls ...`: who a SIP domain lets in,
 * by username and password or by source address. A list admits nothing until it is mapped to a
 * domain (`sip-domains map`). Passwords are sent, never printed: the server does not return them.
 *
 * @example
 * patchbay sip-creds create --friendly-name "Desk phones"
 * PATCHBAY_SIP_PASSWORD=IWasAtSignal2018 patchbay sip-creds add "Desk phones" --username alice
 */
import { api, type Connection } from '../client.js';
import { type Argument, command } from '../command.js';
import { CliError } from '../errors.js';
import { checkInteger } from '../flags.js';
import { details, table } from '../output.js';
import { CREDENTIAL_LIST, IP_ACL, sidFor, sidOrName } from './names.js';

const LIST_ARG: Argument = sidOrName(CREDENTIAL_LIST, 'CL...|name');
const ACL_ARG: Argument = sidOrName(IP_ACL, 'AL...|name');
const NAME = { value: '<name>', description: 'a name for it (unique in the account)', required: true } as const;
const PASSWORD = {
  value: '<password>',
  description:
    'at least 12 characters with a digit, a lower and an upper case letter (default $PATCHBAY_SIP_PASSWORD, which keeps it out of ps)',
} as const;
const LIST_FIELDS = ['sid', 'friendly_name', 'date_created', 'date_updated'];

/** `--password`, else PATCHBAY_SIP_PASSWORD; a missing one says how to give it. */
function password(given: string | undefined, env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = given ?? (env.PATCHBAY_SIP_PASSWORD || undefined);
  if (value === undefined)
    throw new CliError('missing-flag', `\`patchbay ${name}\` needs a password`, {
      hint: 'set PATCHBAY_SIP_PASSWORD (kept out of ps), or pass --password',
    });
  return value;
}

/**
 * The SID of an entry of a list (a credential, an address): given as a SID, or found by its
 * username or address.
 */
async function entrySid(
  c: Connection,
  path: string,
  key: string,
  field: string,
  given: string,
  prefix: string,
  signal: AbortSignal,
): Promise<string> {
  if (new RegExp(`^${prefix}[0-9a-f]{32}$`).test(given)) return given;
  const page = await api(c, 'GET', `${path}.json?PageSize=1000`, {}, signal);
  const found = (page[key] as Array<Record<string, unknown>>).find((entry) => entry[field] === given);
  if (!found) throw new CliError('not-found', `no ${given} in this list`, { hint: 'see the list with `get`' });
  return String(found.sid);
}

export const credentialListsCreate = command({
  summary: 'a new credential list: usernames and passwords a SIP domain lets in once mapped',
  client: true,
  flags: { 'friendly-name': NAME },
  examples: ['patchbay sip-creds create --friendly-name "Desk phones"'],
  async run({ flags, io, connection, signal }) {
    const form = { FriendlyName: flags['friendly-name'] };
    const list = await api(connection(), 'POST', 'SIP/CredentialLists.json', form, signal);
    io.out(`${list.sid}  ${list.friendly_name}`);
    return 0;
  },
});

export const credentialListsList = command({
  summary: "the account's credential lists",
  client: true,
  flags: {},
  async run({ io, connection, signal }) {
    const page = await api(connection(), 'GET', 'SIP/CredentialLists.json?PageSize=1000', {}, signal);
    io.out(table(page.credential_lists as Array<Record<string, unknown>>, ['sid', 'friendly_name']));
    return 0;
  },
});

export const credentialListsGet = command({
  summary: 'show a credential list and its usernames',
  client: true,
  args: [LIST_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const sid = await sidFor(c, args[0] as string, CREDENTIAL_LIST, signal);
    const list = await api(c, 'GET', `SIP/CredentialLists/${sid}.json`, {}, signal);
    const page = await api(c, 'GET', `SIP/CredentialLists/${sid}/Credentials.json?PageSize=1000`, {}, signal);
    const rows = page.credentials as Array<Record<string, unknown>>;
    io.out(`${details(list, LIST_FIELDS)}\n\n${table(rows, ['sid', 'username', 'date_created'])}`);
    return 0;
  },
});

export const credentialListsDelete = command({
  summary: 'delete a credential list and its credentials (unmap it from its domains first)',
  client: true,
  args: [LIST_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const sid = await sidFor(c, args[0] as string, CREDENTIAL_LIST, signal);
    await api(c, 'DELETE', `SIP/CredentialLists/${sid}.json`, {}, signal);
    io.out(`deleted ${sid}`);
    return 0;
  },
});

export const credentialListsAdd = command({
  summary: 'add a username and password to a credential list',
  client: true,
  args: [LIST_ARG],
  flags: {
    username: {
      value: '<username>',
      description: 'what the phone authenticates as (sip:<username>@<domain>)',
      required: true,
    },
    password: PASSWORD,
  },
  examples: ['PATCHBAY_SIP_PASSWORD=IWasAtSignal2018 patchbay sip-creds add "Desk phones" --username alice'],
  async run({ args, flags, env, io, connection, signal }) {
    const form = {
      Username: flags.username,
      Password: password(flags.password, env, 'sip-creds add'),
    };
    const c = connection();
    const sid = await sidFor(c, args[0] as string, CREDENTIAL_LIST, signal);
    const credential = await api(c, 'POST', `SIP/CredentialLists/${sid}/Credentials.json`, form, signal);
    io.out(`${credential.sid}  ${credential.username}  (password set)`);
    return 0;
  },
});

const CREDENTIAL_ARG: Argument = { name: 'CR...|username', description: 'the credential: its SID or its username' };

export const credentialListsPassword = command({
  summary: "change a credential's password",
  client: true,
  args: [LIST_ARG, CREDENTIAL_ARG],
  flags: { password: PASSWORD },
  async run({ args, flags, env, io, connection, signal }) {
    const c = connection();
    const path = `SIP/CredentialLists/${await sidFor(c, args[0] as string, CREDENTIAL_LIST, signal)}/Credentials`;
    const sid = await entrySid(c, path, 'credentials', 'username', args[1] as string, 'CR', signal);
    const form = { Password: password(flags.password, env, 'sip-creds password') };
    const credential = await api(c, 'POST', `${path}/${sid}.json`, form, signal);
    io.out(`${credential.sid}  ${credential.username}  (password changed)`);
    return 0;
  },
});

export const credentialListsRemove = command({
  summary: 'remove a username from a credential list',
  client: true,
  args: [LIST_ARG, CREDENTIAL_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const path = `SIP/CredentialLists/${await sidFor(c, args[0] as string, CREDENTIAL_LIST, signal)}/Credentials`;
    const sid = await entrySid(c, path, 'credentials', 'username', args[1] as string, 'CR', signal);
    await api(c, 'DELETE', `${path}/${sid}.json`, {}, signal);
    io.out(`deleted ${sid}`);
    return 0;
  },
});

export const ipAclsCreate = command({
  summary: 'a new IP access control list: addresses a SIP domain lets call without a password once mapped',
  client: true,
  flags: { 'friendly-name': NAME },
  examples: ['patchbay sip-acls create --friendly-name "Office PBX"'],
  async run({ flags, io, connection, signal }) {
    const form = { FriendlyName: flags['friendly-name'] };
    const list = await api(connection(), 'POST', 'SIP/IpAccessControlLists.json', form, signal);
    io.out(`${list.sid}  ${list.friendly_name}`);
    return 0;
  },
});

export const ipAclsList = command({
  summary: "the account's IP access control lists",
  client: true,
  flags: {},
  async run({ io, connection, signal }) {
    const page = await api(connection(), 'GET', 'SIP/IpAccessControlLists.json?PageSize=1000', {}, signal);
    io.out(table(page.ip_access_control_lists as Array<Record<string, unknown>>, ['sid', 'friendly_name']));
    return 0;
  },
});

export const ipAclsGet = command({
  summary: 'show an IP access control list and its addresses',
  client: true,
  args: [ACL_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const sid = await sidFor(c, args[0] as string, IP_ACL, signal);
    const list = await api(c, 'GET', `SIP/IpAccessControlLists/${sid}.json`, {}, signal);
    const page = await api(c, 'GET', `SIP/IpAccessControlLists/${sid}/IpAddresses.json?PageSize=1000`, {}, signal);
    const rows = page.ip_addresses as Array<Record<string, unknown>>;
    io.out(
      `${details(list, LIST_FIELDS)}\n\n${table(rows, ['sid', 'ip_address', 'cidr_prefix_length', 'friendly_name'])}`,
    );
    return 0;
  },
});

export const ipAclsDelete = command({
  summary: 'delete an IP access control list and its addresses (unmap it from its domains first)',
  client: true,
  args: [ACL_ARG],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const sid = await sidFor(c, args[0] as string, IP_ACL, signal);
    await api(c, 'DELETE', `SIP/IpAccessControlLists/${sid}.json`, {}, signal);
    io.out(`deleted ${sid}`);
    return 0;
  },
});

export const ipAclsAdd = command({
  summary: 'add an IPv4 address (or a range) to an IP access control list',
  client: true,
  args: [ACL_ARG],
  flags: {
    ip: { value: '<address>', description: 'an IPv4 address, e.g. 203.0.113.10', required: true },
    'cidr-prefix-length': {
      value: '<8-32>',
      description: 'how many leading bits must match (default 32: this address only)',
      check: checkInteger(8, 32),
    },
    'friendly-name': { value: '<name>', description: 'a name for it (default: the address)' },
  },
  examples: ['patchbay sip-acls add "Office PBX" --ip 203.0.113.10'],
  async run({ args, flags, io, connection, signal }) {
    const form = {
      IpAddress: flags.ip,
      CidrPrefixLength: flags['cidr-prefix-length'],
      FriendlyName: flags['friendly-name'] ?? flags.ip,
    };
    const c = connection();
    const sid = await sidFor(c, args[0] as string, IP_ACL, signal);
    const entry = await api(c, 'POST', `SIP/IpAccessControlLists/${sid}/IpAddresses.json`, form, signal);
    io.out(`${entry.sid}  ${entry.ip_address}/${entry.cidr_prefix_length}  ${entry.friendly_name}`);
    return 0;
  },
});

export const ipAclsRemove = command({
  summary: 'remove an address from an IP access control list',
  client: true,
  args: [ACL_ARG, { name: 'IP...|address', description: 'the entry: its SID or its address' }],
  flags: {},
  async run({ args, io, connection, signal }) {
    const c = connection();
    const path = `SIP/IpAccessControlLists/${await sidFor(c, args[0] as string, IP_ACL, signal)}/IpAddresses`;
    const sid = await entrySid(c, path, 'ip_addresses', 'ip_address', args[1] as string, 'IP', signal);
    await api(c, 'DELETE', `${path}/${sid}.json`, {}, signal);
    io.out(`deleted ${sid}`);
    return 0;
  },
});
