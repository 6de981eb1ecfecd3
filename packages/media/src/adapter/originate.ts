/**
 * Placing a call the runtime asks for (`SipMediaAdapter.originate`): one engine leg and one SDP
 * offer, sent to each route in turn (routing.ts) until one answers or refuses as the callee
 * would. A target that gives no response at all within `targetSilenceMs` is given up for the
 * next (the INVITE's own Timer B is 32 s, longer than most ring timeouts); the ring timeout and
 * the caller's hang-up cover every attempt together. A far end's early media reaches the waiting
 * caller (`EarlyMedia`), one attempt at a time.
 *
 * @example
 * const outcome = await originate(outbound, request, signal, () => session.setStatus('ringing'));
 * if (outcome.outcome === 'answered') bridge(caller, outcome.leg);
 */
import { randomUUID } from 'node:crypto';
import type { OriginateOutcome, OriginateRequest } from '@patchbay/runtime';
import type { EngineLeg, MediaEngine } from '../engine/index.js';
import { createOffer, readAnswer } from '../sdp/index.js';
import type { InviteResult, SipAgent } from '../sip/index.js';
import { EarlyMedia } from './early-media.js';
import { outcomeOf } from './outcomes.js';
import type { Prompts } from './prompts.js';
import { failsOver, type Route, routesOf, type Where } from './routing.js';
import { SipLeg } from './sip-leg.js';

/** See `SipMediaOptions.targetSilenceMs`. */
export const DEFAULT_TARGET_SILENCE_MS = 5000;

/** What placing calls needs from the adapter. */
export interface Outbound {
  readonly agent: SipAgent;
  readonly engine: MediaEngine;
  readonly prompts: Prompts;
  readonly where: Where;
  /** A target silent this long is given up for the next one. */
  readonly targetSilenceMs: number;
  /** The address our SDP gives for a leg bound at `local`. */
  advertised(local: string): string;
  /** Keeps the answered leg among the adapter's own. */
  track(leg: SipLeg): SipLeg;
}

export async function originate(
  out: Outbound,
  request: OriginateRequest,
  signal: AbortSignal,
  onRinging?: () => void,
): Promise<OriginateOutcome> {
  if (signal.aborted) return { outcome: 'canceled' };
  const routes = await routesOf(request, out.where);
  if (!Array.isArray(routes)) return routes;
  const media = await out.engine.openLeg();
  const offer = createOffer({ address: out.advertised(media.localAddress), port: media.localPort });
  const ringing = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ringing.abort(new Error('no answer'));
  }, request.timeoutMs);
  const call = AbortSignal.any([signal, ringing.signal]);
  let rang = false;
  const attempt = async (route: Route, last: boolean): Promise<InviteResult> => {
    const early = new EarlyMedia(out.engine, request.caller, media, offer);
    const silence = new AbortController();
    let heard = false;
    const quiet = last ? undefined : setTimeout(() => silence.abort(new Error('no response')), out.targetSilenceMs);
    try {
      const result = await out.agent.invite(
        route.target,
        {
          from: request.from,
          sdp: offer,
          heard: () => {
            heard = true;
            clearTimeout(quiet);
          },
          ...(route.headers ? { headers: route.headers } : {}),
          ...(route.credentials ? { credentials: route.credentials } : {}),
          ...(route.proxy ? { proxy: route.proxy } : {}),
          ...(route.destination ? { destination: route.destination } : {}),
        },
        AbortSignal.any([call, silence.signal]),
        (status, sdp) => {
          if (!rang && status >= 180 && status < 200) {
            rang = true;
            onRinging?.();
          }
          early.provisional(status, sdp);
        },
      );
      await early.end(result.outcome === 'answered');
      if (result.outcome === 'canceled' && silence.signal.aborted && !heard && !call.aborted)
        return { outcome: 'failed', status: 408, reason: 'No response from the target' };
      return result;
    } catch (error) {
      await early.end(false);
      throw error;
    } finally {
      clearTimeout(quiet);
    }
  };
  try {
    let result: InviteResult = { outcome: 'canceled' };
    for (const [i, route] of routes.entries()) {
      const last = i === routes.length - 1;
      result = await attempt(route, last);
      if (last || call.aborted || !failsOver(result)) break;
    }
    return await settle(out, result, media, offer, timedOut);
  } catch (error) {
    await media.close();
    return { outcome: 'failed', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** The last attempt's result as the runtime's outcome: an answered leg, or why there is none. */
async function settle(
  out: Outbound,
  result: InviteResult,
  media: EngineLeg,
  offer: string,
  timedOut: boolean,
): Promise<OriginateOutcome> {
  if (result.outcome === 'canceled') {
    await media.close();
    return { outcome: timedOut ? 'no-answer' : 'canceled' };
  }
  if (result.outcome === 'failed') {
    await media.close();
    return outcomeOf(result.status, result.reason);
  }
  const negotiated = readAnswer(result.sdp, offer);
  if ('reject' in negotiated) {
    await result.dialog.bye().catch(() => undefined);
    await media.close();
    return { outcome: 'failed', reason: `488 ${negotiated.reason}`, sipResponseCode: 488 };
  }
  media.configure(negotiated);
  const leg = out.track(new SipLeg(randomUUID(), media, out.prompts, { dialog: result.dialog, offerSdp: offer }));
  return { outcome: 'answered', leg };
}
