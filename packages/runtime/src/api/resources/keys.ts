/**
 * /2010-04-01/Accounts/{AccountSid}/Keys: API keys. The secret is returned once, at creation;
 * afterwards only the SID and name. A key authenticates as its account (`ApiKeySid:Secret`).
 * `KeyType` (the hosted Key resource v1's parameter) chooses `standard` (the default, as on the
 * hosted 2010 API) or `main`, which on the hosted service only its console makes. Only the auth
 * token and main keys reach this resource (see auth.ts), so a standard key cannot mint a main one.
 */
import { randomBytes } from 'node:crypto';
import { newSid } from '../../sid.js';
import { type KeyRecord, type KeyType, keyTypeOf } from '../auth.js';
import { apiDate, field, invalid, notFound } from '../http.js';
import { pageBody, pageRequest } from '../paging.js';
import type { Resource } from './context.js';
import { checkCount } from './counts.js';

export function keyJson(key: KeyRecord, withSecret = false) {
  return {
    sid: key.sid,
    friendly_name: key.friendlyName,
    date_created: apiDate(key.createdAt),
    date_updated: apiDate(key.updatedAt),
    key_type: keyTypeOf(key),
    ...(withSecret ? { secret: key.secret } : {}),
  };
}

export const keysResource: Resource = async (context) => {
  const { store, account, rest, query } = context;
  if (rest === 'Keys.json') {
    if (context.method === 'POST') {
      const form = await context.form();
      const keyType = field(form, 'KeyType')?.toLowerCase() ?? 'standard';
      if (keyType !== 'standard' && keyType !== 'main')
        throw invalid(
          21200,
          'KeyType',
          `must be standard or main (restricted keys are not supported), not "${keyType}"`,
        );
      const key: KeyRecord = {
        sid: newSid('SK'),
        accountSid: account.sid,
        friendlyName: (field(form, 'FriendlyName') ?? '').slice(0, 64),
        secret: randomBytes(24).toString('base64url'),
        keyType: keyType as KeyType,
        createdAt: context.now,
        updatedAt: context.now,
      };
      await checkCount(context, 'key');
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
    // The key as stored now: one deleted while the body arrived stays deleted.
    const updated = await store.update<KeyRecord>('key', account.sid, sid, (current) => ({
      ...current,
      ...(friendlyName === undefined ? {} : { friendlyName: friendlyName.slice(0, 64) }),
      updatedAt: context.now,
    }));
    if (!updated) throw notFound(sid);
    return { status: 200, body: keyJson(updated) };
  }
  if (context.method === 'DELETE') {
    await store.delete('key', account.sid, sid);
    return { status: 204 };
  }
  return undefined;
};
