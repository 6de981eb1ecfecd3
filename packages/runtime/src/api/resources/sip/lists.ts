/**
 * The two kinds of list a SIP domain maps, which share their shape: a named list
 * (`SIP/CredentialLists`, `SIP/IpAccessControlLists`) with entries below it (`Credentials`,
 * `IpAddresses`). Deleting a list deletes its entries; a list mapped to a domain cannot be
 * deleted (21231/21240: unmap it first), so no domain is left guarded by a list that is gone.
 */
import { newSid } from '../../../sid.js';
import type { RecordKind, StoredRecord } from '../../../store/types.js';
import { apiDate, type Form, invalid, notFound } from '../../http.js';
import { pageBody, pageRequest } from '../../paging.js';
import type { Resource, ResourceContext } from '../context.js';
import { allOf, checkCap, friendlyName } from './common.js';
import { mappedDomain } from './mappings.js';

export interface ListKind<Entry extends StoredRecord> {
  /** The path segment: `CredentialLists` or `IpAccessControlLists`. */
  readonly segment: string;
  readonly kind: RecordKind;
  readonly prefix: 'CL' | 'AL';
  /** The list page's key and the subresource's name. */
  readonly key: string;
  readonly maxName: number;
  readonly listCap: number;
  readonly nameCode: 21200 | 21240;
  readonly entries: {
    readonly segment: string;
    readonly kind: RecordKind;
    readonly prefix: 'CR' | 'IP';
    readonly key: string;
    readonly subresource: string;
    /** The field of an entry naming its list. */
    readonly parent: 'credentialListSid' | 'ipAccessControlListSid';
    readonly cap: number;
    /** A new entry from a form (checked), given the fields every record has. */
    create(form: Form, base: StoredRecord & { updatedAt: number }, context: ResourceContext): Promise<Entry>;
    /** The fields a form changes (checked). */
    /** The changes `form` asks of `current`. */
    update(form: Form, context: ResourceContext, current: Entry): Promise<Partial<Entry>>;
    json(entry: Entry, uri: string): Record<string, unknown>;
  };
}

interface ListRecord extends StoredRecord {
  readonly friendlyName: string;
  readonly updatedAt: number;
}

