/**
 * A client device's leg on SIP media (`MediaAdapter.deviceLeg`): a `SipLeg` whose audio is an
 * external engine leg carried by WebRTC, so the device joins bridges, conferences and every verb
 * like a phone. The device offers (a call it places: Patchbay answers) or Patchbay offers (a call
 * to it: the invitation carries the offer, the device answers on accept, `completeSdp`). A leg
 * whose ICE and DTLS never complete hangs up within the transport's connect bound, with the
 * `WebRtcError` kept as `failure`. A device whose network changed renegotiates (an ICE restart:
 * `renegotiate(offer)`): a new session on the same engine leg, so the call goes on where it was;
 * at most a few a minute (`renegotiation-limit` past that, the call keeps its session); the
 * answer's candidates outrank the old session's (candidate-priority.ts), and on a call to the
 * device the session Patchbay offered closes at once (see `renegotiate`). Without `sdp` (a
 * device with no WebRTC, the SDK in Node) the leg has no audio, as on the simulated network.
 * Keys: RFC 4733 from the device's RTP when negotiated (signaling keys are then ignored, so
 * Gather hears each key once), else signaling.
 *
 * @example
 * const leg = new DeviceMediaLeg(engine, transport, prompts, request);
 * invite.sdp = await leg.localSdp();  // Patchbay offers
 * await leg.completeSdp(answer);      // on accept
 * const answer2 = await leg.renegotiate(restartOffer); // the device's network changed
 */
import { randomUUID } from 'node:crypto';
import type { DeviceLeg, DeviceLegRequest } from '@patchbay/runtime';
import type { EngineLeg, MediaEngine } from '../engine/index.js';
import { outranking } from '../webrtc/candidate-priority.js';
import { type AttachedSession, attachSession } from '../webrtc/device-leg.js';
import { WebRtcError } from '../webrtc/errors.js';
import { RenegotiationLimit, type RenegotiationLimitOptions } from '../webrtc/renegotiation.js';
import type { WebRtcSession, WebRtcTransport } from '../webrtc/transport.js';
import type { Prompts } from './prompts.js';
import { SipLeg } from './sip-leg.js';

interface Opened {
  readonly leg: EngineLeg;
  readonly session: WebRtcSession | undefined;
  readonly attached: AttachedSession | undefined;
}

async function open(
  engine: MediaEngine,
  transport: WebRtcTransport | undefined,
  request: DeviceLegRequest,
  onEnded: () => void,
): Promise<Opened> {
  const { sdp } = request;
  if (sdp === undefined)
    return { leg: await engine.openLeg({ external: true }), session: undefined, attached: undefined };
  if (!transport) throw new WebRtcError('invalid-options', 'WebRTC is not enabled on this server', 'deviceLeg');
  const session =
    sdp === 'offer'
      ? await transport.offer({ candidatesInOffer: request.candidatesInOffer === true })
      : await transport.answer(sdp);
  try {
    const leg = await engine.openLeg({ external: true });
    return { leg, session, attached: attachSession(session, leg, onEnded) };
  } catch (e) {
    session.close();
    throw e;
  }
}

export class DeviceMediaLeg extends SipLeg implements DeviceLeg {
  readonly #ready: Promise<Opened>;
  readonly #transport: WebRtcTransport | undefined;
  readonly #limit: RenegotiationLimit;
  /** The session Patchbay offered, on a call to the device. */
  #offered: WebRtcSession | undefined;
  #answered = false;
  /** Why the leg failed, when its WebRTC did (`ice-timeout`, `sdp-malformed`, ...). */
  failure: WebRtcError | undefined;

  constructor(
    engine: MediaEngine,
    transport: WebRtcTransport | undefined,
    prompts: Prompts,
    request: DeviceLegRequest,
    renegotiation?: RenegotiationLimitOptions,
  ) {
    const ready = open(engine, transport, request, () => void this.farEndHungUp());
    ready.catch(() => undefined);
    super(
      randomUUID(),
      ready.then((o) => o.leg),
      prompts,
      {
        linked: {
          answered: () => {
            if (this && !this.#answered) {
              this.#answered = true;
              request.onAnswered();
            }
          },
          rejected: () => undefined,
          hungUp: () => undefined,
        },
      },
      () => {
        // Whichever side ended the call, the WebRTC session goes too (a device that hung up by
        // signaling may leave its DTLS open: werift would keep the session until ICE consent fails).
        void ready
          .then(({ session, attached }) => (attached ? attached.close() : session?.close()))
          .catch(() => undefined);
        request.onEnded();
      },
    );
    this.#ready = ready;
    this.#transport = transport;
    this.#limit = new RenegotiationLimit(renegotiation);
    ready.then(
      ({ session }) => {
        if (request.sdp === 'offer') this.#offered = session;
        session?.connected.catch((e: unknown) => {
          this.failure = e instanceof WebRtcError ? e : undefined;
          void this.farEndHungUp();
        });
      },
      (e: unknown) => {
        this.failure = e instanceof WebRtcError ? e : undefined;
      },
    );
  }

  async localSdp(): Promise<string> {
    const { session } = await this.#ready;
    if (!session) throw new WebRtcError('invalid-options', 'the device leg has no WebRTC session', this.id);
    return session.localSdp;
  }

  async completeSdp(answer: string): Promise<void> {
    const { session } = await this.#ready;
    if (!session) throw new WebRtcError('invalid-options', 'the device leg has no WebRTC session', this.id);
    await session.complete(answer);
  }

  /**
   * The device's new offer after its network changed (new ICE credentials): Patchbay's answer.
   * The new session carries the leg once it connects and the old one closes then; if it never
   * connects the leg keeps the old one. Typed `WebRtcError`s: `renegotiation-limit`, the SDP's.
   */
  async renegotiate(offerSdp: string): Promise<string> {
    const { attached } = await this.#ready;
    const transport = this.#transport;
    if (!attached || !transport) {
      throw new WebRtcError('invalid-options', 'the device leg has no WebRTC session', this.id);
    }
    if (this.ended) throw new WebRtcError('session-closed', 'the call has ended', this.id);
    this.#limit.take(this.id);
    const session = await transport.answer(offerSdp);
    // A device that answered Patchbay's offer (the call went to it) becomes the offerer, the ICE
    // controlling side and, with our new fingerprint, a new DTLS association: it cannot go back
    // to the session Patchbay offered, and while that one answers its checks Chromium may stay on
    // it (docs/webrtc.md). So that one goes now; others stay until the new one connects, and the
    // answer's candidates outrank theirs so that the device checks the new one at once.
    const dropCurrent = attached.session === this.#offered;
    attached.replace(session, { dropCurrent }).catch(() => undefined);
    return outranking(session.localSdp);
  }

  press(digits: string): void {
    if (this.ended) return;
    void this.#ready.then(({ attached }) => {
      // RFC 4733 in the RTP already carries the keys: hearing signaling too would double them
      if (attached?.session.telephoneEvent !== undefined) return;
      for (const digit of digits) if (digit !== 'w') this.events.emit('dtmf', digit);
    });
  }

  setMuted(muted: boolean): void {
    void this.#ready.then(({ attached }) => attached?.setMuted(muted)).catch(() => undefined);
  }

  remoteHangup(): void {
    void this.farEndHungUp();
  }

  override async hangup(): Promise<void> {
    await super.hangup();
    await this.#ready.then(({ attached }) => attached?.close()).catch(() => undefined);
  }
}
