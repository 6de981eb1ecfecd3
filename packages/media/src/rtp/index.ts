/** RTP, RTCP, RFC 4733 and G.711: packets and codecs the engine is built from. */
export { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw } from './g711.js';
export { RtpParseError, type RtpErrorCode } from './errors.js';
export { parseRtp, newRtpHeader, writeRtp, type RtpHeader, MAX_RTP_PACKET } from './packet.js';
export { parseRtcp, writeReport, type RtcpReport, type ReportBlock } from './rtcp.js';
export { parseTelephoneEvent, writeTelephoneEvent, digitToEvent, eventToDigit, type TelephoneEvent } from './dtmf4733.js';
