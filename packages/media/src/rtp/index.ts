/** RTP, RTCP, RFC 4733 and G.711: packets and codecs the engine is built from. */

export {
  digitToEvent,
  eventToDigit,
  parseTelephoneEvent,
  type TelephoneEvent,
  writeTelephoneEvent,
} from './dtmf4733.js';
export { type RtpErrorCode, RtpParseError } from './errors.js';
export { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw } from './g711.js';
export { MAX_RTP_PACKET, newRtpHeader, parseRtp, type RtpHeader, writeRtp } from './packet.js';
export { parseRtcp, type ReportBlock, type RtcpReport, writeReport } from './rtcp.js';
