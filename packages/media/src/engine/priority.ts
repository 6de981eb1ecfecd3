/**
 * Audio threads ahead of the control plane. The frame clock in each worker must wake every 20 ms
 * on time; at normal priority the kernel shares the cores fairly with the server's main thread
 * (HTTP, SQLite, webhooks) and whatever else runs on the machine, so on a busy two-core box a
 * frame can wait 50–300 ms. Audio servers (PipeWire, JACK) solve this with real-time scheduling
 * for their audio threads; so do we, as far as the process is allowed:
 *   1. `realtime`: SCHED_RR at priority 10 (the kernel still caps real-time threads at 95 % of a
 *      core, so a runaway worker cannot lock the machine). Needs root, CAP_SYS_NICE or an
 *      RLIMIT_RTPRIO ≥ 10 (systemd `LimitRTPRIO=10`, docker `--ulimit rtprio=10`).
 *   2. `high`: nice -10, which needs CAP_SYS_NICE or RLIMIT_NICE ≥ 30.
 *   3. `normal`: neither allowed; the caller warns the operator, with what to grant.
 * Node has no binding for sched_setscheduler(2), so the policy is set by util-linux's `chrt`
 * (present wherever util-linux is), by the thread's Linux id; nice through `os.setPriority`,
 * which on Linux applies to the thread whose id it is given.
 *
 * @example
 * const outcome = await raiseAudioPriority([workerThreadId]);
 * if (outcome.level === 'normal') warn(outcome.reason);
 */
import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export type AudioPriority = 'realtime' | 'high' | 'normal';

export interface PriorityOutcome {
  readonly level: AudioPriority;
  /** Why the level is not `realtime`: what the kernel refused, and what would allow it. */
  readonly reason?: string;
}

/** How priorities are set: the real system by default; tests substitute refusals. */
export interface PrioritySystem {
  /** Makes `thread` SCHED_RR at `priority`; rejects when not allowed. */
  realtime(thread: number, priority: number): Promise<void>;
  /** Sets `thread`'s nice value; throws when not allowed. */
  nice(thread: number, value: number): void;
}

export const REALTIME_PRIORITY = 10;
export const HIGH_NICE = -10;

const system: PrioritySystem = {
  realtime: (thread, priority) =>
    new Promise((resolve, reject) => {
      execFile('chrt', ['--rr', '--pid', String(priority), String(thread)], { timeout: 5000 }, (error, _out, err) =>
        error ? reject(new Error(err.trim() || error.message)) : resolve(),
      );
    }),
  nice: (thread, value) => setPriority(thread, value),
};

/** The calling thread's Linux thread id, or undefined off Linux (no `/proc/thread-self`). */
export function currentThreadId(): number | undefined {
  try {
    const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

const GRANT =
  'grant real-time scheduling to run audio ahead of the rest of the server (systemd: LimitRTPRIO=10; docker: --ulimit rtprio=10; or CAP_SYS_NICE)';

/** Raises every audio thread as far as allowed; all threads end at the same level. */
export async function raiseAudioPriority(
  threads: readonly (number | undefined)[],
  on: PrioritySystem = system,
): Promise<PriorityOutcome> {
  const ids = threads.filter((t): t is number => t !== undefined);
  if (ids.length === 0 || ids.length < threads.length) {
    return { level: 'normal', reason: `audio threads run at normal priority: thread ids are not available here` };
  }
  try {
    await Promise.all(ids.map((id) => on.realtime(id, REALTIME_PRIORITY)));
    return { level: 'realtime' };
  } catch (realtimeRefused) {
    // A thread made real-time before another was refused stays so; all get nice too, so the
    // level reported (`high`) holds for every one of them.
    try {
      for (const id of ids) on.nice(id, HIGH_NICE);
      return {
        level: 'high',
        reason: `audio threads run at nice ${HIGH_NICE}, not real-time (${message(realtimeRefused)}): ${GRANT}`,
      };
    } catch (niceRefused) {
      return {
        level: 'normal',
        reason: `audio threads run at normal priority (real-time: ${message(realtimeRefused)}; nice: ${message(niceRefused)}): audio may be late when the machine is busy; ${GRANT}`,
      };
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
