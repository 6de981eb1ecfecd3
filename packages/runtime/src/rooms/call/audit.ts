/**
 * A room's audit log: every command on its call (whoever sent it, accepted or refused) and every
 * event of it (call started, a person's state changed, call ended; a member added), one store
 * record each, numbered per room from 1 (`sequence`) in the order they happened, bounded per room
 * (the oldest dropped past `limit`). Listed at `GET /patchbay/v1/Rooms/{Sid}/Events`; the
 * control channel replays it to a device that missed events.
 *
 * Appends to one room take turns (a promise chain per room), so sequence numbers follow the
 * order of the calls to `append`, and a command's entry precedes the events it caused.
 *
 * In a cluster (`bus`), entries of one room may be appended on several nodes at once (its call's
 * events where the call runs, chat where the author is): each number is claimed on the bus
 * (`room-log:<RoomSid>:<n>`, set if absent, for a minute) and checked unused in the store before it is taken,
 * so two nodes never store one number (the entry's SID carries it: one would replace the other).
 *
 * @example
 * const audit = new RoomAudit(store, () => clock.now());
 * const entry = await audit.append(room, { kind: 'command', type: 'end', outcome: 'pending', source: 'api' });
 */
import type { Bus } from '../../cluster/bus.js';
import type { Store, StoredRecord } from '../../store/types.js';
import type { RoomRecord } from '../records.js';
import { Serial } from '../serial.js';
import type { RoomEvent } from './events.js';

/** How long a node's claim on a log number lives on the bus: long past the entry's write. */
const CLAIM_MS = 60_000;

/** Entries kept per room: the oldest is dropped when one more is appended. @default 10_000 */
export const AUDIT_LIMIT = 10_000;

export type AuditOutcome = 'pending' | 'accepted' | 'refused';

/** What an entry says, before the log numbers it. */
export interface AuditFields {
  readonly kind: 'command' | 'event';
  /** The command (`start`, `add`, `remove`, `mute`, `unmute`, `end`) or event (`call-started`, `member-updated`, `call-ended`, `member-added`). */
  readonly type: string;
  readonly roomCallSid?: string;
  readonly participantKey?: string;
  readonly memberSid?: string;
  readonly callSid?: string;
  /** member-updated: the person's state; call-ended: the call's status. */
  readonly state?: string;
  readonly muted?: boolean;
  /** call-ended: why. */
  readonly reason?: string;
  /** Commands: members named (start, add). */
  readonly members?: readonly string[];
  /** Commands: pending while it runs, then accepted or refused (with `errorCode`). */
  readonly outcome?: AuditOutcome;
  readonly errorCode?: number;
  /** Commands: where it came from. */
  readonly source?: 'api' | 'channel';
  /** room-updated: what changed, and which fields (docs/rooms.md). */
  readonly change?: string;
  readonly fields?: readonly string[];
  /** call-ended with reason fatal-error: what failed (its code is `errorCode`). */
  readonly errorMessage?: string;
  /** `message`: the room message (rooms/chat; its text is in the room's history, not here). */
  readonly messageSid?: string;
  /** room-updated with a schedule change, and the `schedule`/`unschedule` commands: which schedule. */
  readonly scheduleSid?: string;
}

export interface RoomEventRecord extends StoredRecord, AuditFields {
  readonly roomSid: string;
  readonly sequence: number;
}

/** The audit entry of a room event. */
export function eventFields(event: RoomEvent): AuditFields {
  const { call } = event;
  if (event.type === 'member-updated') {
    const { entry } = event;
    return {
      kind: 'event',
      type: event.type,
      roomCallSid: call.sid,
      participantKey: entry.key,
      ...(entry.memberSid ? { memberSid: entry.memberSid } : {}),
      ...(entry.callSid ? { callSid: entry.callSid } : {}),
      state: entry.state,
      muted: entry.muted,
    };
  }
  return {
    kind: 'event',
    type: event.type,
    roomCallSid: call.sid,
    state: call.status,
    ...(event.type === 'call-ended' && call.endReason ? { reason: call.endReason } : {}),
    ...(event.type === 'call-ended' && call.error
      ? { errorCode: call.error.code, errorMessage: call.error.message }
      : {}),
  };
}

/**
 * The SID carries the sequence number (fixed width) so entries made in the same millisecond list
 * in order, then the room's SID's last 20 hex digits: the entry a number names is found without a
 * search (dropping the oldest is one delete, not a query per append).
 */
const auditSid = (roomSid: string, sequence: number) =>
  `RV${sequence.toString(16).padStart(12, '0')}${roomSid.slice(-20)}`;