export function listResource<Entry extends StoredRecord>(spec: ListKind<Entry>): Resource {
  const { entries } = spec;
  const listPath = new RegExp(`^SIP/${spec.segment}/(${spec.prefix}[0-9a-f]{32})\\.json$`);
  const entriesPath = new RegExp(
    `^SIP/${spec.segment}/(${spec.prefix}[0-9a-f]{32})/${entries.segment}(?:\\.json|/(${entries.prefix}[0-9a-f]{32})\\.json)$`,
  );
  const root = (accountSid: string) => `/2010-04-01/Accounts/${accountSid}/SIP/${spec.segment}`;
  const listJson = (list: ListRecord) => ({
    sid: list.sid,
    account_sid: list.accountSid,
    friendly_name: list.friendlyName,
    date_created: apiDate(list.createdAt),
    date_updated: apiDate(list.updatedAt),
    subresource_uris: { [entries.subresource]: `${root(list.accountSid)}/${list.sid}/${entries.segment}.json` },
    uri: `${root(list.accountSid)}/${list.sid}.json`,
  });

  async function uniqueName(context: ResourceContext, name: string, self?: string) {
    if (spec.nameCode !== 21240) return;
    const same = await allOf<ListRecord>(context.store, spec.kind, context.account.sid, { friendlyName: name }, 2);
    if (same.some((list) => list.sid !== self))
      throw invalid(21240, 'FriendlyName', `a list named "${name}" exists already`);
  }

  async function lists(context: ResourceContext) {
    const { store, account, query } = context;
    if (context.method === 'POST') {
      const name = friendlyName(await context.form(), spec.maxName, true, spec.nameCode) as string;
      await uniqueName(context, name);
      await checkCap(store, spec.kind, account.sid, spec.listCap, `${spec.segment} in the account`);
      const list: ListRecord = {
        sid: newSid(spec.prefix),
        accountSid: account.sid,
        friendlyName: name,
        createdAt: context.now,
        updatedAt: context.now,
      };
      await store.put(spec.kind, list);
      return { status: 201, body: listJson(list) };
    }
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const page = await store.list<ListRecord>(spec.kind, { accountSid: account.sid, ...request });
      return { status: 200, body: pageBody(spec.key, `${root(account.sid)}.json`, query, request, page, listJson) };
    }
    return undefined;
  }

  async function list(context: ResourceContext, sid: string) {
    const { store, account } = context;
    const found = await store.get<ListRecord>(spec.kind, account.sid, sid);
    if (!found) throw notFound(sid);
    if (context.method === 'GET') return { status: 200, body: listJson(found) };
    if (context.method === 'POST') {
      const name = friendlyName(await context.form(), spec.maxName, true, spec.nameCode) as string;
      await uniqueName(context, name, sid);
      const updated = await store.update<ListRecord>(spec.kind, account.sid, sid, (current) => ({
        ...current,
        friendlyName: name,
        updatedAt: context.now,
      }));
      if (!updated) throw notFound(sid);
      return { status: 200, body: listJson(updated) };
    }
    if (context.method === 'DELETE') {
      const domain = await mappedDomain(store, sid);
      if (domain) throw invalid(spec.nameCode === 21240 ? 21240 : 21231, sid, `is mapped to ${domain}: unmap it first`);
      for (const entry of await allOf(store, entries.kind, account.sid, { [entries.parent]: sid }, entries.cap))
        await store.delete(entries.kind, account.sid, entry.sid);
      await store.delete(spec.kind, account.sid, sid);
      return { status: 204 };
    }
    return undefined;
  }

  async function entryList(context: ResourceContext, listSid: string, sid: string | undefined) {
    const { store, account, query } = context;
    const base = `${root(account.sid)}/${listSid}/${entries.segment}`;
    if (sid === undefined) {
      if (context.method === 'POST') {
        const form = await context.form();
        await checkCap(store, entries.kind, account.sid, entries.cap, `${entries.segment} in the list`, {
          [entries.parent]: listSid,
        });
        const entry = await entries.create(
          form,
          { sid: newSid(entries.prefix), accountSid: account.sid, createdAt: context.now, updatedAt: context.now },
          context,
        );
        await store.put(entries.kind, entry);
        return { status: 201, body: entries.json(entry, `${base}/${entry.sid}.json`) };
      }
      if (context.method === 'GET') {
        const request = pageRequest(query);
        const page = await store.list<Entry>(entries.kind, {
          accountSid: account.sid,
          where: { [entries.parent]: listSid },
          ...request,
        });
        return {
          status: 200,
          body: pageBody(entries.key, `${base}.json`, query, request, page, (e) =>
            entries.json(e, `${base}/${e.sid}.json`),
          ),
        };
      }
      return undefined;
    }
    const entry = await store.get<Entry>(entries.kind, account.sid, sid);
    if (!entry || (entry as Record<string, unknown>)[entries.parent] !== listSid) throw notFound(sid);
    if (context.method === 'GET') return { status: 200, body: entries.json(entry, `${base}/${sid}.json`) };
    if (context.method === 'POST') {
      const changed = await entries.update(await context.form(), context, entry);
      const updated = await store.update<Entry>(entries.kind, account.sid, sid, (current) => ({
        ...current,
        ...changed,
        sid: current.sid,
        updatedAt: context.now,
      }));
      if (!updated) throw notFound(sid);
      return { status: 200, body: entries.json(updated, `${base}/${sid}.json`) };
    }
    if (context.method === 'DELETE') {
      await store.delete(entries.kind, account.sid, sid);
      return { status: 204 };
    }
    return undefined;
  }

  return async (context) => {
    if (context.rest === `SIP/${spec.segment}.json`) return lists(context);
    const one = listPath.exec(context.rest);
    if (one) return list(context, one[1] as string);
    const below = entriesPath.exec(context.rest);
    if (!below) return undefined;
    const listSid = below[1] as string;
    if (!(await context.store.get(spec.kind, context.account.sid, listSid))) throw notFound(listSid);
    return entryList(context, listSid, below[2]);
  };
}
