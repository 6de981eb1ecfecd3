/**
 * The Store: everything Patchbay must not lose, behind a deliberately narrow interface so that
 * the embedded SQLite store and a future PostgreSQL store (for several nodes) implement the same
 * few operations, checked by one conformance suite:
 * - records: JSON documents by kind and SID, scoped to an account, listed newest first with
 *   equality filters and paging;
 * - the callback outbox: webhooks accepted but not yet delivered, each with a unique key so the
 *   same callback (call SID + SequenceNumber) is stored, and so delivered, at most once;
 * - blobs: recording audio.
 */

export type RecordKind =
  | 'account'
  | 'key'
  | 'number'
  | 'application'
  | 'call'
  | 'message'
  | 'recording'
  | 'conference'
  | 'participant'
  | 'queue'
  /** What went wrong in a call or message (REST Notifications). */
  | 'notification'
  /** A request a call made to its app, and the answer (REST Calls/{Sid}/Events). */
  | 'call-event'
  /** Server settings, such as which account is the bootstrap one. */
  | 'setting'
  /** SIP domains, their credential and IP lists, the mappings between them (sip/records.ts). */
  | 'sip-domain'
  | 'sip-mapping'
  | 'sip-credential-list'
  | 'sip-credential'
  | 'sip-ip-acl'
  | 'sip-ip-address'
  /** Trunks to carriers (voice v1 BYOC trunks), their connection policies and targets. */
  | 'byoc-trunk'
  | 'connection-policy'
  | 'connection-policy-target'
  /** SIP phones' registrations, owned by the server (sip/registrations.ts). */
  | 'sip-registration'
  /** Rooms, their members, the operator's directory, each account's room policy (rooms/records.ts). */
  | 'room'
  | 'room-member'
  | 'room-directory-entry'
  | 'room-policy'
  /** A room's scheduled calls (rooms/schedules/records.ts). */
  | 'room-schedule'
  /** A room's audit log: its commands and events, sequence-numbered (rooms/call/audit.ts). */
  | 'room-event'
  /** A room's calls and their rosters, as they were (rooms/call/persist.ts). */
  | 'room-call'
  /** A room's chat messages, and its members' phone verifications (rooms/chat). */
  | 'room-message'
  | 'room-verification'
  /** Devices bound to a number or email, their pending registrations, each account's device settings (devices/records.ts). */
  | 'device'
  | 'device-registration'
  | 'device-settings'
  /** Commands for devices and each device's last command number (devices/commands/records.ts). */
  | 'device-command'
  | 'device-command-state'
  /** Far ends an account scripted on the simulated network (api/resources/simulator-numbers.ts). */
  | 'simulator-number';

/** What every stored record carries. */
export interface StoredRecord {
  readonly sid: string;
  /** The owning account (an account record owns itself; subaccounts carry their parent in their body). */
  readonly accountSid: string;
  /** Milliseconds since the epoch; lists are ordered by it, newest first. */
  readonly createdAt: number;
}

export type FilterValue = string | number | boolean;

export interface ListQuery {
  readonly accountSid: string;
  /** Top-level fields of the record that must equal these values. */
  readonly where?: Readonly<Record<string, FilterValue>>;
  /** Top-level numeric fields (times) that must lie within these bounds, both inclusive; a record without the field does not match. */
  readonly ranges?: Readonly<Record<string, { readonly min?: number; readonly max?: number }>>;
  /** 0-based page. */
  readonly page: number;
  readonly pageSize: number;
}

export interface Page<T> {
  readonly items: T[];
  /** Whether a page follows this one. */
  readonly more: boolean;
}

/** A webhook waiting to be delivered. */
export interface PendingCallback {
  readonly id: number;
  /** Unique per callback, e.g. `CA...:3` for a call's SequenceNumber 3. */
  readonly key: string;
  readonly accountSid: string;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly params: Readonly<Record<string, string | readonly string[]>>;
  readonly attempts: number;
  /** Milliseconds since the epoch. */
  readonly nextAttemptAt: number;
  /**
   * The claim it was handed out under (`outbox.claim` on a store several nodes share): each claim
   * and each release moves it on, so a node that lost the callback (released when it was taken
   * over) can tell before it sends (`outbox.hold`). Absent elsewhere.
   */
  readonly claim?: number;
}

export type NewCallback = Omit<PendingCallback, 'id' | 'attempts' | 'claim'>;

/** Which due callbacks a node takes to deliver (`outbox.claim`). */
export interface ClaimRequest {
  /** Milliseconds since the epoch: callbacks due by then may be taken. */
  readonly now: number;
  readonly limit: number;
  /** Who takes them (a node's name), recorded for operators. */
  readonly owner: string;
  /**
   * How long they are this owner's: until `now + leaseMs` nobody else may take them; then, if
   * neither `done` nor `retry` was called (the owner died), they are due again for anyone. 0 for
   * a store only one process uses.
   */
  readonly leaseMs: number;
  /** Only these callbacks (those of them that are due and free). */
  readonly ids?: readonly number[];
}

