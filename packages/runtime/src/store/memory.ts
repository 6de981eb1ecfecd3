/** The in-memory store: the reference implementation of the Store conformance suite, and the store of tests. */

import { resourceOf } from '../webhooks/ordering.js';
import { applyChange } from './change.js';
import type {
  FilterValue,
  ListQuery,
  NewCallback,
  Page,
  PendingCallback,
  PutOptions,
  RecordKind,
  Store,
  StoredRecord,
} from './types.js';

export function newest(a: StoredRecord, b: StoredRecord): number {
  return b.createdAt - a.createdAt || (a.sid < b.sid ? 1 : a.sid > b.sid ? -1 : 0);
}

export class MemoryStore implements Store {
  private readonly records = new Map<string, StoredRecord>();
  /** Each with whether it is done, who claimed it (until done or retried), and its claim's number. */
  private readonly callbacks = new Map<number, PendingCallback & { done: boolean; owner?: string; claim: number }>();
  private readonly keys = new Set<string>();
  private readonly files = new Map<string, Uint8Array>();
  private nextId = 1;

  async put<T extends StoredRecord>(kind: RecordKind, record: T, options: PutOptions = {}): Promise<void> {
    const stored = this.records.get(`${kind}:${record.sid}`) as { status?: unknown } | undefined;
    if (options.unlessStatusIn?.includes(stored?.status as string)) return;
    this.records.set(`${kind}:${record.sid}`, structuredClone(record));
  }

  async update<T extends StoredRecord>(
    kind: RecordKind,
    accountSid: string,
    sid: string,
    change: (current: T) => T,
  ): Promise<T | undefined> {
    const current = this.records.get(`${kind}:${sid}`);
    if (!current || current.accountSid !== accountSid) return undefined;
    const next = applyChange(kind, structuredClone(current) as T, change);
    this.records.set(`${kind}:${sid}`, structuredClone(next));
    return structuredClone(next);
  }

  async get<T extends StoredRecord>(kind: RecordKind, accountSid: string, sid: string): Promise<T | undefined> {
    const record = this.records.get(`${kind}:${sid}`);
    return record && record.accountSid === accountSid ? (structuredClone(record) as T) : undefined;
  }

  async find<T extends StoredRecord>(kind: RecordKind, sid: string): Promise<T | undefined> {
    const record = this.records.get(`${kind}:${sid}`);
    return record ? (structuredClone(record) as T) : undefined;
  }

  async findOne<T extends StoredRecord>(
    kind: RecordKind,
    where: Readonly<Record<string, FilterValue>>,
  ): Promise<T | undefined> {
    const prefix = `${kind}:`;
    const found = [...this.records]
      .filter(
        ([key, record]) =>
          key.startsWith(prefix) &&
          Object.entries(where).every(
            ([field, value]) => (record as unknown as Record<string, unknown>)[field] === value,
          ),
      )
      .map(([, record]) => record)
      .sort(newest)[0];
    return found ? (structuredClone(found) as T) : undefined;
  }

  async delete(kind: RecordKind, accountSid: string, sid: string): Promise<boolean> {
    const record = this.records.get(`${kind}:${sid}`);
    if (!record || record.accountSid !== accountSid) return false;
    return this.records.delete(`${kind}:${sid}`);
  }

  async list<T extends StoredRecord>(kind: RecordKind, query: ListQuery): Promise<Page<T>> {
    const prefix = `${kind}:`;
    const matching = [...this.records]
      .filter(([key, record]) => key.startsWith(prefix) && record.accountSid === query.accountSid)
      .map(([, record]) => record)
      .filter((record) =>
        Object.entries(query.where ?? {}).every(
          ([field, value]) => (record as unknown as Record<string, unknown>)[field] === value,
        ),
      )
      .filter((record) =>
        Object.entries(query.ranges ?? {}).every(([field, { min, max }]) => {
          const value = (record as unknown as Record<string, unknown>)[field];
          return (
            typeof value === 'number' && (min === undefined || value >= min) && (max === undefined || value <= max)
          );
        }),
      )
      .sort(newest);
    const start = query.page * query.pageSize;
    return {
      items: matching.slice(start, start + query.pageSize).map((r) => structuredClone(r) as T),
      more: matching.length > start + query.pageSize,
    };
  }

