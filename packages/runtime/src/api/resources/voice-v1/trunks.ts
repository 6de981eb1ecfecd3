/**
 * /v1/ByocTrunks: trunks to carriers ("bring your own carrier"), in the hosted voice v1 API's
 * shape. A trunk's connection policy lists where its calls go (connection-policies.ts); calls
 * from those targets' hosts run the trunk's VoiceUrl when no number routes them. Patchbay adds
 * `AuthUsername` and `AuthPassword`: what to answer a carrier that challenges our INVITEs
 * (write-only: the password is sealed and never returned).
 */
import { newSid } from '../../../sid.js';
import { type ByocTrunkRecord, DEFAULT_VOICE_METHODS, SIP_CAPS } from '../../../sip/records.js';
import { bool, type Form, field, invalid, notFound } from '../../http.js';
import { pageRequest } from '../../paging.js';
import type { Resource, ResourceContext } from '../context.js';
import { applyChanges, checkCap, friendlyName, TRUNK_FIELDS, voiceChanges } from '../sip/common.js';
import { isoDate, v1Page } from './paging.js';

export function trunkJson(trunk: ByocTrunkRecord, base: string) {
  return {
    account_sid: trunk.accountSid,
    sid: trunk.sid,
    friendly_name: trunk.friendlyName || null,
    voice_url: trunk.voiceUrl ?? null,
    voice_method: trunk.voiceMethod,
    voice_fallback_url: trunk.voiceFallbackUrl ?? null,
    voice_fallback_method: trunk.voiceFallbackMethod,
    status_callback_url: trunk.statusCallbackUrl ?? null,
    status_callback_method: trunk.statusCallbackMethod,
    cnam_lookup_enabled: trunk.cnamLookupEnabled,
    connection_policy_sid: trunk.connectionPolicySid ?? null,
    from_domain_sid: trunk.fromDomainSid ?? null,
    date_created: isoDate(trunk.createdAt),
    date_updated: isoDate(trunk.updatedAt),
    url: `${base}/v1/ByocTrunks/${trunk.sid}`,
  };
}

/** A SID field naming a record of the account (21231 otherwise); '' clears it (null). */
async function reference(context: ResourceContext, form: Form, name: string, kind: 'connection-policy' | 'sip-domain') {
  const value = field(form, name);
  if (value === undefined) return undefined;
  if (value === '') return null;
  if (!(await context.store.get(kind, context.account.sid, value)))
    throw invalid(21231, name, `${value} is not a ${kind.replace('-', ' ')} of this account`);
  return value;
}

async function trunkChanges(context: ResourceContext, form: Form) {
  const changes: Record<string, unknown> = voiceChanges(form, TRUNK_FIELDS);
  const name = friendlyName(form, 255, false);
  if (name !== undefined) changes.friendlyName = name;
  const cnam = bool(form, 'CnamLookupEnabled');
  if (cnam) throw invalid(21231, 'CnamLookupEnabled', 'caller name lookups are not supported');
  if (cnam !== undefined) changes.cnamLookupEnabled = cnam;
  changes.connectionPolicySid = await reference(context, form, 'ConnectionPolicySid', 'connection-policy');
  changes.fromDomainSid = await reference(context, form, 'FromDomainSid', 'sip-domain');
  const user = field(form, 'AuthUsername');
  const secret = field(form, 'AuthPassword');
  if ((user === undefined) !== (secret === undefined) && (user || secret))
    throw invalid(
      21200,
      user === undefined ? 'AuthUsername' : 'AuthPassword',
      'give AuthUsername and AuthPassword together',
    );
  if (user !== undefined && user.length > 128) throw invalid(21200, 'AuthUsername', 'must be at most 128 characters');
  if (secret !== undefined && secret.length > 255)
    throw invalid(21200, 'AuthPassword', 'must be at most 255 characters');
  if (user !== undefined) {
    changes.authUsername = user === '' ? null : user;
    changes.sealedAuthPassword = user === '' || !secret ? null : context.sip.secrets.seal(secret);
  }
  return changes;
}

export const trunksResource: Resource = async (context) => {
  const { store, account, rest, query, publicUrl } = context;
  if (rest === 'ByocTrunks') {
    if (context.method === 'POST') {
      const changes = await trunkChanges(context, await context.form());
      await checkCap(store, 'byoc-trunk', account.sid, SIP_CAPS.trunks, 'BYOC trunks in the account');
      const trunk = applyChanges<ByocTrunkRecord>(
        {
          sid: newSid('BY'),
          accountSid: account.sid,
          createdAt: context.now,
          updatedAt: context.now,
          friendlyName: '',
          cnamLookupEnabled: false,
          ...DEFAULT_VOICE_METHODS,
        },
        changes,
      );
      await store.put('byoc-trunk', trunk);
      return { status: 201, body: trunkJson(trunk, publicUrl) };
    }
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const page = await store.list<ByocTrunkRecord>('byoc-trunk', { accountSid: account.sid, ...request });
      const body = v1Page('byoc_trunks', `${publicUrl}/v1/ByocTrunks`, request, page, (t) => trunkJson(t, publicUrl));
      return { status: 200, body };
    }
    return undefined;
  }
  const match = /^ByocTrunks\/(BY[0-9a-f]{32})$/.exec(rest);
  if (!match) return undefined;
  const sid = match[1] as string;
  const trunk = await store.get<ByocTrunkRecord>('byoc-trunk', account.sid, sid);
  if (!trunk) throw notFound(sid);
  if (context.method === 'GET') return { status: 200, body: trunkJson(trunk, publicUrl) };
  if (context.method === 'POST') {
    const changes = await trunkChanges(context, await context.form());
    const updated = await store.update<ByocTrunkRecord>('byoc-trunk', account.sid, sid, (current) =>
      applyChanges({ ...current, updatedAt: context.now }, changes),
    );
    if (!updated) throw notFound(sid);
    return { status: 200, body: trunkJson(updated, publicUrl) };
  }
  if (context.method === 'DELETE') {
    const domain = await store.findOne('sip-domain', { byocTrunkSid: sid });
    if (domain) throw invalid(21231, sid, `is the BYOC trunk of SIP domain ${domain.sid}: change the domain first`);
    await store.delete('byoc-trunk', account.sid, sid);
    return { status: 204 };
  }
  return undefined;
};
