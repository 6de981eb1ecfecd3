/**
 * /2010-04-01/Accounts/{AccountSid}/Clients: presence of client identities on the device bridge
 * (a Patchbay resource; the hosted API has no equivalent). `Clients.json` lists the account's
 * identities, online first (filter `Status=online|offline`); `Clients/{Identity}.json` fetches
 * one. Each says online or offline, how many registrations it has, and when it was last seen; on a
 * cluster, on every live node taken together (cluster/devices-presence-across.ts).
 */
import type { PresenceRecord } from '../../bridge/presence.js';
import { apiDate, invalid, notFound } from '../http.js';
import { pageBody, pageOf, pageRequest } from '../paging.js';
import type { Resource } from './context.js';

function clientJson(record: PresenceRecord) {
  return {
    account_sid: record.accountSid,
    identity: record.identity,
    status: record.status,
    registrations: record.registrations,
    date_last_seen: apiDate(record.lastSeenAt),
    uri: `/2010-04-01/Accounts/${record.accountSid}/Clients/${encodeURIComponent(record.identity)}.json`,
  };
}

export const clientsResource: Resource = async (context) => {
  const { runtime, account, rest, query } = context;
  const devices = runtime.devices;
  if (rest === 'Clients.json' && context.method === 'GET') {
    const status = query.get('Status');
    if (status !== null && status !== 'online' && status !== 'offline')
      throw invalid(21200, 'Status', 'must be online or offline');
    const all = ((await devices?.presenceEverywhere(account.sid)) ?? []).filter(
      (record) => !status || record.status === status,
    );
    const request = pageRequest(query);
    const path = `/2010-04-01/Accounts/${account.sid}/Clients.json`;
    return { status: 200, body: pageBody('clients', path, query, request, pageOf(all, request), clientJson) };
  }
  const match = /^Clients\/([^/]+)\.json$/.exec(rest);
  if (!match || context.method !== 'GET') return undefined;
  let identity: string;
  try {
    identity = decodeURIComponent(match[1] as string);
  } catch {
    throw invalid(21200, 'Identity', `"${match[1]}" holds a malformed percent-escape`);
  }
  const [record] = (await devices?.presenceEverywhere(account.sid, identity)) ?? [];
  if (!record) throw notFound(identity);
  return { status: 200, body: clientJson(record) };
};
