/**
 * A dialed far end's early media (183 Session Progress with SDP: an announcement, the carrier's
 * own ringing) reaches the caller in place of our ring tone: the dialed engine leg takes the early
 * SDP and is bridged to the caller's leg in the engine until the far end answers, fails or is
 * given up (the runtime then bridges the answered legs itself, or the ring tone comes back).
 * One far end at a time is heard: the first to send early media while the caller waits.
 *
 * @example
 * const early = new EarlyMedia(engine, request.caller, media, offer);
 * await agent.invite(target, options, signal, (status, sdp) => early.provisional(status, sdp));
 * await early.end(); // before returning the outcome
 */
import type { MediaLeg } from '@patchbay/runtime';
import type { EngineBridge, EngineLeg, MediaEngine } from '../engine/index.js';
import { readAnswer } from '../sdp/index.js';
import { SipLeg } from './sip-leg.js';

/** Callers hearing some far end's early media now: one far end per caller. */
const hearing = new WeakSet<SipLeg>();

export class EarlyMedia {
  private bridge: EngineBridge | undefined;
  private readonly caller: SipLeg | undefined;

  constructor(
    private readonly engine: MediaEngine,
    caller: MediaLeg | undefined,
    private readonly media: EngineLeg,
    private readonly offer: string,
  ) {
    this.caller = caller instanceof SipLeg ? caller : undefined;
  }

  /** A provisional response: with SDP (a 183, or a 180 carrying it), the caller hears the far end from now. */
  provisional(status: number, sdp: string | undefined): void {
    const caller = this.caller;
    if (!caller || !sdp || this.bridge || status < 180 || status > 199) return;
    if (caller.ended || hearing.has(caller)) return;
    const negotiated = readAnswer(sdp, this.offer);
    if ('reject' in negotiated) return;
    try {
      this.bridge = this.engine.bridge(caller.media, this.media);
    } catch {
      return; // the caller's leg closed meanwhile: nobody to hear it
    }
    this.media.configure(negotiated);
    hearing.add(caller);
    caller.hearEarly(true);
  }

  /** The call is answered, failed or given up: the early bridge ends (the ring tone returns unless answered). */
  async end(answered: boolean): Promise<void> {
    const { bridge, caller } = this;
    if (!bridge || !caller) return;
    this.bridge = undefined;
    // The dialed leg may be closed already (a failed call): the bridge goes with it.
    await Promise.resolve(bridge.close()).catch(() => undefined);
    hearing.delete(caller);
    if (!answered) caller.hearEarly(false);
  }
}
