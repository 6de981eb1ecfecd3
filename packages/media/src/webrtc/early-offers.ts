/**
 * A transport whose offers with candidates (`candidatesInOffer`, for devices that answer without
 * candidates and never trickle: the hosted browser SDK) go to werift, and everything else to the
 * main driver (node-datachannel by default).
 *
 * Why: such a device starts ICE and DTLS towards the server before its answer reaches us. When
 * the answer is then applied, libdatachannel hands the ICE credentials to its ICE thread before
 * it stores the rest of the description; with the device's checks already answered, ICE can
 * connect in that gap and DTLS starts without the remote description, so its fingerprint check
 * fails and the call fails ("connection-failed"; measured with Chromium answering as that SDK
 * does: about 1 call in 400-1200 in early-checks.test.ts, and 1 in 30-100 with the SDK in
 * hosted-sdk.test.ts). werift applies a description whole on the JavaScript thread before it
 * handles the next packet, so there is no such gap (0 failures in 600 of the same calls). It
 * costs about three times node-datachannel's CPU per leg (bench/webrtc.mjs), which only such
 * devices pay.
 *
 * @example
 * const transport = new EarlyOffersTransport(new DataChannelTransport(options), () => new WeriftTransport(options));
 * await transport.offer({ candidatesInOffer: true }); // a werift session
 */
import type { OfferOptions, WebRtcSession, WebRtcTransport } from './transport.js';

export class EarlyOffersTransport implements WebRtcTransport {
  #early: WebRtcTransport | undefined;

  constructor(
    private readonly main: WebRtcTransport,
    private readonly makeEarly: () => WebRtcTransport,
  ) {}

  get name(): string {
    return this.main.name;
  }

  get address(): string {
    return this.main.address;
  }

  get sessions(): number {
    return this.main.sessions + (this.#early?.sessions ?? 0);
  }

  offer(options: OfferOptions = {}): Promise<WebRtcSession> {
    if (!options.candidatesInOffer) return this.main.offer(options);
    this.#early ??= this.makeEarly();
    return this.#early.offer(options);
  }

  answer(offerSdp: string): Promise<WebRtcSession> {
    return this.main.answer(offerSdp);
  }

  async close(): Promise<void> {
    await Promise.all([this.main.close(), this.#early?.close()]);
  }
}
