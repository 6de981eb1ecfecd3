/**
 * @patchbay/media: real audio for Patchbay. SIP signaling (sip/), SDP offer/answer (sdp/), RTP
 * and RTCP (rtp/), the media engine on worker threads (engine/), prompts (tts/, play/), and the
 * runtime's MediaAdapter over them (adapter/).
 */
export const MEDIA_PACKAGE = '@patchbay/media';

/** The runtime's MediaAdapter over SIP and RTP, and the server's entry (`patchbay serve --media sip`). */
export { SipMediaAdapter, type SipMediaOptions as SipAdapterOptions, type Trunk } from './adapter/adapter.js';
export { Prompts } from './adapter/prompts.js';
export { startSipMedia } from './adapter/server.js';
/** Prompts: text to speech, audio fetching and decoding. */
export * from './audio/index.js';
/** The media engine. */
export * from './engine/index.js';
/** The shared error base. */
export { MediaError } from './errors.js';
export * from './play/index.js';
/** RTP, RTCP, RFC 4733, G.711. */
export * from './rtp/index.js';
/** SDP offer/answer. */
export * from './sdp/index.js';
/** SIP: agent, dialogs, registrar, messages, URIs, digest. */
export * from './sip/index.js';
export * from './tts/index.js';
/** WebRTC device legs: transports (node-datachannel, werift) and the seam into the engine. */
export * from './webrtc/index.js';
