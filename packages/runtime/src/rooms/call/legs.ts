/**
 * The room call's legs on the runtime (engine.ts decides, this places and stops): each person
 * rung is a call from the room's number through `runtime.calls.create` (an app user's
 * `client:` address carrying the invitation's parameters), with the ring time and the room's
 * length (plus the warning) as its limit; a refusal by the runtime (the account's concurrent-call
 * limit, dialing failed) is the room's fault 91181, not the person's answer.
 *
 * @example
 * const placed = placeLeg(runtime, call, plan);
 * if (!placed.ok) call.fault ??= { key: plan.entry.key, ...placed.error };
 */
import type { CallRecord } from '../../calls/call.js';
import type { Runtime } from '../../runtime.js';
import { invitationParameters } from './ringing.js';
import type { RingPlan, RoomCall, RoomCallError } from './state.js';
import { stepUrl } from './urls.js';

/** Seconds a member's phone or app rings before it counts as no answer. */
export const RING_TIMEOUT_S = 30;
/** Seconds before the maximum length that the room hears it is about to end. */
export const WARNING_BEFORE_S = 60;
/** Codes of a leg the runtime refused to place: the account's concurrent-call limit, dialing failed. */
const RUNTIME_REFUSALS: ReadonlySet<number> = new Set([10004, 13227]);

export const refused = (to: string, why: string): RoomCallError => ({
  code: 91181,
  message: `the runtime refused to place the call to ${to}: ${why}`,
});

export type Placed =
  | { readonly ok: true; readonly record: CallRecord }
  | { readonly ok: false; readonly error: RoomCallError };

/** Places the leg of one person rung: its record, or why the runtime refused it at once. */
export function placeLeg(runtime: Runtime, call: RoomCall, plan: RingPlan): Placed {
  const url = stepUrl({ roomSid: call.room.sid, callId: call.sid, step: plan.first, key: plan.entry.key });
  const to = plan.to.startsWith('client:') ? `${plan.to}?${invitationParameters(call.room, call.caller)}` : plan.to;
  try {
    const record = runtime.calls.create({
      account: call.account,
      to,
      from: call.room.phoneNumber,
      url,
      timeout: RING_TIMEOUT_S,
      timeLimit: call.room.maxDuration + WARNING_BEFORE_S,
    });
    return { ok: true, record };
  } catch (error) {
    return { ok: false, error: refused(plan.to, error instanceof Error ? error.message : String(error)) };
  }
}

/** Why a failed leg failed, when it was the runtime's refusal rather than the person's phone. */
export function runtimeRefusal(record: CallRecord): RoomCallError | undefined {
  if (record.status !== 'failed') return undefined;
  const refusal = record.errors.find((e) => RUNTIME_REFUSALS.has(e.code));
  return refusal ? refused(record.to, `${refusal.code} ${refusal.message}`) : undefined;
}

/** Stops a leg: a ringing one is canceled, an answered one hung up. */
export function hangUpLeg(runtime: Runtime, callSid: string): void {
  const record = runtime.calls.get(callSid);
  if (!record) return;
  const status = record.status === 'in-progress' ? 'completed' : 'canceled';
  runtime.calls.update(callSid, { status }).catch(() => undefined);
}