export class RoomAudit {
  readonly #last = new Map<string, { sequence: number; createdAt: number }>();
  readonly #turns = new Serial();
  readonly #listeners = new Set<(entry: RoomEventRecord) => void>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly limit = AUDIT_LIMIT,
    /** In a cluster: where numbers are claimed. */
    private readonly bus?: Pick<Bus, 'claimKey' | 'nodeId'>,
  ) {}

  /** Called with each entry once stored (the control channel pushes it to subscribers); returns the unsubscribe. */
  onEntry(listener: (entry: RoomEventRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * An entry another node of the cluster appended (cluster/room-events.ts): this node's
   * listeners hear it as their own (subscribers skip what they have by its sequence).
   */
  hear(record: RoomEventRecord): void {
    // This node's next entry for the room follows it (a room's entries are numbered in one log).
    const last = this.#last.get(record.roomSid);
    if (last && record.sequence > last.sequence)
      this.#last.set(record.roomSid, {
        sequence: record.sequence,
        createdAt: Math.max(record.createdAt, last.createdAt),
      });
    for (const listener of this.#listeners) listener(record);
  }

  /** Appends an entry to the room's log, in turn after the ones appended before it. */
  append(room: Pick<RoomRecord, 'sid' | 'accountSid'>, fields: AuditFields): Promise<RoomEventRecord> {
    return this.#turns.run(room.sid, async () => {
      const last = this.#last.get(room.sid) ?? (await this.#newest(room));
      // Never earlier than the entry before: lists are ordered by time, then SID.
      const createdAt = Math.max(this.now(), last.createdAt);
      const sequence = await this.#claim(room, last.sequence + 1);
      const record: RoomEventRecord = {
        sid: auditSid(room.sid, sequence),
        accountSid: room.accountSid,
        createdAt,
        roomSid: room.sid,
        sequence,
        ...fields,
      };
      await this.store.put('room-event', record);
      this.#last.set(room.sid, { sequence, createdAt });
      if (sequence > this.limit) await this.#drop(room, sequence - this.limit);
      for (const listener of this.#listeners) listener(record);
      return record;
    });
  }

  /** Resolves once the entries appended to the room before this call are stored. */
  flush(roomSid: string): Promise<void> {
    return this.#turns.run(roomSid, () => Promise.resolve());
  }

  /** A command's outcome, once known. */
  async settle(entry: RoomEventRecord, outcome: AuditOutcome, errorCode?: number): Promise<void> {
    await this.store.update<RoomEventRecord>('room-event', entry.accountSid, entry.sid, (current) => ({
      ...current,
      outcome,
      ...(errorCode === undefined ? {} : { errorCode }),
    }));
  }

  /** A deleted room's log goes with it (after the entries being appended). */
  purge(room: Pick<RoomRecord, 'sid' | 'accountSid'>): Promise<void> {
    return this.#turns.run(room.sid, async () => {
      this.#last.delete(room.sid);
      for (;;) {
        const page = await this.store.list<RoomEventRecord>('room-event', {
          accountSid: room.accountSid,
          where: { roomSid: room.sid },
          page: 0,
          pageSize: 500,
        });
        for (const entry of page.items) await this.store.delete('room-event', room.accountSid, entry.sid);
        if (!page.more) return;
      }
    });
  }

  /** `from`, or in a cluster the first number from it no other node has claimed or stored. */
  async #claim(room: Pick<RoomRecord, 'sid' | 'accountSid'>, from: number): Promise<number> {
    const { bus } = this;
    if (!bus) return from;
    for (let sequence = from; ; sequence++) {
      if (!(await bus.claimKey(`room-log:${room.sid}:${sequence}`, bus.nodeId, CLAIM_MS))) continue;
      // Claimed longer ago than the claim lives (this node had not heard of it): stored already.
      if (await this.store.get('room-event', room.accountSid, auditSid(room.sid, sequence))) continue;
      return sequence;
    }
  }

  async #newest(room: Pick<RoomRecord, 'sid' | 'accountSid'>) {
    const page = await this.store.list<RoomEventRecord>('room-event', {
      accountSid: room.accountSid,
      where: { roomSid: room.sid },
      page: 0,
      pageSize: 1,
    });
    const newest = page.items[0];
    return { sequence: newest?.sequence ?? 0, createdAt: newest?.createdAt ?? 0 };
  }

  async #drop(room: Pick<RoomRecord, 'sid' | 'accountSid'>, sequence: number) {
    if (await this.store.delete('room-event', room.accountSid, auditSid(room.sid, sequence))) return;
    // Entries stored before SIDs named their room are searched for.
    const page = await this.store.list<RoomEventRecord>('room-event', {
      accountSid: room.accountSid,
      where: { roomSid: room.sid, sequence },
      page: 0,
      pageSize: 1,
    });
    for (const old of page.items) await this.store.delete('room-event', room.accountSid, old.sid);
  }
}
