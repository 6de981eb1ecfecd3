/**
 * Changes to a record that several processes may make at once (a cluster's nodes on one store),
 * each a single atomic step of the store, so that no process's change replaces another's:
 *
 * - `updateIf`: a change that may decline, e.g. a survivor claiming a dead node's work only if
 *   it is still that node's (another survivor, or the work's end, may have come first).
 * - `updateOrCreate`: a change to a record that the first change creates, e.g. a device's
 *   command numbering or an index of accounts.
 *
 * @example
 * const claimed = await updateIf<CommandRecord>(store, 'device-command', account, sid, (current) =>
 *   current.open && current.node === dead ? { ...current, node: self } : undefined,
 * );
 */
import type { RecordKind, Store, StoredRecord } from './types.js';

/** Thrown inside the store's update to leave the record as it is. */
class Declined extends Error {}

/**
 * Applies `change` to the record in one atomic update, unless `change` declines (returns
 * `undefined`): then the record stays as it is. Resolves with the record written, or `undefined`
 * when the record is absent or the change declined.
 */
export async function updateIf<T extends StoredRecord>(
  store: Store,
  kind: RecordKind,
  accountSid: string,
  sid: string,
  change: (current: T) => T | undefined,
): Promise<T | undefined> {
  try {
    return await store.update<T>(kind, accountSid, sid, (current) => {
      const next = change(current);
      if (next === undefined) throw new Declined();
      return next;
    });
  } catch (error) {
    if (error instanceof Declined) return undefined;
    throw error;
  }
}

/** A record that `updateOrCreate` can create once: `created` marks it made (see there). */
export interface CreatedOnce extends StoredRecord {
  readonly status?: 'created';
}

/**
 * Applies `change` to the record in one atomic update, creating it as `initial` first when it is
 * absent. Created once whichever process gets there first: the put stores it only if no record
 * with status `created` is there (checked in the same statement as the write). Resolves with the
 * record written.
 */
export async function updateOrCreate<T extends CreatedOnce>(
  store: Store,
  kind: RecordKind,
  initial: T,
  change: (current: T) => T,
): Promise<T> {
  const { accountSid, sid } = initial;
  const updated = await store.update<T>(kind, accountSid, sid, change);
  if (updated) return updated;
  await store.put<T>(kind, { ...initial, status: 'created' }, { unlessStatusIn: ['created'] });
  const created = await store.update<T>(kind, accountSid, sid, change);
  // Deleted between the put and the update: a caller that deletes such records handles that.
  if (!created) throw new Error(`${kind} ${sid} was deleted while it was being created`);
  return created;
}
