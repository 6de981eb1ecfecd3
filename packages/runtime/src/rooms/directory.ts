/**
 * The operator's directory, looked up: the entry that is the same person as a contact (its
 * identity, or a number in common: contacts.ts). Numbers live in a list inside each entry, so the
 * lookup reads the directory page by page (at most 10,000 entries per account).
 *
 * @example
 * const entry = await sameInDirectory(store, account.sid, { phones: [{ type: 'mobile', number }] });
 */
import type { Store } from '../store/types.js';
import { samePerson } from './contacts.js';
import type { ContactFields, DirectoryEntryRecord } from './records.js';

export async function sameInDirectory(
  store: Store,
  accountSid: string,
  contact: ContactFields,
): Promise<DirectoryEntryRecord | undefined> {
  for (let page = 0; ; page++) {
    const { items, more } = await store.list<DirectoryEntryRecord>('room-directory-entry', {
      accountSid,
      page,
      pageSize: 1000,
    });
    const found = items.find((entry) => samePerson(entry, contact));
    if (found || !more) return found;
  }
}
