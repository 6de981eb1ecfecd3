/**
 * Runs rooms' scheduled calls on the runtime's clock: one timer for the earliest due occurrence.
 * At its time the occurrence is first claimed in the store (runs.ts `claim`, one atomic update
 * that moves `nextRun` on), and only then is the call started through the room's commands, as
 * the organizer's `start` would: a process that stops at any point never runs an occurrence
 * twice, and one restarted finds every occurrence it missed. One it stopped in the middle of
 * (claimed, its call not known to have started) is resumed at start-up, or by the survivor that
 * takes a dead node over: started then unless a room call began since the claim. At start-up, occurrences that came
 * due while the server was down run at once if they are at most 15 minutes old, and are recorded
 * as `missed` otherwise. A call already in progress at the time is left alone and the occurrence
 * recorded as `skipped-call-in-progress`.
 *
 * In a cluster (`bus`) every node keeps every schedule's timer: a change made through one node
 * (created, changed, deleted) is published to the others (`room-schedules`), so a schedule
 * created through a node that dies later still runs. Each occurrence is claimed once in the
 * shared store, so whichever node's timer fires first runs it and the others find it claimed;
 * its call is placed by load, as a REST start is (cluster/room-schedule-start.ts).
 *
 * @example
 * const scheduler = new RoomScheduler({ calls, clock: runtime.clock });
 * await scheduler.start();
 * scheduler.close();
 */
import { type AccountRecord, callAccount } from '../../api/auth.js';
import { RestError } from '../../api/http.js';
import { allOf } from '../../api/resources/sip/common.js';
import { type Clock, holding } from '../../clock/clock.js';
import type { Bus, NodeDown, Unsubscribe } from '../../cluster/bus.js';
import { startScheduledThere } from '../../cluster/room-schedule-start.js';
import { updateIf } from '../../store/conditional.js';
import { type CommandDeps, runCommand } from '../call/commands.js';
import { callInProgress } from '../call/my-rooms.js';
import type { RoomRecord } from '../records.js';
import {
  type RoomScheduleRecord,
  type RunOutcome,
  SCHEDULE_INDEX_SID,
  SCHEDULE_LIMITS,
  type ScheduleIndexRecord,
  type ScheduleRun,
} from './records.js';
import { claim, due, reclaim, resumed } from './runs.js';

type RunResult = Omit<ScheduleRun, 'at'>;

/** setTimeout holds at most 2^31-1 ms (24.8 days); a monthly call further away is re-armed on the way. */
const MAX_TIMER_MS = 24 * 3600_000;

/** The bus topic of schedule changes in a cluster. */
export const SCHEDULES_TOPIC = 'room-schedules';

/** A schedule change as published: its next run, absent when it has none (ended or deleted). */
interface ScheduleChange {
  readonly sid: string;
  readonly accountSid: string;
  readonly nextRun?: number;
}

export interface SchedulerOptions {
  readonly calls: CommandDeps;
  readonly clock: Clock;
  /** In a cluster: schedule changes made through this node reach the others' timers. */
  readonly bus?: Bus | undefined;
  /** An occurrence that could not be claimed or recorded (the store failed). */
  readonly onError?: ((error: unknown) => void) | undefined;
}

interface Due {
  readonly accountSid: string;
  readonly nextRun: number;
}

export class RoomScheduler {
  /** Each active schedule's next occurrence, by SID. */
  readonly #due = new Map<string, Due>();
  #cancel: (() => void) | undefined;
  #closed = false;
  #running: Promise<void> = Promise.resolve();
  #unsubscribe: Promise<Unsubscribe> | undefined;

  constructor(private readonly options: SchedulerOptions) {}

