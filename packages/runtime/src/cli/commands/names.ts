/**
 * SIP domains, credential lists, IP lists, trunks and connection policies named the way a user
 * knows them: by SID, or by their domain name or friendly name (looked up in the account's list,
 * so a setup can be typed without copying SIDs between commands).
 *
 * @example
 * const sid = await sidFor(c, 'Desk phones', CREDENTIAL_LIST, signal); // CL...
 */
import { api, type Connection, voiceApi } from '../client.js';
import { type Argument, type Command, command } from '../command.js';
import { CliError } from '../errors.js';
import { checkSid, type Flag } from '../flags.js';

export interface Named {
  /** The SID's two letters. */
  readonly prefix: string;
  /** `a credential list`, for messages. */
  readonly what: string;
  /** The list to look names up in, below the account (or below /v1/ with `v1`). */
  readonly list: string;
  readonly v1?: boolean;
  /** The list's key in the page. */
  readonly key: string;
  /** The field a name matches (case-insensitively). */
  readonly field: string;
  /** The command that lists them, for a name that matches none. */
  readonly listCommand: string;
}

export const DOMAIN: Named = {
  prefix: 'SD',
  what: 'a SIP domain',
  list: 'SIP/Domains.json',
  key: 'domains',
  field: 'domain_name',
  listCommand: 'sip-domains list',
};
export const CREDENTIAL_LIST: Named = {
  prefix: 'CL',
  what: 'a credential list',
  list: 'SIP/CredentialLists.json',
  key: 'credential_lists',
  field: 'friendly_name',
  listCommand: 'sip-creds list',
};
export const IP_ACL: Named = {
  prefix: 'AL',
  what: 'an IP access control list',
  list: 'SIP/IpAccessControlLists.json',
  key: 'ip_access_control_lists',
  field: 'friendly_name',
  listCommand: 'sip-acls list',
};
export const TRUNK: Named = {
  prefix: 'BY',
  what: 'a BYOC trunk',
  list: 'ByocTrunks',
  v1: true,
  key: 'byoc_trunks',
  field: 'friendly_name',
  listCommand: 'trunks list',
};
export const POLICY: Named = {
  prefix: 'NY',
  what: 'a connection policy',
  list: 'ConnectionPolicies',
  v1: true,
  key: 'connection_policies',
  field: 'friendly_name',
  listCommand: 'policies list',
};

/** Something that looks meant as a SID (`CL...`, `CL12ab`) must be one; anything else is a name. */
export function checkSidOrName(named: Named): (value: string) => string | undefined {
  const sid = checkSid(named.prefix, named.what);
  return (value) => (new RegExp(`^${named.prefix}(\\.\\.\\.|[0-9a-fA-F]*)$`).test(value) ? sid(value) : undefined);
}

const nameField = (named: Named) => (named.field === 'domain_name' ? 'domain name' : 'friendly name');

/** A positional argument naming one of `named`: its SID or its name. */
export function sidOrName(named: Named, name: string): Argument {
  return {
    name,
    description: `${named.what}: its SID (${named.prefix}...) or its ${nameField(named)}`,
    check: checkSidOrName(named),
  };
}

/** A flag naming one of `named`, as `sidOrName` does; with `clears`, '' is allowed too (it clears a reference). */
export function sidOrNameFlag(named: Named, description: string, clears = false): Flag & { value: string } {
  const check = checkSidOrName(named);
  return {
    value: `<${named.prefix}...|name>`,
    description,
    check: (value) => (clears && value === '' ? undefined : check(value)),
  };
}

/** A reference flag's value as a SID: unset and '' (clear it) pass as they are. */
export const referenceSid = (c: Connection, given: string | undefined, named: Named, signal: AbortSignal) =>
  given ? sidFor(c, given, named, signal) : Promise.resolve(given);

/** The SID `given` names: itself, or the one entry of the list whose name it is. */
export async function sidFor(c: Connection, given: string, named: Named, signal: AbortSignal): Promise<string> {
  if (checkSid(named.prefix, named.what)(given) === undefined) return given;
  const call = named.v1 ? voiceApi : api;
  const page = await call(c, 'GET', `${named.list}?PageSize=1000`, {}, signal);
  const wanted = given.toLowerCase();
  const found = (page[named.key] as Array<Record<string, unknown>>).filter(
    (row) => String(row[named.field] ?? '').toLowerCase() === wanted,
  );
  if (found.length === 0)
    throw new CliError('not-found', `no ${named.what.replace(/^an? /, '')} named "${given}" in this account`, {
      hint: `see \`patchbay ${named.listCommand}\``,
    });
  if (found.length > 1)
    throw new CliError('invalid-value', `"${given}" names ${found.length} of them: give the SID (${named.prefix}...)`, {
      hint: `see \`patchbay ${named.listCommand}\``,
    });
  return String(found[0]?.sid);
}

/** The path of one of `named` (`SIP/Domains/SD....json`, `ByocTrunks/BY...`). */
export const onePath = (named: Named, sid: string) =>
  named.v1 ? `${named.list}/${sid}` : `${named.list.replace(/\.json$/, '')}/${sid}.json`;

/** `<group> delete <SID|name>`: deletes one of `named` and says which. */
export function deleteCommand(named: Named, arg: Argument, summary: string): Command {
  return command({
    summary,
    client: true,
    args: [arg],
    flags: {},
    async run({ args, io, connection, signal }) {
      const c = connection();
      const sid = await sidFor(c, args[0] as string, named, signal);
      await (named.v1 ? voiceApi : api)(c, 'DELETE', onePath(named, sid), {}, signal);
      io.out(`deleted ${sid}`);
      return 0;
    },
  });
}
