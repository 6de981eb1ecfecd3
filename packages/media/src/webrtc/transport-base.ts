/**
 * What both in-process drivers share: checked options, the set of open sessions (counted, closed
 * together), and preparing a session so that one that fails half-way is closed before the error
 * goes up. A driver says how to create a session and how to make its offer or its answer.
 *
 * @example
 * class MyTransport extends TransportBase<MySession> { create() {...} makeOffer(s) {...} makeAnswer(s, remote) {...} }
 */
import { WebRtcError } from './errors.js';
import { checkOptions } from './options.js';
import { checkRemoteSdp, type RemoteSdp } from './remote-sdp.js';
import type { SessionBase } from './session-base.js';
import {
  OFFER_TELEPHONE_EVENT,
  type OfferOptions,
  type WebRtcSession,
  type WebRtcTransport,
  type WebRtcTransportOptions,
} from './transport.js';

export abstract class TransportBase<S extends SessionBase & WebRtcSession> implements WebRtcTransport {
  abstract readonly name: string;
  readonly options: WebRtcTransportOptions;
  readonly #open = new Set<S>();

  constructor(options: WebRtcTransportOptions) {
    this.options = checkOptions(options);
  }

  get address(): string {
    return this.options.publicAddress ?? this.options.bindAddress;
  }

  get sessions(): number {
    return this.#open.size;
  }

  protected abstract create(telephoneEvent: number | undefined, onGone: (session: S) => void): S;
  protected abstract makeOffer(session: S, options: OfferOptions): Promise<void>;
  protected abstract makeAnswer(session: S, remote: RemoteSdp): Promise<void>;

  async offer(options: OfferOptions = {}): Promise<WebRtcSession> {
    return this.#prepare(OFFER_TELEPHONE_EVENT, (s) => this.makeOffer(s, options));
  }

  /** Rejects (never throws) with a typed error when the offer is unusable. */
  async answer(offerSdp: string): Promise<WebRtcSession> {
    const remote = checkRemoteSdp(offerSdp, 'offer');
    return this.#prepare(remote.telephoneEvent, (s) => this.makeAnswer(s, remote));
  }

  async #prepare(telephoneEvent: number | undefined, setup: (session: S) => Promise<void>): Promise<S> {
    const session = this.create(telephoneEvent, (s) => this.#open.delete(s));
    this.#open.add(session);
    try {
      await setup(session);
      return session;
    } catch (e) {
      session.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    for (const s of [...this.#open]) s.close();
  }
}

/** Runs a stack call that takes a remote description; its failure is the device's SDP's. */
export async function applyRemote(id: string, kind: 'offer' | 'answer', apply: () => unknown): Promise<void> {
  try {
    await apply();
  } catch (e) {
    throw new WebRtcError('sdp-malformed', `the WebRTC stack refused the ${kind}`, id, { cause: e });
  }
}