  /**
   * Reads every account's schedules from the store, resumes the occurrences this server (this
   * node) had claimed and not seen started when it stopped, then runs (or records missed) what
   * came due meanwhile.
   */
  async start(): Promise<void> {
    const { bus } = this.options;
    // Heard before the store is read: a change made meanwhile is not missed.
    this.#unsubscribe = bus?.subscribe(SCHEDULES_TOPIC, (body, from) => {
      if (from !== bus.nodeId) this.#follow(body as ScheduleChange);
    });
    await this.#unsubscribe;
    bus?.on('node-down', this.#nodeDown);
    const schedules = await this.#stored();
    for (const schedule of schedules) this.#follow(schedule);
    await this.#resume(schedules, bus?.nodeId);
    await this.tick();
  }

  /** Every account's schedules, as stored. */
  async #stored(): Promise<RoomScheduleRecord[]> {
    const { store } = this.options.calls;
    const index = await store.find<ScheduleIndexRecord>('setting', SCHEDULE_INDEX_SID);
    const all: RoomScheduleRecord[] = [];
    for (const accountSid of index?.accounts ?? [])
      all.push(
        ...(await allOf<RoomScheduleRecord>(store, 'room-schedule', accountSid, {}, SCHEDULE_LIMITS.perAccount)),
      );
    return all;
  }

  /** The survivor the bus names takes a dead node's claimed occurrences over. */
  readonly #nodeDown = ({ node, claimed }: NodeDown) => {
    if (!claimed || this.#closed) return;
    this.#running = this.#running
      .then(async () => this.#resume(await this.#stored(), node))
      .catch((error: unknown) => this.options.onError?.(error));
  };

  /**
   * Occurrences `node` (undefined: a single server) claimed and left `claimed`: the process
   * stopped between the claim and the call's start, or before it recorded the start. Each is
   * claimed again by this server (once, whoever else looks), then: a room call started since the
   * claim is the occurrence's (`started`, never rung twice); else the call starts now, if the
   * occurrence is still within its 15 minutes (else `missed`).
   */
  async #resume(schedules: readonly RoomScheduleRecord[], node: string | undefined): Promise<void> {
    const { store, history } = this.options.calls;
    const own = this.options.bus?.nodeId;
    for (const schedule of schedules) {
      if (this.#closed) return;
      if (schedule.lastRun?.outcome !== 'claimed' || schedule.lastRun.node !== node) continue;
      await holding(this.options.clock, async () => {
        const now = this.options.clock.now();
        const mine = await updateIf<RoomScheduleRecord>(
          store,
          'room-schedule',
          schedule.accountSid,
          schedule.sid,
          (c) => reclaim(c, node, own, now),
        );
        const run = mine?.lastRun;
        if (!mine || !run) return;
        const room = await store.get<RoomRecord>('room', mine.accountSid, mine.roomSid);
        const latestCall = room && (await history?.latest(room.accountSid, room.sid));
        const next = resumed(run, room && { latestCall }, now);
        if (room && next === 'start') await this.#startCall(mine, room, run.at);
        else if (next !== 'start') await this.#record(mine, run.at, next);
      }).catch((error: unknown) => this.options.onError?.(error));
    }
  }

  /** A schedule was created or changed (REST): its next run counts from now on, on every node. */
  changed(schedule: RoomScheduleRecord): void {
    const change = {
      sid: schedule.sid,
      accountSid: schedule.accountSid,
      ...(schedule.nextRun === undefined ? {} : { nextRun: schedule.nextRun }),
    };
    this.#follow(change);
    this.#publish(change);
  }

  /** A schedule was deleted (REST), on every node. */
  removed(sid: string, accountSid: string): void {
    this.#follow({ sid, accountSid });
    this.#publish({ sid, accountSid });
  }

  #follow(change: ScheduleChange): void {
    if (change.nextRun === undefined) this.#due.delete(change.sid);
    else this.#due.set(change.sid, { accountSid: change.accountSid, nextRun: change.nextRun });
    this.#arm();
  }

  #publish(change: ScheduleChange): void {
    // A node that misses it still runs the occurrence when its own timer reads the store.
    this.options.bus?.publish(SCHEDULES_TOPIC, change).catch((error: unknown) => this.options.onError?.(error));
  }

  /** Settles when the occurrences being run now have been claimed and their calls started (tests). */
  idle(): Promise<void> {
    return this.#running;
  }

  close(): void {
    this.#closed = true;
    this.options.bus?.off('node-down', this.#nodeDown);
    void this.#unsubscribe?.then((unsubscribe) => unsubscribe()).catch(() => undefined);
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #arm(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    if (this.#closed) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const entry of this.#due.values()) earliest = Math.min(earliest, entry.nextRun);
    if (earliest === Number.POSITIVE_INFINITY) return;
    const wait = Math.min(Math.max(0, earliest - this.options.clock.now()), MAX_TIMER_MS);
    this.#cancel = this.options.clock.setTimer(() => {
      this.#cancel = undefined;
      void this.tick();
    }, wait);
  }

  /** Runs every occurrence due now, one after another, then arms the timer for the next. */
  tick(): Promise<void> {
    this.#running = this.#running.then(async () => {
      const now = this.options.clock.now();
      const ready = [...this.#due]
        .filter(([, entry]) => entry.nextRun <= now)
        .sort((a, b) => a[1].nextRun - b[1].nextRun);
      for (const [sid, entry] of ready) {
        if (this.#closed) return;
        // Real I/O (the store, the bus, the call's start): a virtual clock waits for it.
        await holding(this.options.clock, () => this.#occur(sid, entry)).catch((error: unknown) =>
          this.options.onError?.(error),
        );
      }
      this.#arm();
    });
    return this.#running;
  }

  async #occur(sid: string, entry: Due): Promise<void> {
    const { store } = this.options.calls;
    const now = this.options.clock.now();
    const schedule = await store.get<RoomScheduleRecord>('room-schedule', entry.accountSid, sid);
    const room = schedule && (await store.get<RoomRecord>('room', schedule.accountSid, schedule.roomSid));
    if (!schedule || !room) {
      // Deleted, or its room was: nothing to run, ever.
      if (schedule) await store.delete('room-schedule', schedule.accountSid, sid);
      this.#due.delete(sid);
      return;
    }
    const at = entry.nextRun;
    const verdict = due(at, now);
    // A call running on any node of a cluster counts (rooms/call/my-rooms.ts).
    const outcome: RunOutcome =
      verdict === 'missed'
        ? 'missed'
        : (await callInProgress(this.options.calls, room.sid))
          ? 'skipped-call-in-progress'
          : 'claimed';
    const claimed = await updateIf<RoomScheduleRecord>(store, 'room-schedule', schedule.accountSid, sid, (current) =>
      claim(current, at, now, outcome, this.options.bus?.nodeId),
    );
    // Claimed before (or changed meanwhile): follow what the store holds now.
    const current = claimed ?? (await store.get<RoomScheduleRecord>('room-schedule', schedule.accountSid, sid));
    if (current) this.#follow(current);
    else this.#due.delete(sid);
    if (!claimed || outcome !== 'claimed') return;
    await this.#startCall(claimed, room, at);
  }

  async #startCall(schedule: RoomScheduleRecord, room: RoomRecord, at: number): Promise<void> {
    const { store } = this.options.calls;
    let result: RunResult;
    try {
      const account = await store.find<AccountRecord>('account', schedule.accountSid);
      if (!account) throw new RestError(404, 20404, `account ${schedule.accountSid} not found`);
      // In a cluster the call is placed by load, as a REST start is.
      const { cluster } = this.options.calls;
      const node = cluster && this.options.bus && (await cluster.placeStart(room.sid));
      if (node !== undefined && node !== cluster?.nodeId && this.options.bus) {
        result = { outcome: 'started', ...(await startScheduledThere(this.options.bus, node, schedule)) };
      } else {
        const call = await runCommand(this.options.calls, room, callAccount(account), {
          type: 'start',
          members: schedule.members,
          organizerPhone: schedule.organizerPhone,
        });
        result = { outcome: 'started', callSid: call.sid };
      }
    } catch (error) {
      if (!(error instanceof RestError)) throw error;
      // Started meanwhile by someone else (91109): the same as finding it in progress.
      result =
        error.code === 91109 ? { outcome: 'skipped-call-in-progress' } : { outcome: 'failed', errorCode: error.code };
    }
    await this.#record(schedule, at, result);
  }

  /** What occurrence `at` did, recorded unless the schedule has run another one since. */
  async #record(schedule: RoomScheduleRecord, at: number, result: RunResult): Promise<void> {
    await this.options.calls.store.update<RoomScheduleRecord>(
      'room-schedule',
      schedule.accountSid,
      schedule.sid,
      (current) => (current.lastRun?.at === at ? { ...current, lastRun: { at, ...result } } : current),
    );
  }
}
