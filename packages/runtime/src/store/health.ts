/**
 * Whether the store takes writes: `monitored(store)` wraps any Store so that a write the store
 * could not commit (disk full, the database's size cap, an I/O error, a read-only file system)
 * rejects with a typed PatchbayError (`store-full` or `store-unavailable`, HTTP 503) and puts the
 * server in the degraded state. It ends with the first write that commits once no write has
 * failed for `quietMs`: on a nearly full disk small in-place updates still succeed between
 * failing inserts, and the state should not flap with each. While degraded a small probe write
 * is tried every `probeEveryMs`, so the state ends by itself once space is back even with no
 * traffic. A read that finds the database unreachable (`store-unavailable` from a database
 * store) degrades it too: whichever a request tried first, the server says the same thing. Other
 * errors (a bad filter field, a bad blob key) pass through unchanged and say nothing about the
 * store's health.
 *
 * @example
 * const store = monitored(await SqliteStore.open(dir));
 * store.health.events.on('degraded', (error) => log.error(error.message));
 */
import { EventEmitter } from 'eventemitter3';
import { PatchbayError } from '../errors.js';
import type { Store } from './types.js';

/** SQLite result codes and errno codes that mean "no space". */
const FULL = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
/** Those that mean "the store cannot write now" (anything else is not about the store's health). */
const UNAVAILABLE =
  /^(SQLITE_(IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|BUSY|LOCKED|PROTOCOL|NOLFS)(_\w+)?|EIO|EROFS|EACCES|EPERM|EMFILE|ENFILE|ENOENT)$/;

/** The typed error for a write the store could not commit, or undefined when `error` is not one. */
export function storeWriteError(error: unknown): PatchbayError | undefined {
  if (error instanceof PatchbayError)
    return error.code === 'store-full' || error.code === 'store-unavailable' ? error : undefined;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  if (FULL.has(code))
    return new PatchbayError('store-full', `the store is full (${code}): free space in the data directory`, {
      cause: error,
    });
  if (UNAVAILABLE.test(code))
    // The code only: the cause's own message may name files of the server (it is logged, not answered).
    return new PatchbayError('store-unavailable', `the store cannot write (${code}): see the server log`, {
      cause: error,
    });
  return undefined;
}

export type HealthState =
  | { readonly status: 'ok' }
  | {
      readonly status: 'degraded';
      readonly code: 'store-full' | 'store-unavailable';
      readonly reason: string;
      readonly since: number;
    };

export interface HealthEvents {
  /** Writes started failing (once, on entering the state). */
  degraded: (error: PatchbayError) => void;
  /** A write committed again (once, on leaving the state). */
  recovered: (degradedForMs: number) => void;
}

export class StoreHealth {
  readonly events = new EventEmitter<HealthEvents>();
  private current: HealthState = { status: 'ok' };
  private lastFailure = 0;

  /** @param quietMs how long without a failed write before a commit ends the degraded state */
  constructor(private readonly quietMs = 2000) {}

  get state(): HealthState {
    return this.current;
  }

  failed(error: PatchbayError, now = Date.now()): void {
    this.lastFailure = now;
    if (this.current.status === 'degraded') return;
    this.current = {
      status: 'degraded',
      code: error.code as 'store-full' | 'store-unavailable',
      reason: error.message,
      since: now,
    };
    this.events.emit('degraded', error);
  }

  succeeded(now = Date.now()): void {
    if (this.current.status === 'ok' || now - this.lastFailure < this.quietMs) return;
    const since = this.current.since;
    this.current = { status: 'ok' };
    this.events.emit('recovered', now - since);
  }
}

export interface MonitoredStore extends Store {
  readonly health: StoreHealth;
}

/**
 * `store` with its writes watched (see the module comment).
 * @param options.probeEveryMs how often a degraded store tries a probe write @default 1000
 * @param options.quietMs how long without a failed write before a commit ends the degraded state @default 2000
 */
export function monitored(store: Store, options: { probeEveryMs?: number; quietMs?: number } = {}): MonitoredStore {
  const health = new StoreHealth(options.quietMs);
  const probeEveryMs = options.probeEveryMs ?? 1000;
  let probe: NodeJS.Timeout | undefined;
  let closed = false;
  const watch = async <T>(write: () => Promise<T>): Promise<T> => {
    try {
      const result = await write();
      health.succeeded();
      return result;
    } catch (error) {
      const typed = storeWriteError(error);
      if (!typed) throw error;
      health.failed(typed);
      throw typed;
    }
  };
  // A read proves nothing about writes (it never ends the state), but a database that cannot be
  // reached cannot be written either.
  const read = async <T>(query: () => Promise<T>): Promise<T> => {
    try {
      return await query();
    } catch (error) {
      if (error instanceof PatchbayError && error.code === 'store-unavailable') health.failed(error);
      throw error;
    }
  };
  health.events.on('degraded', () => {
    probe = setInterval(() => {
      if (closed) return;
      // A setting only this probe writes: an upsert that needs no new space once it exists.
      watch(() => store.put('setting', { sid: 'health-probe', accountSid: 'health-probe', createdAt: 0 })).catch(
        () => undefined,
      );
    }, probeEveryMs);
    probe.unref();
  });
  health.events.on('recovered', () => clearInterval(probe));
  const release = store.outbox.release?.bind(store.outbox);
  const hold = store.outbox.hold?.bind(store.outbox);
  return {
    health,
    put: (kind, record, options) => watch(() => store.put(kind, record, options)),
    update: (kind, accountSid, sid, change) => watch(() => store.update(kind, accountSid, sid, change)),
    get: (kind, accountSid, sid) => read(() => store.get(kind, accountSid, sid)),
    find: (kind, sid) => read(() => store.find(kind, sid)),
    findOne: (kind, where) => read(() => store.findOne(kind, where)),
    delete: (kind, accountSid, sid) => watch(() => store.delete(kind, accountSid, sid)),
    list: (kind, query) => read(() => store.list(kind, query)),
    outbox: {
      add: (callback) => watch(() => store.outbox.add(callback)),
      due: (now, limit) => read(() => store.outbox.due(now, limit)),
      claim: (request) => watch(() => store.outbox.claim(request)),
      done: (id, claim) => watch(() => store.outbox.done(id, claim)),
      retry: (id, at, claim) => watch(() => store.outbox.retry(id, at, claim)),
      // A shared store's: without them a takeover would leave a dead node's claims to their lease.
      ...(release ? { release: (owner: string, now: number) => watch(() => release(owner, now)) } : {}),
      ...(hold ? { hold: (id: number, claim: number, until: number) => watch(() => hold(id, claim, until)) } : {}),
      prune: (before) => watch(() => store.outbox.prune(before)),
    },
    blobs: {
      put: (key, bytes) => watch(() => store.blobs.put(key, bytes)),
      get: (key) => store.blobs.get(key),
      delete: (key) => watch(() => store.blobs.delete(key)),
    },
    async close() {
      closed = true;
      clearInterval(probe);
      await store.close();
    },
  };
}
