/**
 * @patchbay/media: real audio for Patchbay. SIP signaling (sip/), SDP offer/answer (sdp/), RTP
 * and RTCP (rtp/), the media engine on worker threads (engine/), prompts (tts/, play/), and the
 * runtime's MediaAdapter over them (adapter/).
 */
export const MEDIA_PACKAGE = '@patchbay/media';
