/**
 * Answering an offer: the INVITE that opens a call, and a far end's re-INVITE in a call already
 * up. A phone that holds (a=sendonly or a=inactive), resumes (a=sendrecv) or moves its RTP
 * address offers a new session. The answer mirrors its direction (RFC 3264 §6.1: recvonly to
 * sendonly, inactive to inactive), keeps our address, port and o= session id with the version
 * one up (§8), and gives the media the engine leg is reconfigured with.
 *
 * An offer that cannot be accepted (no audio, no common codec, SDP that does not parse) is
 * refused: 488 with a Warning saying why (RFC 3261 §14.2, §20.43), and the session stays as it
 * was. Answering it with the old session instead would tell the far end we agreed.
 *
 * @example
 * const next = answerReoffer(offer, current);
 * if ('warning' in next) respond(next); // 488 with a Warning, the session unchanged
 * else { current = next.sdp; engineLeg.configure(next.media); respond(current); }
 */
import { answerOffer, type LocalMedia, type NegotiatedMedia, parseSdp, SdpParseError } from '../sdp/index.js';
import type { OfferRefusal } from '../sip/index.js';

/** The answer to an offer, or why none: an offer that does not even parse is refused as one nothing matches. */
export function answerable(offer: string, local: LocalMedia): ReturnType<typeof answerOffer> {
  try {
    return answerOffer(offer, local);
  } catch (error) {
    if (error instanceof SdpParseError)
      return { reject: 488, reason: `malformed SDP: ${error.message}`.slice(0, 100), warning: 399 };
    throw error;
  }
}

/** The answer to a re-offer from our session as last agreed (`current`), or the refusal to send. */
export function answerReoffer(offer: string, current: string): { sdp: string; media: NegotiatedMedia } | OfferRefusal {
  let ours: ReturnType<typeof parseSdp>;
  try {
    ours = parseSdp(current);
  } catch {
    return { warning: 399, reason: 'our own session description is unreadable' };
  }
  const audio = ours.media.find((m) => m.type === 'audio');
  if (!audio) return { warning: 304, reason: 'no audio stream in this call' };
  const version = Number(ours.origin.sessionVersion);
  const answer = answerable(offer, {
    address: audio.address ?? ours.address ?? ours.origin.address,
    port: audio.port,
    sessionId: ours.origin.sessionId,
    sessionVersion: Number.isSafeInteger(version) ? version + 1 : 1,
  });
  return 'reject' in answer ? { warning: answer.warning, reason: answer.reason } : answer;
}
