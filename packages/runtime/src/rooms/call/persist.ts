/**
 * Room calls kept in the store (docs/rooms.md, calls): each room call (`RC...`) and its roster,
 * written as it changes so that after a restart `GET .../Call` shows the room's last call and
 * `GET .../Calls` its history. Writes are coalesced: a call is written when it starts and when
 * it ends, and in between at most once per COALESCE_MS with everything changed meanwhile, so a
 * 250-member call is a few writes a second at most, not one per change. An index of the calls in progress (kind `setting`) lets start-up find
 * those the server was running when it stopped: they are stored `completed` with end reason
 * `server-restart` (their legs end through the runtime's own crash recovery), and the room's log
 * gets their `call-ended`.
 *
 * In a cluster each node keeps an index of its own (`room-calls-in-progress:<node>`), written only
 * by that node: a node starting ends only the calls it ran before (never another node's, which
 * are running), and the survivor the bus names to take a dead node over ends the dead node's
 * (`takeOver`) the same way.
 *
 * @example
 * const kept = new RoomCallStore(store, runtime.clock, onError);
 * engine.events.on('event', (event) => kept.changed(event.call));
 * await kept.recover(audit, (sid) => engine.has(sid));
 */
import type { Clock } from '../../clock/clock.js';
import type { Store, StoredRecord } from '../../store/types.js';
import { Serial } from '../serial.js';
import type { RoomAudit } from './audit.js';
import type { RosterEntry } from './roster.js';
import { LIVE_STATES } from './roster.js';
import type { EndReason, RoomCall, RoomCallError } from './state.js';

/** A room call as stored: the call's own fields and its roster's final (or latest) states. */
export interface RoomCallRecord extends StoredRecord {
  readonly roomSid: string;
  readonly status: 'in-progress' | 'completed';
  readonly conferenceSid?: string;
  readonly organizerKey?: string;
  readonly endedAt?: number;
  readonly endReason?: EndReason;
  readonly error?: RoomCallError;
  readonly participants: readonly RosterEntry[];
  readonly updatedAt: number;
}

/** The index of room calls in progress (kind `setting`, account `system`); a cluster node's is `<sid>:<node>`. */
export const LIVE_INDEX_SID = 'room-calls-in-progress';
const indexSid = (node: string | undefined) => (node === undefined ? LIVE_INDEX_SID : `${LIVE_INDEX_SID}:${node}`);
interface LiveIndexRecord extends StoredRecord {
  readonly calls: ReadonlyArray<{ readonly accountSid: string; readonly sid: string }>;
}

export function roomCallRecord(call: RoomCall, now: number): RoomCallRecord {
  return {
    sid: call.sid,
    accountSid: call.room.accountSid,
    createdAt: call.startedAt,
    roomSid: call.room.sid,
    status: call.status,
    ...(call.conferenceSid ? { conferenceSid: call.conferenceSid } : {}),
    ...(call.organizerKey ? { organizerKey: call.organizerKey } : {}),
    ...(call.endedAt === undefined ? {} : { endedAt: call.endedAt }),
    ...(call.endReason ? { endReason: call.endReason } : {}),
    ...(call.error ? { error: call.error } : {}),
    participants: [...call.entries.values()],
    updatedAt: now,
  };
}

/** A call the server stopped running: over, and nobody in it any more. */
export function stopped(record: RoomCallRecord, at: number): RoomCallRecord {
  const participants = record.participants.map((entry): RosterEntry => {
    if (!LIVE_STATES.has(entry.state)) return entry;
    return entry.state === 'joined' ? { ...entry, state: 'left', leftAt: at } : { ...entry, state: 'no-answer' };
  });
  return { ...record, status: 'completed', endedAt: at, endReason: 'server-restart', participants, updatedAt: at };
}

/** At most one write per call in this long while it runs (its start and its end are written at once). @default 500 */
export const COALESCE_MS = 500;

/** A call with changes not yet stored. */
interface Pending {
  readonly call: RoomCall;
  dirty: boolean;
  written: boolean;
  /** Its end is stored (what follows it, the last people leaving, waits its turn). */
  ended: boolean;
  writing?: Promise<void> | undefined;
  cancel?: (() => void) | undefined;
}

export class RoomCallStore {
  readonly #pending = new Map<string, Pending>();
  readonly #index = new Serial();
  /** The calls of this process in the index. */
  readonly #listed = new Set<string>();

  /** This process's index (its node's, in a cluster). */
  readonly #own: string;

  constructor(
    private readonly store: Store,
    private readonly clock: Pick<Clock, 'now' | 'setTimer'>,
    private readonly onError: (error: unknown) => void = () => {},
    /** In a cluster: this node's id (it keeps an index of its own). */
    private readonly node?: string,
  ) {
    this.#own = indexSid(node);
  }

  /** The call changed: stored at once when it starts or ends, else within COALESCE_MS (with whatever else changes by then). */
  changed(call: RoomCall): void {
    let pending = this.#pending.get(call.sid);
    if (!pending) {
      pending = { call, dirty: false, written: false, ended: false };
      this.#pending.set(call.sid, pending);
    }
    pending.dirty = true;
    if (!pending.written || (call.status === 'completed' && !pending.ended)) this.#start(pending);
    else this.#later(pending);
  }

