/**
 * /v1/ConnectionPolicies and their Targets: where a BYOC trunk's calls go (`sip:` URIs, tried by
 * priority, lowest first, then by weight) and whose calls count as the carrier's (each target's
 * host, resolved to its IPv4 address when written). A policy a trunk uses cannot be deleted
 * (21231); deleting a policy deletes its targets.
 */
import { newSid } from '../../../sid.js';
import { type ConnectionPolicyRecord, type ConnectionPolicyTargetRecord, SIP_CAPS } from '../../../sip/records.js';
import { parseSipTarget, resolveHost } from '../../../sip/target.js';
import { bool, type Form, field, invalid, notFound } from '../../http.js';
import { pageRequest } from '../../paging.js';
import type { Resource, ResourceContext } from '../context.js';
import { allOf, checkCap, friendlyName } from '../sip/common.js';
import { isoDate, v1Page } from './paging.js';

const policyUrl = (base: string, sid: string) => `${base}/v1/ConnectionPolicies/${sid}`;

const policyJson = (policy: ConnectionPolicyRecord, base: string) => ({
  account_sid: policy.accountSid,
  sid: policy.sid,
  friendly_name: policy.friendlyName || null,
  date_created: isoDate(policy.createdAt),
  date_updated: isoDate(policy.updatedAt),
  url: policyUrl(base, policy.sid),
  links: { targets: `${policyUrl(base, policy.sid)}/Targets` },
});

const targetJson = (target: ConnectionPolicyTargetRecord, base: string) => ({
  account_sid: target.accountSid,
  connection_policy_sid: target.connectionPolicySid,
  sid: target.sid,
  friendly_name: target.friendlyName || null,
  target: target.target,
  priority: target.priority,
  weight: target.weight,
  enabled: target.enabled,
  date_created: isoDate(target.createdAt),
  date_updated: isoDate(target.updatedAt),
  url: `${policyUrl(base, target.connectionPolicySid)}/Targets/${target.sid}`,
});

function integer(form: Form, name: string, min: number, max: number): number | undefined {
  const value = field(form, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) < min || Number(value) > max)
    throw invalid(21200, name, `must be a whole number from ${min} to ${max}`);
  return Number(value);
}

async function targetChanges(form: Form, required: boolean) {
  const changes: Partial<Record<keyof ConnectionPolicyTargetRecord, unknown>> = {};
  const text = field(form, 'Target');
  if (text !== undefined || required) {
    const parsed = text === undefined ? undefined : parseSipTarget(text);
    if (!parsed) throw invalid(21200, 'Target', `"${text ?? ''}" is not a sip: or sips: URI with a host`);
    changes.target = parsed.uri;
    changes.host = parsed.host;
    changes.address = await resolveHost(parsed.host);
  }
  const name = friendlyName(form, 255, false);
  if (name !== undefined) changes.friendlyName = name;
  const priority = integer(form, 'Priority', 0, 65_535);
  if (priority !== undefined) changes.priority = priority;
  const weight = integer(form, 'Weight', 1, 65_535);
  if (weight !== undefined) changes.weight = weight;
  const enabled = bool(form, 'Enabled');
  if (enabled !== undefined) changes.enabled = enabled;
  return changes as Partial<ConnectionPolicyTargetRecord>;
}

