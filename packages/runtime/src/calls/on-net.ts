/**
 * On-net calls: a REST call or a `<Dial>` to a number an app on this server answers reaches that
 * app. The called side runs as an inbound call (its own CallSid, the number's VoiceUrl, signed
 * with the number owner's token, the caller ID as given); the calling side rings until that app
 * answers, and hears what it does, through the media adapter's `link`. Each account sees only its
 * own side. A chain of on-net calls (A dials B, which dials A...) is refused past `maxHops`.
 */

import { PatchbayError } from '../errors.js';
import type { CallAccount, CallSession } from '../interpreter/session.js';
import type { MediaAdapter, MediaLeg, OriginateOutcome, OriginateRequest, SipCallInfo } from '../media/types.js';
import type { Routed } from '../runtime-types.js';

/** On-net calls one call may lead to, one inside another, before the next is refused. */
export const DEFAULT_MAX_ON_NET_HOPS = 5;

/** Finds the app answering a number on this server (the runtime's `incoming`). */
export type CallRouter = (call: {
  readonly to: string;
  readonly from: string;
  readonly caller?: CallAccount;
  /** On SIP media, the INVITE's details. */
  readonly sip?: SipCallInfo;
}) => Routed | undefined | Promise<Routed | undefined>;

export interface OnNetOptions {
  readonly media: MediaAdapter;
  readonly route: CallRouter | undefined;
  /** Runs the called number's app on `leg` as an inbound call `hops` on-net calls deep. */
  readonly start: (
    leg: MediaLeg,
    call: { readonly from: string; readonly to: string },
    app: Routed,
    hops: number,
  ) => void;
  /** @default DEFAULT_MAX_ON_NET_HOPS */
  readonly maxHops?: number | undefined;
}

export function onNet(options: OnNetOptions) {
  const maxHops = options.maxHops ?? DEFAULT_MAX_ON_NET_HOPS;
  /** How many on-net calls led to each call session (absent: none). */
  const depth = new WeakMap<CallSession, number>();

  async function routed(call: CallSession, request: OriginateRequest): Promise<Routed | undefined> {
    if (request.to.kind !== 'number' || !options.media.link || !options.route) return undefined;
    try {
      return await options.route({ to: request.to.value, from: request.from, caller: call.account });
    } catch {
      // A routing failure (a store error) leaves the number to the network, as for inbound calls.
      return undefined;
    }
  }

  return {
    /** Notes that `session` is the called side of an on-net call `hops` deep. */
    mark(session: CallSession, hops: number): void {
      depth.set(session, hops);
    },

    /** The on-net calls that led to `session` (0 for a call from outside or from the REST API). */
    hopsOf(session: CallSession): number {
      return depth.get(session) ?? 0;
    },

    /**
     * Places `call` on-net when the number it dials is answered by an app here; undefined when it
     * is not (the caller then goes out through the media adapter). `hops` is the depth of the
     * session the call comes from.
     */
    async place(
      call: CallSession,
      hops: number,
      request: OriginateRequest,
      signal: AbortSignal,
      onRinging: () => void,
    ): Promise<OriginateOutcome | undefined> {
      const app = await routed(call, request);
      const link = options.media.link?.bind(options.media);
      if (!app || !link) return undefined;
      if (signal.aborted) return { outcome: 'canceled' };
      if (hops >= maxHops) {
        const message = `${request.to.value} is already ${hops} on-net calls deep (a loop?); the call is refused`;
        call.recordError(new PatchbayError('on-net-loop', message));
        return { outcome: 'failed', reason: 'on-net-loop' };
      }
      const { callee, outcome } = link(request, signal, onRinging);
      options.start(callee, { from: request.from, to: request.to.value }, app, hops + 1);
      return outcome;
    },
  };
}
