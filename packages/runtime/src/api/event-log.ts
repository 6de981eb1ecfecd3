/**
 * The account event log behind the event stream: runtime events (calls created and changing
 * status, ringing included; call errors and warnings; messages) as numbered entries, kept for a
 * window so a reader that lost its connection resumes where it left off, and handed to live
 * subscribers as they happen.
 *
 * Ids are `<run>-<sequence>`: the run is this process's, so an id from before a restart (whose
 * log is gone) is recognised as such and the reader told that events may be missing.
 *
 * Each account keeps its own entries (`maxEvents` of them, for `windowMs`), so a busy account
 * cannot push a quiet one's events out of the window its readers resume from.
 *
 * @example
 * const log = new EventLog({ runtime, ownerOf: async (sid) => (await store.find('account', sid))?.ownerAccountSid });
 * const stop = log.subscribe((entry) => console.log(entry.type, entry.data));
 */
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'eventemitter3';
import type { CallRecord } from '../calls/call.js';
import { type Clock, systemClock } from '../clock/clock.js';
import type { RuntimeEvents } from '../interpreter/types.js';
import type { MessageRecord } from '../messaging/types.js';
import type { Runtime } from '../runtime.js';

/** The runtime events the log keeps (entries are typed by these names). */
export type EventType = Extract<
  keyof RuntimeEvents,
  'call.created' | 'call.status' | 'call.error' | 'call.warning' | 'message.updated' | 'message.error'
>;

export interface LogEntry {
  /** `<run>-<sequence>`: what the stream sends as the SSE id and takes back as Last-Event-ID. */
  readonly id: string;
  readonly sequence: number;
  readonly type: EventType;
  /** The account the call or message belongs to. */
  readonly accountSid: string;
  /** That account's parent (itself for a top-level account): its streams see the event too. */
  readonly ownerSid: string;
  readonly at: number;
  /** The event as JSON text, serialized once for every reader. */
  readonly data: string;
}

export interface EventLogOptions {
  readonly runtime: Pick<Runtime, 'events'>;
  /** The parent of an account (undefined when unknown); asked once per account. */
  readonly ownerOf: (accountSid: string) => Promise<string | undefined>;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Events kept per account for resuming. @default 10000 */
  readonly maxEvents?: number;
  /** How long an event is kept for resuming. @default 300000 (5 minutes) */
  readonly windowMs?: number;
}

/** Where a reader resumes: the entries after its last id, or a gap when they are gone. */
export type Resume =
  | { readonly kind: 'live' }
  | { readonly kind: 'replay'; readonly entries: readonly LogEntry[] }
  | {
      readonly kind: 'gap';
      readonly reason: 'restarted' | 'expired' | 'invalid';
      readonly entries: readonly LogEntry[];
    };

const callFields = (call: CallRecord) => ({
  sid: call.sid,
  account_sid: call.accountSid,
  parent_call_sid: call.parentCallSid ?? null,
  direction: call.direction,
  from: call.from,
  to: call.to,
  status: call.status,
});

const messageFields = (message: MessageRecord) => ({
  sid: message.sid,
  account_sid: message.accountSid,
  direction: message.direction,
  from: message.from,
  to: message.to,
  status: message.status,
  body: message.body,
  num_media: message.mediaUrls.length,
  error_code: message.errorCode ?? null,
});

/** One account's entries, oldest first from `head`; `dropped` is the newest sequence its cap dropped. */
interface Ring {
  entries: LogEntry[];
  head: number;
  dropped: number;
  readonly ownerSid: string;
}

/** Which accounts' events a reader sees (its own, and its subaccounts'). */
export type Visible = (entry: Pick<LogEntry, 'accountSid' | 'ownerSid'>) => boolean;