/** How `put` may refuse to replace what is stored. */
export interface PutOptions {
  /**
   * Statuses the stored record never leaves (final ones): when the stored record's top-level
   * `status` is one of these, the put writes nothing. Checked in the same step as the write, so a
   * late status from a node that lost the record (partitioned, taken over) cannot move it out of
   * the final status another node gave it.
   */
  readonly unlessStatusIn?: readonly string[];
}

export interface Store {
  /**
   * Stores (or replaces) a record. Writes take effect in the order they are made, and callbacks
   * queued for the record (`outbox.add`, keyed by its SID) before the put commit before it: a
   * crash never leaves a call ended in the store whose final callback was not yet queued.
   */
  put<T extends StoredRecord>(kind: RecordKind, record: T, options?: PutOptions): Promise<void>;
  /**
   * Changes a record atomically: `change` gets the record as it is stored at that moment (no
   * other write lands between the read and the write) and returns the new one, which keeps the
   * SID and account. Resolves with the stored result, or undefined (nothing written, `change` not
   * called) when the account has no such record: a deleted record stays deleted. `change` runs
   * inside the store's transaction, so it must be synchronous and quick; to refuse the change
   * (the record is in a state that forbids it) it throws, and nothing is written.
   *
   * Use it for every change to an existing record: a request that read the record, then waited
   * for its body, must never write that old copy back over a revocation made meanwhile.
   */
  update<T extends StoredRecord>(
    kind: RecordKind,
    accountSid: string,
    sid: string,
    change: (current: T) => T,
  ): Promise<T | undefined>;
  /** The record, only if it belongs to `accountSid`. */
  get<T extends StoredRecord>(kind: RecordKind, accountSid: string, sid: string): Promise<T | undefined>;
  /** Finds a record by SID whatever its account (authentication: keys and accounts by SID). */
  find<T extends StoredRecord>(kind: RecordKind, sid: string): Promise<T | undefined>;
  /** The newest record matching `where` in any account (routing: which account owns a number). */
  findOne<T extends StoredRecord>(
    kind: RecordKind,
    where: Readonly<Record<string, FilterValue>>,
  ): Promise<T | undefined>;
  delete(kind: RecordKind, accountSid: string, sid: string): Promise<boolean>;
  list<T extends StoredRecord>(kind: RecordKind, query: ListQuery): Promise<Page<T>>;

  outbox: {
    /** Queues a callback: its id, or undefined (and nothing stored) when its key was queued before. */
    add(callback: NewCallback): Promise<number | undefined>;
    /** Callbacks due at `now`, oldest first. */
    due(now: number, limit: number): Promise<PendingCallback[]>;
    /**
     * Takes due callbacks for one owner, oldest first, each given to one claimer only even when
     * several nodes claim at once; a claimed callback is not due again until its lease ends
     * (its `nextAttemptAt` is the lease's end). A store several nodes share also keeps each
     * resource's order (webhooks/ordering.ts): a callback is not claimed while an older one of
     * its call, conference or message is pending, whichever node has that one.
     */
    claim(request: ClaimRequest): Promise<PendingCallback[]>;
    /**
     * The callbacks `owner` (a node declared dead) had claimed and not finished are due again at
     * `now`, for anyone, instead of at the end of their leases. Returns how many. Only stores
     * several nodes share have it (a single process's claims have no lease).
     */
    release?(owner: string, now: number): Promise<number>;
    /**
     * Right before a node sends a callback it claimed: true, with the lease's end moved to
     * `until`, only while the callback is still held under `claim` and not done; false once it was
     * released (its node declared dead) or claimed again, and then the node must not send it. A
     * node that will not send after all gives it back with `until` = now. Only stores several
     * nodes share have it.
     */
    hold?(id: number, claim: number, until: number): Promise<boolean>;
    /** Delivered (or given up): it will not be returned again. With `claim`, only while it is still held under it. */
    done(id: number, claim?: number): Promise<void>;
    /** Failed this time: try again at `nextAttemptAt`. With `claim`, only while it is still held under it. */
    retry(id: number, nextAttemptAt: number, claim?: number): Promise<void>;
    /**
     * Forgets callbacks that are done and whose last attempt was due before `before` (their keys
     * may then be queued again): delivered callbacks do not fill the disk. Returns how many.
     */
    prune(before: number): Promise<number>;
  };

  blobs: {
    put(key: string, bytes: Uint8Array): Promise<void>;
    get(key: string): Promise<Uint8Array | undefined>;
    delete(key: string): Promise<void>;
  };

  close(): Promise<void>;
}
