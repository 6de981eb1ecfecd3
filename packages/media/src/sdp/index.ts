/** SDP parsing and offer/answer for one audio stream. */
export { answerOffer, createOffer, readAnswer } from './negotiate.js';
export { MAX_SDP_BYTES, parseSdp } from './parse.js';
export {
  type Codec,
  DEFAULT_CODECS,
  type Direction,
  type LocalMedia,
  type MediaDescription,
  type NegotiatedMedia,
  PCMA,
  PCMU,
  type SdpErrorCode,
  SdpParseError,
  type SdpRejection,
  type SessionDescription,
  TELEPHONE_EVENT,
} from './types.js';
