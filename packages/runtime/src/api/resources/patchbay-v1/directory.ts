/**
 * /patchbay/v1/Directory: the contacts an operator provides for managed deployments. With the
 * account's `ContactsFromDirectoryOnly`, members come only from here (names resolved against it);
 * adding the same person twice merges, as for members.
 */
import { applyContact, checkReachable, contactChanges, mergeContact } from '../../../rooms/contacts.js';
import { sameInDirectory } from '../../../rooms/directory.js';
import { type DirectoryEntryRecord, ROOM_LIMITS } from '../../../rooms/records.js';
import { newSid } from '../../../sid.js';
import { notFound, RestError } from '../../http.js';
import { pageRequest } from '../../paging.js';
import type { Resource } from '../context.js';
import { atCap } from '../counts.js';
import { v1Page } from '../voice-v1/paging.js';
import type { RoomsApi } from './index.js';
import { entryJson, V1 } from './json.js';

export const directoryResource =
  (api: RoomsApi): Resource =>
  async (context) => {
    const { store, account, rest, publicUrl, method, now } = context;
    if (rest === 'Directory') {
      if (method === 'POST') {
        const contact = applyContact({ phones: [] }, contactChanges(await context.form()));
        checkReachable(contact);
        return api.serial.run(`directory:${account.sid}`, async () => {
          const same = await sameInDirectory(store, account.sid, contact);
          if (same) {
            const merged = await store.update<DirectoryEntryRecord>(
              'room-directory-entry',
              account.sid,
              same.sid,
              (c) => ({
                ...mergeContact(c, contact),
                updatedAt: now,
              }),
            );
            if (merged) return { status: 200, body: entryJson(merged, publicUrl) };
          }
          if (await atCap(store, 'room-directory-entry', account.sid, ROOM_LIMITS.directoryEntriesPerAccount))
            throw new RestError(
              409,
              91105,
              `the directory holds ${ROOM_LIMITS.directoryEntriesPerAccount} entries, as many as Patchbay keeps`,
            );
          const entry: DirectoryEntryRecord = {
            ...contact,
            sid: newSid('DE'),
            accountSid: account.sid,
            createdAt: now,
            updatedAt: now,
          };
          await store.put('room-directory-entry', entry);
          return { status: 201, body: entryJson(entry, publicUrl) };
        });
      }
      if (method === 'GET') {
        const request = pageRequest(context.query);
        const page = await store.list<DirectoryEntryRecord>('room-directory-entry', {
          accountSid: account.sid,
          ...request,
        });
        return {
          status: 200,
          body: v1Page('entries', `${publicUrl}${V1}/Directory`, request, page, (e) => entryJson(e, publicUrl)),
        };
      }
      return undefined;
    }
    const match = /^Directory\/(DE[0-9a-f]{32})$/.exec(rest);
    if (!match) return undefined;
    const sid = match[1] as string;
    const entry = await store.get<DirectoryEntryRecord>('room-directory-entry', account.sid, sid);
    if (!entry) throw notFound(sid);
    if (method === 'GET') return { status: 200, body: entryJson(entry, publicUrl) };
    if (method === 'POST') {
      const changes = contactChanges(await context.form());
      const updated = await store.update<DirectoryEntryRecord>('room-directory-entry', account.sid, sid, (current) => {
        const next = applyContact({ ...current, updatedAt: now }, changes);
        checkReachable(next);
        return next;
      });
      if (!updated) throw notFound(sid);
      return { status: 200, body: entryJson(updated, publicUrl) };
    }
    if (method === 'DELETE') {
      await store.delete('room-directory-entry', account.sid, sid);
      return { status: 204 };
    }
    return undefined;
  };