  readonly outbox: Store['outbox'] = {
    add: async (callback: NewCallback) => {
      if (this.keys.has(callback.key)) return undefined;
      this.keys.add(callback.key);
      const id = this.nextId++;
      this.callbacks.set(id, { ...structuredClone(callback), id, attempts: 0, done: false, claim: 0 });
      return id;
    },
    due: async (now, limit) =>
      [...this.callbacks.values()]
        .filter((c) => !c.done && c.nextAttemptAt <= now)
        .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
        .slice(0, limit)
        .map(({ done: _done, owner: _owner, claim: _claim, ...callback }) => structuredClone(callback)),
    claim: async ({ now, limit, owner, leaseMs, ids }) => {
      const wanted = ids && new Set(ids);
      // As on PostgreSQL: one whose resource has an older callback pending waits for it, whoever has it.
      const oldest = new Map<string | undefined, number>();
      for (const c of this.callbacks.values()) {
        const resource = resourceOf(c.key);
        if (!c.done && c.id < (oldest.get(resource) ?? Number.POSITIVE_INFINITY)) oldest.set(resource, c.id);
      }
      const claimed = [...this.callbacks.values()]
        .filter((c) => !c.done && c.nextAttemptAt <= now && (!wanted || wanted.has(c.id)))
        .filter((c) => oldest.get(resourceOf(c.key)) === c.id)
        .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
        .slice(0, limit);
      return claimed.map(({ done: _done, owner: _owner, claim, ...callback }) => {
        const leased = { ...callback, nextAttemptAt: now + leaseMs, claim: claim + 1 };
        this.callbacks.set(callback.id, { ...leased, done: false, owner });
        return structuredClone(leased);
      });
    },
    // In-process clusters (tests) share one memory store: a dead node's claims, as on PostgreSQL.
    release: async (owner, now) => {
      let released = 0;
      for (const [id, { owner: holder, ...callback }] of this.callbacks) {
        if (holder !== owner || callback.done) continue;
        this.callbacks.set(id, { ...callback, nextAttemptAt: now, claim: callback.claim + 1 });
        released++;
      }
      return released;
    },
    hold: async (id, claim, until) => {
      const callback = this.callbacks.get(id);
      if (!callback || callback.done || callback.claim !== claim) return false;
      this.callbacks.set(id, { ...callback, nextAttemptAt: until });
      return true;
    },
    done: async (id, claim) => {
      const callback = this.callbacks.get(id);
      if (callback && (claim === undefined || callback.claim === claim)) {
        callback.done = true;
        delete callback.owner;
      }
    },
    retry: async (id, nextAttemptAt, claim) => {
      const callback = this.callbacks.get(id);
      if (!callback || (claim !== undefined && callback.claim !== claim)) return;
      const { owner: _owner, ...unclaimed } = callback;
      this.callbacks.set(id, { ...unclaimed, attempts: unclaimed.attempts + 1, nextAttemptAt });
    },
    prune: async (before) => {
      let pruned = 0;
      for (const [id, callback] of this.callbacks) {
        if (!callback.done || callback.nextAttemptAt >= before) continue;
        this.callbacks.delete(id);
        this.keys.delete(callback.key);
        pruned++;
      }
      return pruned;
    },
  };

  readonly blobs: Store['blobs'] = {
    put: async (key, bytes) => {
      this.files.set(key, new Uint8Array(bytes));
    },
    get: async (key) => {
      const bytes = this.files.get(key);
      return bytes ? new Uint8Array(bytes) : undefined;
    },
    delete: async (key) => {
      this.files.delete(key);
    },
  };

  async close(): Promise<void> {}
}
