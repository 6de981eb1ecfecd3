/**
 * What a SIP dialog offers its user (the adapter's legs): its events and the requests it can
 * send. Kept apart from `SipDialog` (dialog.ts), which implements it over the transaction layer.
 *
 * @example
 * dialog.events.on('reinvite', (offer, respond) => respond(canTake(offer) ? answer(offer) : { warning: 305, reason: 'no common codec' }));
 */
import type { EventEmitter } from 'eventemitter3';
import type { NameAddr, SipUri } from './uri.js';

export type DialogCloseReason = 'bye' | 'remote-bye' | 'timeout' | 'error';

export interface DialogEvents {
  bye: () => void;
  /** An offer in the dialog: respond with the answer SDP, or refuse it (488, the session unchanged). */
  reinvite: (offer: string | undefined, respond: (answer: string | OfferRefusal) => void) => void;
  info: (contentType: string, body: string) => void;
  closed: (reason: DialogCloseReason) => void;
}

/** A re-offer refused with 488 (RFC 3261 §14.2), with a Warning (§20.43): `warning` is the warn-code. */
export interface OfferRefusal {
  readonly warning: 304 | 305 | 399;
  readonly reason: string;
}

export interface Dialog {
  readonly id: string;
  readonly remoteTarget: SipUri;
  readonly local: NameAddr;
  readonly remote: NameAddr;
  readonly events: EventEmitter<DialogEvents>;
  bye(): Promise<void>;
  /** Sends a re-INVITE with `sdp` (hold, resume); resolves with the answer SDP. */
  reinvite(sdp: string): Promise<string>;
  readonly closed: boolean;
}
