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
import { type Argument, type Command, command } from '../command.js';
import { CliError } from '../errors.js';
import { checkInteger } from '../flags.js';
import { details, table } from '../output.js';
import { CREDENTIAL_LIST, deleteCommand, IP_ACL, type Named, sidFor, sidOrName } from './names.js';

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

/** What differs between the two kinds of list: credential lists and IP access control lists. */
interface ListKind {
  readonly named: Named;
  readonly group: string;
  readonly arg: Argument;
  /** Below the account: `SIP/CredentialLists`. */
  readonly path: string;
  readonly entries: {
    /** Below a list: `Credentials`. */
    readonly path: string;
    readonly key: string;
    readonly prefix: string;
    /** The field an entry is named by (`username`, `ip_address`). */
    readonly field: string;
    readonly columns: readonly string[];
    readonly arg: Argument;
  };
  readonly summaries: { create: string; get: string; delete: string; remove: string };
  readonly example: string;
}

/** A list's SID and the path of its entries. */
async function entriesPath(c: Connection, kind: ListKind, given: string, signal: AbortSignal): Promise<string> {
  return `${kind.path}/${await sidFor(c, given, kind.named, signal)}/${kind.entries.path}`;
}

/** The SID of an entry of a list (a credential, an address): given as a SID, or found by its username or address. */
async function entrySid(c: Connection, kind: ListKind, path: string, given: string, signal: AbortSignal) {
  if (new RegExp(`^${kind.entries.prefix}[0-9a-f]{32}$`).test(given)) return given;
  const page = await api(c, 'GET', `${path}.json?PageSize=1000`, {}, signal);
  const found = (page[kind.entries.key] as Array<Record<string, unknown>>).find(
    (entry) => entry[kind.entries.field] === given,
  );
  if (!found)
    throw new CliError('not-found', `no ${given} in this list`, { hint: `see \`patchbay ${kind.group} get\`` });
  return String(found.sid);
}

/** The commands both kinds have: create, list, get (with the entries), delete, and remove an entry. */
function listCommands(kind: ListKind): Record<'create' | 'list' | 'get' | 'delete' | 'remove', Command> {
  return {
    create: command({
      summary: kind.summaries.create,
      client: true,
      flags: { 'friendly-name': NAME },
      examples: [kind.example],
      async run({ flags, io, connection, signal }) {
        const form = { FriendlyName: flags['friendly-name'] };
        const list = await api(connection(), 'POST', `${kind.path}.json`, form, signal);
        io.out(`${list.sid}  ${list.friendly_name}`);
        return 0;
      },
    }),
    list: command({
      summary: `the account's ${kind.named.what.replace(/^an? /, '')}s`,
      client: true,
      flags: {},
      async run({ io, connection, signal }) {
        const page = await api(connection(), 'GET', `${kind.path}.json?PageSize=1000`, {}, signal);
        io.out(table(page[kind.named.key] as Array<Record<string, unknown>>, ['sid', 'friendly_name']));
        return 0;
      },
    }),
    get: command({
      summary: kind.summaries.get,
      client: true,
      args: [kind.arg],
      flags: {},
      async run({ args, io, connection, signal }) {
        const c = connection();
        const sid = await sidFor(c, args[0] as string, kind.named, signal);
        const list = await api(c, 'GET', `${kind.path}/${sid}.json`, {}, signal);
        const page = await api(c, 'GET', `${kind.path}/${sid}/${kind.entries.path}.json?PageSize=1000`, {}, signal);
        const rows = page[kind.entries.key] as Array<Record<string, unknown>>;
        io.out(`${details(list, LIST_FIELDS)}\n\n${table(rows, kind.entries.columns)}`);
        return 0;
      },
    }),
    delete: deleteCommand(kind.named, kind.arg, kind.summaries.delete),
    remove: command({
      summary: kind.summaries.remove,
      client: true,
      args: [kind.arg, kind.entries.arg],
      flags: {},
      async run({ args, io, connection, signal }) {
        const c = connection();
        const path = await entriesPath(c, kind, args[0] as string, signal);
        const sid = await entrySid(c, kind, path, args[1] as string, signal);
        await api(c, 'DELETE', `${path}/${sid}.json`, {}, signal);
        io.out(`deleted ${sid}`);
        return 0;
      },
    }),
  };
}

const CREDENTIALS: ListKind = {
  named: CREDENTIAL_LIST,
  group: 'sip-creds',
  arg: sidOrName(CREDENTIAL_LIST, 'CL...|name'),
  path: 'SIP/CredentialLists',
  entries: {
    path: 'Credentials',
    key: 'credentials',
    prefix: 'CR',
    field: 'username',
    columns: ['sid', 'username', 'date_created'],
    arg: { name: 'CR...|username', description: 'the credential: its SID or its username' },
  },
  summaries: {
    create: 'a new credential list: usernames and passwords a SIP domain lets in once mapped',
    get: 'show a credential list and its usernames',
    delete: 'delete a credential list and its credentials (unmap it from its domains first)',
    remove: 'remove a username from a credential list',
  },
  example: 'patchbay sip-creds create --friendly-name "Desk phones"',
};

const ACLS: ListKind = {
  named: IP_ACL,
  group: 'sip-acls',
  arg: sidOrName(IP_ACL, 'AL...|name'),
  path: 'SIP/IpAccessControlLists',
  entries: {
    path: 'IpAddresses',
    key: 'ip_addresses',
    prefix: 'IP',
    field: 'ip_address',
    columns: ['sid', 'ip_address', 'cidr_prefix_length', 'friendly_name'],
    arg: { name: 'IP...|address', description: 'the entry: its SID or its address' },
  },
  summaries: {
    create: 'a new IP access control list: addresses a SIP domain lets call without a password once mapped',
    get: 'show an IP access control list and its addresses',
    delete: 'delete an IP access control list and its addresses (unmap it from its domains first)',
    remove: 'remove an address from an IP access control list',
  },
  example: 'patchbay sip-acls create --friendly-name "Office PBX"',
};

export const credentialLists = listCommands(CREDENTIALS);
export const ipAcls = listCommands(ACLS);

export const credentialListsAdd = command({
  summary: 'add a username and password to a credential list',
  client: true,
  args: [CREDENTIALS.arg],
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
    const path = await entriesPath(c, CREDENTIALS, args[0] as string, signal);
    const credential = await api(c, 'POST', `${path}.json`, form, signal);
    io.out(`${credential.sid}  ${credential.username}  (password set)`);
    return 0;
  },
});

export const credentialListsPassword = command({
  summary: "change a credential's password",
  client: true,
  args: [CREDENTIALS.arg, CREDENTIALS.entries.arg],
  flags: { password: PASSWORD },
  async run({ args, flags, env, io, connection, signal }) {
    const c = connection();
    const path = await entriesPath(c, CREDENTIALS, args[0] as string, signal);
    const sid = await entrySid(c, CREDENTIALS, path, args[1] as string, signal);
    const form = { Password: password(flags.password, env, 'sip-creds password') };
    const credential = await api(c, 'POST', `${path}/${sid}.json`, form, signal);
    io.out(`${credential.sid}  ${credential.username}  (password changed)`);
    return 0;
  },
});

export const ipAclsAdd = command({
  summary: 'add an IPv4 address (or a range) to an IP access control list',
  client: true,
  args: [ACLS.arg],
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
    const path = await entriesPath(c, ACLS, args[0] as string, signal);
    const entry = await api(c, 'POST', `${path}.json`, form, signal);
    io.out(`${entry.sid}  ${entry.ip_address}/${entry.cidr_prefix_length}  ${entry.friendly_name}`);
    return 0;
  },
});
