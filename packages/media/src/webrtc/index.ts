/**
 * WebRTC device legs: a `WebRtcTransport` terminates ICE and DTLS-SRTP and hands plain RTP to an
 * external engine leg, so a browser joins bridges, conferences and verbs like a SIP phone.
 *
 * @example
 * const transport = createWebRtcTransport({ bindAddress: '0.0.0.0', portRange: [43000, 43999] });
 * const leg = await engine.openLeg({ external: true });
 * const session = await transport.answer(deviceOffer);
 * attachSession(session, leg);
 */
import { DataChannelTransport } from './datachannel.js';
import { EarlyOffersTransport } from './early-offers.js';
import type { WebRtcTransport, WebRtcTransportOptions } from './transport.js';
import { WeriftTransport } from './werift.js';

export { DataChannelTransport } from './datachannel.js';
export { attachSession } from './device-leg.js';
export { EarlyOffersTransport } from './early-offers.js';
export { WebRtcError, type WebRtcErrorCode } from './errors.js';
export { checkRemoteSdp, MAX_REMOTE_SDP_BYTES } from './remote-sdp.js';
export type { IceServer, OfferOptions, WebRtcSession, WebRtcTransport, WebRtcTransportOptions } from './transport.js';
export { WeriftTransport } from './werift.js';

export type WebRtcDriver = 'node-datachannel' | 'werift';

/**
 * The transport for a driver; node-datachannel by default (a third of werift's CPU per leg), with
 * offers that carry candidates on werift (see early-offers.ts).
 */
export function createWebRtcTransport(options: WebRtcTransportOptions & { driver?: WebRtcDriver }): WebRtcTransport {
  if (options.driver === 'werift') return new WeriftTransport(options);
  return new EarlyOffersTransport(new DataChannelTransport(options), () => new WeriftTransport(options));
}
