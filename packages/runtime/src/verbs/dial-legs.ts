/**
 * Ringing and bridging for Dial: ring the targets in parallel (first answer wins, the others are
 * canceled) or one after another, then keep the caller and the winner connected until one hangs
 * up, the time limit passes, the caller presses `*` (hangupOnStar) or the call is interrupted.
 */
import type { MediaLeg, RecordResult } from '../media/types.js';
import type { ChildCall, DialRequest, VerbContext } from './types.js';

export interface Target {
  readonly request: DialRequest;
  /** Whisper document run on the answered party before bridging. */
  readonly url?: string | undefined;
  readonly method: 'GET' | 'POST';
  readonly sendDigits?: string | undefined;
}

export type DialCallStatus = 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';

export interface RingResult {
  readonly winner?: { readonly target: Target; readonly child: ChildCall };
  /** The status when nobody answered. */
  readonly status: DialCallStatus;
  /** The last child call placed (DialCallSid when nobody answered). */
  readonly lastSid?: string;
  /** The SIP response that ended the last attempt, on SIP media. */
  readonly sipResponseCode?: number;
}

function combine(results: readonly string[], interrupted: boolean): DialCallStatus {
  if (interrupted) return 'canceled';
  if (results.length > 0 && results.every((r) => r === 'busy')) return 'busy';
  if (results.length > 0 && results.every((r) => r === 'failed')) return 'failed';
  return 'no-answer';
}

function lastOf(child: ChildCall | undefined): Pick<RingResult, 'lastSid' | 'sipResponseCode'> {
  if (!child) return {};
  return {
    lastSid: child.sid,
    ...(child.sipResponseCode === undefined ? {} : { sipResponseCode: child.sipResponseCode }),
  };
}

export async function ring(targets: readonly Target[], sequential: boolean, context: VerbContext): Promise<RingResult> {
  if (sequential) {
    const results: string[] = [];
    let last: ChildCall | undefined;
    for (const target of targets) {
      const child = context.dial(target.request, context.signal);
      last = child;
      const result = await child.result;
      if (result === 'answered') return { winner: { target, child }, status: 'completed' };
      results.push(result);
      if (context.signal.aborted) break;
    }
    return { status: combine(results, context.signal.aborted), ...lastOf(last) };
  }
  const others = new AbortController();
  const signal = AbortSignal.any([context.signal, others.signal]);
  const attempts = targets.map((target) => ({ target, child: context.dial(target.request, signal) }));
  let winner: RingResult['winner'];
  const results = await Promise.all(
    attempts.map(async (attempt) => {
      const result = await attempt.child.result;
      if (result !== 'answered') return result;
      if (winner) {
        // Answered in the same instant as the winner: this one is not needed.
        await attempt.child.end();
        return 'canceled';
      }
      winner = attempt;
      others.abort(new Error('another party answered'));
      return result;
    }),
  );
  if (winner) return { winner, status: 'completed' };
  return { status: combine(results, context.signal.aborted), ...lastOf(attempts.at(-1)?.child) };
}

/** The far side of a bridge: a dialed child call, or a dequeued queue member. */
export interface Bridgeable {
  readonly leg: MediaLeg | undefined;
  readonly over: boolean;
  /**
   * Aborts when the far side's call ends however it ends: also when it is ended from our side
   * (a REST update with Status=completed), which its leg does not report as the party's hang-up.
   */
  readonly ended: AbortSignal;
  /** Called when the bridge ends while the far side is still up. */
  end(): Promise<void>;
}

/** Connects the caller and `child` until the bridge ends: the seconds connected, and the recording if asked. */
export async function bridge(
  context: VerbContext,
  child: Bridgeable,
  options: {
    readonly timeLimitMs: number;
    readonly hangupOnStar: boolean;
    readonly record?: 'mono' | 'dual' | undefined;
  },
): Promise<{ seconds: number; recording?: RecordResult | undefined }> {
  const leg = child.leg;
  if (!leg) return { seconds: 0 };
  const started = context.clock.now();
  const connection = context.media.bridge(context.leg, leg, options.record ? { record: options.record } : {});
  let recording: RecordResult | undefined;
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const onStar = (digit: string) => {
    if (digit === '*') finish();
  };
  const cancelTimer = context.clock.setTimer(finish, options.timeLimitMs);
  leg.events.once('hangup', finish);
  context.signal.addEventListener('abort', finish, { once: true });
  child.ended.addEventListener('abort', finish, { once: true });
  // With hangupOnStar the caller's keys are listened for during the bridge.
  const stopListening = options.hangupOnStar ? context.leg.listen({}) : undefined;
  if (options.hangupOnStar) context.leg.events.on('dtmf', onStar);
  if (child.over || context.signal.aborted || child.ended.aborted) finish();
  try {
    await ended;
  } finally {
    cancelTimer();
    leg.events.off('hangup', finish);
    context.signal.removeEventListener('abort', finish);
    child.ended.removeEventListener('abort', finish);
    context.leg.events.off('dtmf', onStar);
    stopListening?.();
    recording = await connection.close();
  }
  if (!child.over) await child.end();
  return { seconds: Math.round((context.clock.now() - started) / 1000), recording };
}