export class EventLog {
  /** This process's run: ids from another run cannot be resumed. */
  readonly run = randomBytes(4).toString('hex');
  private readonly clock: Clock;
  private readonly maxEvents: number;
  private readonly windowMs: number;
  private readonly rings = new Map<string, Ring>();
  /** The newest sequence the window dropped, whatever its account. */
  private expiredUpTo = 0;
  private appended = 0;
  private sequence = 0;
  private readonly owners = new Map<string, string>();
  private readonly listeners = new Set<(entry: LogEntry) => void>();
  /** Appends in the order the runtime emitted, even while an owner is being looked up. */
  private queue: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: EventLogOptions) {
    this.clock = options.clock ?? systemClock;
    this.maxEvents = options.maxEvents ?? 10_000;
    this.windowMs = options.windowMs ?? 300_000;
    // The runtime events logged, and the entry each makes (the entry types are these names).
    const handlers: { [K in EventType]: RuntimeEvents[K] } = {
      'call.created': (call) => this.add('call.created', call.accountSid, callFields(call)),
      'call.status': (call, previous) =>
        this.add('call.status', call.accountSid, { ...callFields(call), previous_status: previous }),
      'call.error': (call, error) =>
        this.add('call.error', call.accountSid, { ...callFields(call), error: problem(error) }),
      'call.warning': (call, warning) =>
        this.add('call.warning', call.accountSid, { ...callFields(call), warning: problem(warning) }),
      'message.updated': (message) => this.add('message.updated', message.accountSid, messageFields(message)),
      'message.error': (message, error) =>
        this.add('message.error', message.accountSid, { ...messageFields(message), error: problem(error) }),
    };
    const events = options.runtime.events as unknown as EventEmitter<Record<string, (...args: never[]) => void>>;
    for (const [name, handler] of Object.entries(handlers)) events.on(name, handler);
    this.unsubscribe = () => {
      for (const [name, handler] of Object.entries(handlers)) events.off(name, handler);
    };
  }

  /** Calls `listener` with every entry from now on; returns the function that stops it. */
  subscribe(listener: (entry: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * What a reader whose last entry was `lastId` missed (none given: nothing, it starts live), of
   * the accounts it sees.
   */
  resume(lastId: string | undefined, visible: Visible = () => true): Resume {
    if (lastId === undefined) return { kind: 'live' };
    const match = /^([0-9a-f]{8})-(\d+)$/.exec(lastId);
    if (!match) return { kind: 'gap', reason: 'invalid', entries: [] };
    const rings = this.visibleRings(visible);
    const kept = rings.flatMap((ring) => ring.entries.slice(ring.head)).sort((a, b) => a.sequence - b.sequence);
    if (match[1] !== this.run) return { kind: 'gap', reason: 'restarted', entries: kept };
    const last = Number(match[2]);
    const entries = kept.filter((entry) => entry.sequence > last);
    const lost = last < this.expiredUpTo || rings.some((ring) => ring.dropped > last);
    return lost ? { kind: 'gap', reason: 'expired', entries } : { kind: 'replay', entries };
  }

  /** The id of the latest entry: where a reader that starts now stands. */
  position(): string {
    return `${this.run}-${this.sequence}`;
  }

  /** Stops listening to the runtime. */
  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private add(type: EventType, accountSid: string, fields: Record<string, unknown>): void {
    const at = this.clock.now();
    const known = this.owners.get(accountSid);
    if (known !== undefined) {
      this.queue = this.queue.then(() => this.append(type, accountSid, known, at, fields));
      return;
    }
    this.queue = this.queue
      .then(() => this.options.ownerOf(accountSid))
      .catch(() => undefined)
      .then((owner) => {
        this.owners.set(accountSid, owner ?? accountSid);
        this.append(type, accountSid, owner ?? accountSid, at, fields);
      });
  }

  private append(type: EventType, accountSid: string, ownerSid: string, at: number, fields: object): void {
    const sequence = ++this.sequence;
    const id = `${this.run}-${sequence}`;
    const data = JSON.stringify({ id, type, timestamp: new Date(at).toISOString(), ...fields });
    const entry: LogEntry = { id, sequence, type, accountSid, ownerSid, at, data };
    let ring = this.rings.get(accountSid);
    if (!ring) {
      ring = { entries: [], head: 0, dropped: 0, ownerSid };
      this.rings.set(accountSid, ring);
    }
    ring.entries.push(entry);
    this.trim(ring);
    // Now and then, every account's window: rings of accounts gone quiet are let go.
    if (++this.appended % 1024 === 0) for (const [account, other] of this.rings) this.trim(other, account);
    for (const listener of this.listeners) listener(entry);
  }

  /** The rings a reader sees, each trimmed to its window first. */
  private visibleRings(visible: Visible): Ring[] {
    const rings: Ring[] = [];
    for (const [accountSid, ring] of this.rings) {
      this.trim(ring, accountSid);
      if (this.rings.has(accountSid) && visible({ accountSid, ownerSid: ring.ownerSid })) rings.push(ring);
    }
    return rings;
  }

  /** Drops what is past the account's cap or the window; an emptied ring goes (given its account). */
  private trim(ring: Ring, accountSid?: string): void {
    const oldest = this.clock.now() - this.windowMs;
    while (ring.entries.length - ring.head > this.maxEvents)
      ring.dropped = (ring.entries[ring.head++] as LogEntry).sequence;
    while (ring.head < ring.entries.length && (ring.entries[ring.head] as LogEntry).at < oldest)
      this.expiredUpTo = Math.max(this.expiredUpTo, (ring.entries[ring.head++] as LogEntry).sequence);
    if (ring.head === ring.entries.length && accountSid !== undefined) {
      this.expiredUpTo = Math.max(this.expiredUpTo, ring.dropped);
      this.rings.delete(accountSid);
    } else if (ring.head > 1024 && ring.head * 2 > ring.entries.length) {
      ring.entries = ring.entries.slice(ring.head);
      ring.head = 0;
    }
  }
}

function problem(error: { code: number; message: string; url?: string | undefined }) {
  return { code: error.code, message: error.message, url: error.url ?? null };
}
