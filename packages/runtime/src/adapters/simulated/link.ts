/**
 * An on-net call on the simulated network: two legs back to back. The caller's side gets the
 * `caller` leg (as if it had dialed out); the callee's app gets the `callee` leg (as an inbound
 * call). What the runtime plays to one leg, the app on the other side hears: speech reaches its
 * recognizer, keys its DTMF events, and both parties' transcripts show it.
 *
 * The caller's outcome follows the callee's app: its answer answers the call, `<Reject>` makes it
 * busy or rejected, an app that ends without answering (as the hosted service answers every call
 * it does not reject) answers and hangs up at once. Ringing past the caller's timeout is
 * no-answer, and the callee's leg hangs up; so does a cancel. Once answered, whichever side hangs
 * up, the other hears it.
 */
import type { Clock } from '../../clock/clock.js';
import type { OriginateOutcome, OriginateRequest } from '../../media/types.js';
import { SimulatedLeg } from './leg.js';
import type { Media } from './media.js';

/** A leg of an on-net call: what its party hears, the other side's app receives. */
export class LinkedLeg extends SimulatedLeg {
  other: LinkedLeg | undefined;
  onAnswer: (() => void) | undefined;
  onReject: ((reason: 'busy' | 'rejected') => void) | undefined;
  onHangup: (() => void) | undefined;

  override get live(): boolean {
    return true;
  }

  protected override relay(media: Media, seen: Set<SimulatedLeg>, self: SimulatedLeg): void {
    this.other?.perform(media, seen.add(self));
  }

  override async answer(): Promise<void> {
    if (!this.active) return;
    await super.answer();
    this.onAnswer?.();
    this.onAnswer = undefined;
  }

  override async reject(reason: 'busy' | 'rejected' | 'not-found'): Promise<void> {
    if (!this.active) return;
    await super.reject(reason);
    this.onReject?.(reason === 'busy' ? 'busy' : 'rejected');
  }

  override async hangup(): Promise<void> {
    if (!this.active) return;
    await super.hangup();
    this.onHangup?.();
  }
}

/**
 * Joins `caller` and `callee` (new legs) for `request`; `outcome` settles as `originate` would.
 */
export function linkLegs(
  caller: LinkedLeg,
  callee: LinkedLeg,
  request: OriginateRequest,
  clock: Clock,
  signal: AbortSignal,
  onRinging?: () => void,
): Promise<OriginateOutcome> {
  caller.other = callee;
  callee.other = caller;
  caller.party.calledFrom.push(request.from);
  let ringing = true;
  caller.onHangup = () => callee.remoteHangup();
  return new Promise<OriginateOutcome>((resolve) => {
    const settle = (outcome: OriginateOutcome) => {
      ringing = false;
      cancelTimeout();
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const answered = () => {
      caller.party.note({ type: 'answered' });
      caller.connected();
      settle({ outcome: 'answered', leg: caller });
    };
    const giveUp = (outcome: 'no-answer' | 'canceled') => {
      if (!ringing) return;
      caller.party.note({ type: outcome });
      callee.remoteHangup();
      settle({ outcome });
    };
    const onAbort = () => giveUp('canceled');
    const cancelTimeout = clock.setTimer(() => giveUp('no-answer'), request.timeoutMs);
    callee.onAnswer = () => {
      if (ringing) answered();
    };
    callee.onReject = (reason) => {
      if (!ringing) return;
      caller.party.note({ type: reason });
      settle({ outcome: reason === 'busy' ? 'busy' : 'rejected' });
    };
    callee.onHangup = () => {
      if (!ringing) return caller.remoteHangup();
      answered();
      // After the caller's side has taken the answered leg.
      caller.later(0, () => caller.remoteHangup());
    };
    caller.party.note({ type: 'ringing' });
    onRinging?.();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
