/**
 * Whether an inbound call (from the network, on-net, or placed by a device) may start: its
 * account's live calls on this runtime, then, with a shared cap (a cluster), across the nodes. The
 * cluster's unit is taken for the call before anything of it exists, so a call past the cap is
 * refused exactly as on one node: the caller busy, no call record, `incoming.rejected` with 10004
 * (the Simulator's 429), a device's AccountLimitExceeded.
 *
 * @example
 * const gate = inboundGate({ events, limits, overCallLimit, shared });
 * gate.admit(leg, call, account, (sid) => startInbound(sid, leg, call, app));
 */
import type { EventEmitter } from 'eventemitter3';
import type { PatchbayError } from '../errors.js';
import type { CallAccount, RuntimeEvents } from '../interpreter/types.js';
import { type AccountLimits, resolveLimits } from '../limits/account-limits.js';
import type { SharedCallCap } from '../limits/shared-call-cap.js';
import type { MediaLeg } from '../media/types.js';
import { newSid } from '../sid.js';

export interface InboundGateDeps {
  readonly events: EventEmitter<RuntimeEvents>;
  readonly limits: AccountLimits;
  /** The account's limit of live calls on this runtime (its table), if it is reached. */
  overCallLimit(account: CallAccount): PatchbayError | undefined;
  readonly shared?: SharedCallCap | undefined;
}

type Decided = PatchbayError | undefined;

export function inboundGate(deps: InboundGateDeps) {
  /** Why call `sid` may not start (nothing is taken then); else undefined, its shared unit taken. */
  function refusal(account: CallAccount, sid: string): Decided | Promise<Decided> {
    const local = deps.overCallLimit(account);
    if (local || !deps.shared) return local;
    return deps.shared.reserve(account.sid, resolveLimits(account.limits, deps.limits).concurrentCalls, sid);
  }

  function busy(leg: MediaLeg, call: { readonly from: string; readonly to: string }, error: PatchbayError): void {
    void leg.reject('busy').then(() =>
      deps.events.emit('incoming.rejected', {
        to: call.to,
        from: call.from,
        kind: 'call',
        error: { code: error.numericCode, message: error.message },
      }),
    );
  }

  return {
    refusal,
    /** Gives back the shared unit of a call refused or abandoned before it started. */
    release(sid: string): void {
      deps.shared?.release(sid);
    },
    /** Starts a call from the network (`start` with its SID) unless its account is at its limit: the leg is then busy. */
    admit(
      leg: MediaLeg,
      call: { readonly from: string; readonly to: string },
      account: CallAccount,
      start: (sid: string) => void,
    ): void {
      const sid = newSid('CA');
      const decided = refusal(account, sid);
      if (!(decided instanceof Promise)) {
        if (decided) busy(leg, call, decided);
        else start(sid);
        return;
      }
      // The caller may hang up while the cluster is asked: the unit goes back, nothing starts.
      let gone = false;
      const hangup = () => {
        gone = true;
      };
      leg.events.once('hangup', hangup);
      void decided.then((error) => {
        leg.events.off('hangup', hangup);
        if (error) busy(leg, call, error);
        else if (gone) deps.shared?.release(sid);
        else start(sid);
      });
    },
  };
}
