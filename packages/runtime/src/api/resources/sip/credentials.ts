/**
 * /2010-04-01/Accounts/{AccountSid}/SIP/CredentialLists and their Credentials: the usernames and
 * passwords SIP phones answer a domain's digest challenge with (the realm is the domain name).
 * Passwords follow the hosted rules (12 characters at least, a digit, mixed case; 21240
 * otherwise), are sealed by the server's SecretBox, and are never returned.
 */
import { SIP_CAPS, type SipCredentialRecord } from '../../../sip/records.js';
import { apiDate, type Form, field, invalid } from '../../http.js';
import type { ResourceContext } from '../context.js';
import { allOf } from './common.js';
import { listResource } from './lists.js';

/** RFC 3261's user part: unreserved and user-unreserved characters, unescaped. */
const USERNAME = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/]{1,32}$/;

function password(form: Form, required: boolean): string | undefined {
  const value = field(form, 'Password');
  if (value === undefined && !required) return undefined;
  const ok =
    value !== undefined &&
    value.length >= 12 &&
    value.length <= 255 &&
    /\d/.test(value) &&
    /[a-z]/.test(value) &&
    /[A-Z]/.test(value);
  if (!ok)
    throw invalid(
      21240,
      'Password',
      'must be 12 to 255 characters with at least a digit, a lower and an upper case letter',
    );
  return value;
}

async function username(form: Form, listSid: string, context: ResourceContext): Promise<string> {
  const value = field(form, 'Username');
  if (!value || !USERNAME.test(value))
    throw invalid(
      21240,
      'Username',
      "must be 1 to 32 characters SIP allows in a user name (letters, digits, -_.!~*'()&=+$,;?/)",
    );
  const same = await allOf(context.store, 'sip-credential', context.account.sid, {
    credentialListSid: listSid,
    username: value,
  });
  if (same.length > 0) throw invalid(21240, 'Username', `${value} is in the list already`);
  return value;
}

export const credentialListsResource = listResource<SipCredentialRecord>({
  segment: 'CredentialLists',
  kind: 'sip-credential-list',
  prefix: 'CL',
  key: 'credential_lists',
  maxName: 64,
  listCap: SIP_CAPS.credentialLists,
  nameCode: 21240,
  entries: {
    segment: 'Credentials',
    kind: 'sip-credential',
    prefix: 'CR',
    key: 'credentials',
    subresource: 'credentials',
    parent: 'credentialListSid',
    cap: SIP_CAPS.credentialsPerList,
    async create(form, base, context) {
      const listSid = /CredentialLists\/(CL[0-9a-f]{32})/.exec(context.rest)?.[1] as string;
      const secret = password(form, true) as string;
      return {
        ...base,
        credentialListSid: listSid,
        username: await username(form, listSid, context),
        sealedPassword: context.sip.secrets.seal(secret),
      };
    },
    async update(form, context) {
      const secret = password(form, false);
      return secret === undefined ? {} : { sealedPassword: context.sip.secrets.seal(secret) };
    },
    json: (credential, uri) => ({
      sid: credential.sid,
      account_sid: credential.accountSid,
      credential_list_sid: credential.credentialListSid,
      username: credential.username,
      date_created: apiDate(credential.createdAt),
      date_updated: apiDate(credential.updatedAt),
      uri,
    }),
  },
});