async function targets(context: ResourceContext, policySid: string, sid: string | undefined) {
  const { store, account, query, publicUrl } = context;
  if (sid === undefined) {
    if (context.method === 'POST') {
      const changes = await targetChanges(await context.form(), true);
      await checkCap(
        store,
        'connection-policy-target',
        account.sid,
        SIP_CAPS.targetsPerPolicy,
        'targets in the policy',
        {
          connectionPolicySid: policySid,
        },
      );
      const target = {
        sid: newSid('NE'),
        accountSid: account.sid,
        connectionPolicySid: policySid,
        createdAt: context.now,
        updatedAt: context.now,
        friendlyName: '',
        priority: 10,
        weight: 10,
        enabled: true,
        ...changes,
      } as ConnectionPolicyTargetRecord;
      await store.put('connection-policy-target', target);
      return { status: 201, body: targetJson(target, publicUrl) };
    }
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const page = await store.list<ConnectionPolicyTargetRecord>('connection-policy-target', {
        accountSid: account.sid,
        where: { connectionPolicySid: policySid },
        ...request,
      });
      const url = `${policyUrl(publicUrl, policySid)}/Targets`;
      return { status: 200, body: v1Page('targets', url, request, page, (t) => targetJson(t, publicUrl)) };
    }
    return undefined;
  }
  const target = await store.get<ConnectionPolicyTargetRecord>('connection-policy-target', account.sid, sid);
  if (!target || target.connectionPolicySid !== policySid) throw notFound(sid);
  if (context.method === 'GET') return { status: 200, body: targetJson(target, publicUrl) };
  if (context.method === 'POST') {
    const changes = await targetChanges(await context.form(), false);
    const updated = await store.update<ConnectionPolicyTargetRecord>(
      'connection-policy-target',
      account.sid,
      sid,
      (current) => ({ ...current, ...changes, updatedAt: context.now }),
    );
    if (!updated) throw notFound(sid);
    return { status: 200, body: targetJson(updated, publicUrl) };
  }
  if (context.method === 'DELETE') {
    await store.delete('connection-policy-target', account.sid, sid);
    return { status: 204 };
  }
  return undefined;
}

export const policiesResource: Resource = async (context) => {
  const { store, account, rest, query, publicUrl } = context;
  if (rest === 'ConnectionPolicies') {
    if (context.method === 'POST') {
      const name = friendlyName(await context.form(), 255, false) ?? '';
      await checkCap(store, 'connection-policy', account.sid, SIP_CAPS.connectionPolicies, 'connection policies');
      const policy: ConnectionPolicyRecord = {
        sid: newSid('NY'),
        accountSid: account.sid,
        friendlyName: name,
        createdAt: context.now,
        updatedAt: context.now,
      };
      await store.put('connection-policy', policy);
      return { status: 201, body: policyJson(policy, publicUrl) };
    }
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const page = await store.list<ConnectionPolicyRecord>('connection-policy', {
        accountSid: account.sid,
        ...request,
      });
      const url = `${publicUrl}/v1/ConnectionPolicies`;
      return { status: 200, body: v1Page('connection_policies', url, request, page, (p) => policyJson(p, publicUrl)) };
    }
    return undefined;
  }
  const match = /^ConnectionPolicies\/(NY[0-9a-f]{32})(?:\/Targets(?:\/(NE[0-9a-f]{32}))?)?$/.exec(rest);
  if (!match) return undefined;
  const sid = match[1] as string;
  const policy = await store.get<ConnectionPolicyRecord>('connection-policy', account.sid, sid);
  if (!policy) throw notFound(sid);
  if (rest.includes('/Targets')) return targets(context, sid, match[2]);
  if (context.method === 'GET') return { status: 200, body: policyJson(policy, publicUrl) };
  if (context.method === 'POST') {
    const name = friendlyName(await context.form(), 255, false);
    const updated = await store.update<ConnectionPolicyRecord>('connection-policy', account.sid, sid, (current) => ({
      ...current,
      ...(name === undefined ? {} : { friendlyName: name }),
      updatedAt: context.now,
    }));
    if (!updated) throw notFound(sid);
    return { status: 200, body: policyJson(updated, publicUrl) };
  }
  if (context.method === 'DELETE') {
    const trunk = await store.findOne('byoc-trunk', { connectionPolicySid: sid });
    if (trunk) throw invalid(21231, sid, `is the connection policy of BYOC trunk ${trunk.sid}: change the trunk first`);
    for (const target of await allOf(store, 'connection-policy-target', account.sid, { connectionPolicySid: sid }))
      await store.delete('connection-policy-target', account.sid, target.sid);
    await store.delete('connection-policy', account.sid, sid);
    return { status: 204 };
  }
  return undefined;
};
