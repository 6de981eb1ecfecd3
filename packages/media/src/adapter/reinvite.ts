/**
 * Answering a far end's re-INVITE in a call already up: a phone that holds (a=sendonly or
 * a=inactive), resumes (a=sendrecv) or moves its RTP address offers a new session. The answer
 * mirrors its direction (RFC 3264 §6.1: recvonly to sendonly, inactive to inactive), keeps our
 * address, port and o= session id with the version one up (§8), and gives the media the engine
 * leg is reconfigured with. Without this the dialog would answer with the old sendrecv session,
 * which is not a valid answer to a hold, and a moved RTP address would be missed.
 *
 * An offer that cannot be accepted (no common codec) leaves the session as it was: `undefined`,
 * and the caller answers with the current SDP (the dialog has no way to refuse in-dialog).
 *
 * @example
 * dialog.events.on('reinvite', (offer, respond) => {
 *   const next = offer === undefined ? undefined : answerReoffer(offer, current);
 *   if (next) { current = next.sdp; engineLeg.configure(next.media); }
 *   respond(current);
 * });
 */
import { answerOffer, type NegotiatedMedia, parseSdp } from '../sdp/index.js';

export function answerReoffer(offer: string, current: string): { sdp: string; media: NegotiatedMedia } | undefined {
  let ours: ReturnType<typeof parseSdp>;
  try {
    ours = parseSdp(current);
    const audio = ours.media.find((m) => m.type === 'audio');
    if (!audio) return undefined;
    const version = Number(ours.origin.sessionVersion);
    const answer = answerOffer(offer, {
      address: audio.address ?? ours.address ?? ours.origin.address,
      port: audio.port,
      sessionId: ours.origin.sessionId,
      sessionVersion: Number.isSafeInteger(version) ? version + 1 : 1,
    });
    return 'reject' in answer ? undefined : answer;
  } catch {
    // A malformed offer (SdpParseError): keep the session as it is.
    return undefined;
  }
}
