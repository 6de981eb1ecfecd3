/**
 * @patchbay/media: real audio for Patchbay. SIP signaling (sip/), SDP offer/answer (sdp/), RTP
 * and RTCP (rtp/), the media engine on worker threads (engine/), prompts (tts/, play/), and the
 * runtime's MediaAdapter over them (adapter/).
 */
export const MEDIA_PACKAGE = '@patchbay/media';

/** The media engine. */
export * from './engine/index.js';
/** The shared error base. */
export { MediaError } from './errors.js';
/** RTP, RTCP, RFC 4733, G.711. */
export * from './rtp/index.js';
/** SDP offer/answer. */
export * from './sdp/index.js';