  /** Resolves once every change made so far is stored. */
  async flush(): Promise<void> {
    for (let round = 0; round < 3 && this.#pending.size > 0; round++) {
      for (const pending of this.#pending.values()) if (pending.dirty) this.#start(pending);
      await Promise.all([...this.#pending.values()].map((pending) => pending.writing));
    }
  }

  #later(pending: Pending): void {
    if (pending.writing) return;
    pending.cancel ??= this.clock.setTimer(() => {
      pending.cancel = undefined;
      this.#start(pending);
    }, COALESCE_MS);
  }

  #start(pending: Pending): void {
    pending.cancel?.();
    pending.cancel = undefined;
    pending.writing ??= this.#write(pending);
  }

  async #write(pending: Pending): Promise<void> {
    // The changes made in the same turn (a start ringing everyone) go in one write.
    await Promise.resolve();
    const { call } = pending;
    try {
      pending.dirty = false;
      pending.written = true;
      if (call.status === 'completed') pending.ended = true;
      if (call.status === 'in-progress') await this.#list(call);
      await this.store.put('room-call', roomCallRecord(call, this.clock.now()));
      if (call.status === 'completed') await this.#unlist(call.room.accountSid, call.sid);
    } catch (error) {
      this.onError(error);
    } finally {
      pending.writing = undefined;
      if (pending.dirty) this.#later(pending);
      // A call still running keeps its turn: its next change waits COALESCE_MS after this write.
      else if (pending.ended) this.#pending.delete(call.sid);
    }
  }

  /** The room's latest stored call. */
  async latest(accountSid: string, roomSid: string): Promise<RoomCallRecord | undefined> {
    const page = await this.store.list<RoomCallRecord>('room-call', {
      accountSid,
      where: { roomSid },
      page: 0,
      pageSize: 1,
    });
    return page.items[0];
  }

  /**
   * Calls in progress when the server stopped (not `running`: this process's own) are stored
   * `server-restart`, and their `call-ended` entered in their room's log. Resolves with how many.
   */
  recover(
    audit: RoomAudit | undefined,
    running: (sid: string) => boolean,
    /** Told of each call ended here (the status callback posts it). */
    onEnded?: (record: RoomCallRecord) => Promise<void>,
  ): Promise<number> {
    return this.#recover(this.#own, audit, running, onEnded);
  }

  /**
   * In a cluster, by the survivor taking node `dead` over: the calls it was running are over
   * (`server-restart`, as after a restart), each with its `call-ended`. Resolves with how many.
   */
  takeOver(
    dead: string,
    audit: RoomAudit | undefined,
    onEnded?: (record: RoomCallRecord) => Promise<void>,
  ): Promise<number> {
    if (this.node === undefined || dead === this.node) return Promise.resolve(0);
    return this.#recover(indexSid(dead), audit, () => false, onEnded);
  }

  async #recover(
    sid: string,
    audit: RoomAudit | undefined,
    running: (sid: string) => boolean,
    onEnded?: (record: RoomCallRecord) => Promise<void>,
  ): Promise<number> {
    const index = await this.store.find<LiveIndexRecord>('setting', sid);
    const over = new Set<string>();
    for (const { accountSid, sid } of index?.calls ?? []) {
      if (running(sid)) continue;
      over.add(sid);
      const at = this.clock.now();
      const ended = await this.store.update<RoomCallRecord>('room-call', accountSid, sid, (record) =>
        record.status === 'in-progress' ? stopped(record, at) : record,
      );
      if (ended?.endReason !== 'server-restart' || ended.endedAt !== at) continue;
      await audit?.append(
        { sid: ended.roomSid, accountSid },
        { kind: 'event', type: 'call-ended', roomCallSid: sid, state: 'completed', reason: 'server-restart' },
      );
      await onEnded?.(ended);
    }
    if (over.size > 0) await this.#changeIndex(sid, (calls) => calls.filter((c) => !over.has(c.sid)));
    return over.size;
  }

  /** Enters the call in the index of calls in progress (once). */
  async #list(call: RoomCall): Promise<void> {
    if (this.#listed.has(call.sid)) return;
    this.#listed.add(call.sid);
    await this.#changeIndex(this.#own, (calls) =>
      calls.some((c) => c.sid === call.sid) ? calls : [...calls, { accountSid: call.room.accountSid, sid: call.sid }],
    );
  }

  #unlist(accountSid: string, sid: string): Promise<void> {
    if (!this.#listed.delete(sid)) return Promise.resolve();
    return this.#changeIndex(this.#own, (calls) =>
      calls.filter((c) => !(c.sid === sid && c.accountSid === accountSid)),
    );
  }

  /** Changes an index; only this process writes it (its own, or a dead node's it took over). */
  #changeIndex(sid: string, change: (calls: LiveIndexRecord['calls']) => LiveIndexRecord['calls']): Promise<void> {
    return this.#index.run(sid, async () => {
      const index = await this.store.find<LiveIndexRecord>('setting', sid);
      const before = index?.calls ?? [];
      const calls = change(before);
      if (calls === before || (index && calls.length === before.length && calls.every((c, i) => c === before[i])))
        return;
      await this.store.put<LiveIndexRecord>('setting', {
        sid,
        accountSid: 'system',
        createdAt: index?.createdAt ?? this.clock.now(),
        calls,
      });
    });
  }
}
