/**
 * /2010-04-01/Accounts/{AccountSid}/Keys: API keys. The secret is returned once, at creation;
 * afterwards only the SID and name. A key authenticates as its account (`ApiKeySid:Secret`).
 */
import { randomBytes } from 'node:crypto';
import { newSid } from '../../sid.js';
import type { KeyRecord } from '../auth.js';
import { apiDate, field, notFound } from '../http.js';
import { pageBody, pageRequest } from '../paging.js';
import type { Resource } from './context.js';

export function keyJson(key: KeyRecord, withSecret = false) {
  return {
    sid: key.sid,
    friendly_name: key.friendlyName,
    date_created: apiDate(key.createdAt),
    date_updated: apiDate(key.updatedAt),
    ...(withSecret ? { secret: key.secret } : {}),
  };
}

export const keysResource: Resource = async (context) => {
  const { store, account, rest, query } = context;
  if (rest === 'Keys.json') {
    if (context.method === 'POST') {
      const form = await context.form();
      const key: KeyRecord = {
        sid: newSid('SK'),
        accountSid: account.sid,
        friendlyName: (field(form, 'FriendlyName') ?? '').slice(0, 64),
        secret: randomBytes(24).toString('base64url'),
        createdAt: context.now,
        updatedAt: context.now,
      };
      await store.put('key', key);
      return { status: 201, body: keyJson(key, true) };
    }
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const page = await store.list<KeyRecord>('key', { accountSid: account.sid, ...request });
      return {
        status: 200,
        body: pageBody('keys', `/2010-04-01/Accounts/${account.sid}/Keys.json`, query, request, page, (key) =>
          keyJson(key),
        ),
      };
    }
    return undefined;
  }
  const match = /^Keys\/(SK[0-9a-f]{32})\.json$/.exec(rest);
  if (!match) return undefined;
  const sid = match[1] as string;
  const key = await store.get<KeyRecord>('key', account.sid, sid);
  if (!key) throw notFound(sid);
  if (context.method === 'GET') return { status: 200, body: keyJson(key) };
  if (context.method === 'POST') {
    const friendlyName = field(await context.form(), 'FriendlyName');
    const updated = {
      ...key,
      ...(friendlyName === undefined ? {} : { friendlyName: friendlyName.slice(0, 64) }),
      updatedAt: context.now,
    };
    await store.put('key', updated);
    return { status: 200, body: keyJson(updated) };
  }
  if (context.method === 'DELETE') {
    await store.delete('key', account.sid, sid);
    return { status: 204 };
  }
  return undefined;
};
