/**
 * Queues kept in the store: a queue's resource (SID, FriendlyName, MaxSize, its dates) outlives
 * the process that made it, and, in a cluster, the node that held it. Its members do not (they are
 * calls, which end with their process): a queue read back from the store is empty.
 *
 * A queue is stored when it is created (REST, or the first `<Enqueue>`, `<Dial><Queue>` of a
 * name), when it changes (MaxSize) and removed when it is deleted. A registry that opens a name it
 * does not hold adopts the stored queue of that name (same SID, same MaxSize) instead of making a
 * new one: a restarted node, or a node that places a queue afresh after its holder died.
 *
 * @example
 * const runtime = createRuntime({ media, queueRecords: storeQueueRecords(store) });
 * const queue = await openQueue(runtime.queues, accountSid, 'support'); // the stored one, if any
 */
import type { Store, StoredRecord } from '../store/types.js';
import type { CallQueue, QueueRegistry, QueueSnapshot } from './queues.js';

/** A queue as stored. */
export interface StoredQueue extends StoredRecord {
  readonly friendlyName: string;
  readonly maxSize: number;
  readonly updatedAt: number;
}

/** Where a registry keeps its queues' resources. */
export interface QueueRecords {
  save(queue: StoredQueue): Promise<void>;
  remove(accountSid: string, sid: string): Promise<void>;
  byName(accountSid: string, name: string): Promise<StoredQueue | undefined>;
  bySid(accountSid: string, sid: string): Promise<StoredQueue | undefined>;
  list(accountSid: string): Promise<StoredQueue[]>;
}

const PAGE = 500;

/** Queue records in a store (kind `queue`). */
export function storeQueueRecords(store: Store): QueueRecords {
  const list = async (accountSid: string, where?: Record<string, string>) => {
    const all: StoredQueue[] = [];
    for (let page = 0; ; page++) {
      const found = await store.list<StoredQueue>('queue', {
        accountSid,
        page,
        pageSize: PAGE,
        ...(where && { where }),
      });
      all.push(...found.items);
      if (!found.more) return all;
    }
  };
  return {
    save: (queue) => store.put('queue', queue),
    remove: async (accountSid, sid) => {
      await store.delete('queue', accountSid, sid);
    },
    // The oldest of a name, should two nodes ever have stored one each.
    byName: async (accountSid, name) => (await list(accountSid, { friendlyName: name })).at(-1),
    bySid: (accountSid, sid) => store.get<StoredQueue>('queue', accountSid, sid),
    list: (accountSid) => list(accountSid),
  };
}

/** The stored form of a queue. */
export function storedQueue(queue: CallQueue): StoredQueue {
  return {
    sid: queue.sid,
    accountSid: queue.accountSid,
    createdAt: queue.createdAt,
    updatedAt: queue.updatedAt,
    friendlyName: queue.friendlyName,
    maxSize: queue.maxSize,
  };
}

/** A stored queue as a list shows it when no node holds it: empty. */
export function storedSnapshot(queue: StoredQueue): QueueSnapshot {
  const { sid, accountSid, createdAt, updatedAt, friendlyName, maxSize } = queue;
  return { sid, accountSid, createdAt, updatedAt, friendlyName, maxSize, currentSize: 0, averageWaitTime: 0 };
}

/** Opens of a name under way, per registry: two at once make (or adopt) one queue. */
const opening = new WeakMap<QueueRegistry, Map<string, Promise<CallQueue>>>();

/**
 * The account's queue of this name: the one in memory, else the stored one (adopted), else a new
 * one, stored. A store that fails while reading or writing the new one is reported to `onError`
 * and the queue lives in memory (a caller is not turned away for it); without `onError` it throws.
 */
export function openQueue(
  registry: QueueRegistry,
  accountSid: string,
  name: string,
  onError?: (error: unknown) => void,
): Promise<CallQueue> {
  const held = registry.get(accountSid, name);
  const { records } = registry;
  if (held || !records) return Promise.resolve(held ?? registry.open(accountSid, name));
  const pending = opening.get(registry) ?? new Map<string, Promise<CallQueue>>();
  opening.set(registry, pending);
  const key = `${accountSid}:${name}`;
  const under = pending.get(key);
  if (under) return under;
  const open = (async () => {
    try {
      const stored = await records.byName(accountSid, name);
      if (stored) return registry.adopt(stored);
      const queue = registry.open(accountSid, name);
      await records.save(storedQueue(queue));
      return queue;
    } catch (error) {
      if (!onError) throw error;
      onError(error);
      return registry.open(accountSid, name);
    }
  })().finally(() => pending.delete(key));
  pending.set(key, open);
  return open;
}

/** Stores a queue's change (its MaxSize); nothing without a store. */
export async function saveQueue(registry: QueueRegistry, queue: CallQueue): Promise<void> {
  await registry.records?.save(storedQueue(queue));
}

/** Removes a deleted queue from the store. */
export async function forgetQueue(registry: QueueRegistry, queue: { sid: string; accountSid: string }): Promise<void> {
  await registry.records?.remove(queue.accountSid, queue.sid);
}
