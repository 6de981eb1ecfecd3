/**
 * WebRTC for devices on another node than the call (cluster/devices-ring.ts): the device's media
 * leg is made on the caller's node, where the call is, so its offer comes from there. The
 * device's node asks for it (`devices.offer`) before pushing the invitation; the device's answer
 * rides its accept (`devices.answer`), and an ICE restart (`renegotiate`) is relayed as a control
 * whose reply carries the caller's node's answer, or the media's typed error.
 */
import type { DeviceCallControl, DeviceSession } from '../bridge/session.js';
import type { DeviceLeg } from '../media/types.js';
import type { Bus, NodeId } from './bus.js';
import { type controlBody, controlReply, METHODS, offerReply, parseBody } from './devices-wire.js';

/** How long a node has to answer an offer or a renegotiation (an offer gathers ICE candidates). */
const OFFER_TIMEOUT_MS = 5000;

type Action = ReturnType<typeof controlBody.parse>['action'];

/** The caller's node's offer for a WebRTC session here; undefined (invited without) when there is none or it fails. */
export async function offerFrom(
  bus: Bus,
  origin: NodeId,
  callSid: string,
  session: DeviceSession,
  onError: (error: unknown) => void,
): Promise<string | undefined> {
  if (!session.webrtc) return undefined;
  const body = {
    callSid,
    session: session.id,
    accountSid: session.accountSid,
    identity: session.identity,
    ...(session.candidatesInOffer ? { candidatesInOffer: true } : {}),
  };
  try {
    const reply = await bus.request(origin, METHODS.offer, body, { timeoutMs: OFFER_TIMEOUT_MS });
    return parseBody(offerReply, reply, `reply to ${METHODS.offer}`, origin).sdp;
  } catch (error) {
    onError(error);
    return undefined;
  }
}

/**
 * What a session here does to a call whose leg is on `origin`: keys, mute and hang-up sent on
 * (`send`), a renegotiation asked and answered.
 */
export function relayedControl(
  bus: Bus,
  origin: NodeId,
  callSid: string,
  session: DeviceSession,
  send: (action: Action) => void,
): DeviceCallControl {
  return {
    press: (digits) => send({ type: 'digits', digits }),
    setMuted: (muted) => send({ type: 'mute', muted }),
    remoteHangup: () => send({ type: 'hangup' }),
    renegotiate: async (offer) => {
      const body = { callSid, session: session.id, action: { type: 'renegotiate', sdp: offer } };
      const reply = parseBody(
        controlReply,
        await bus.request(origin, METHODS.control, body, { timeoutMs: OFFER_TIMEOUT_MS }),
        `reply to ${METHODS.control}`,
        origin,
      );
      if (reply.error) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
      if (!reply.found || reply.sdp === undefined)
        throw Object.assign(new Error(`call ${callSid} has no leg on ${origin}`), { code: 'session-closed' });
      return reply.sdp;
    },
  };
}

/** The caller's node: a control from the device's node applied to the device's leg here. */
export async function applyControl(leg: DeviceLeg, action: Action): Promise<ReturnType<typeof controlReply.parse>> {
  if (action.type === 'digits') leg.press(action.digits);
  else if (action.type === 'mute') leg.setMuted(action.muted);
  else if (action.type === 'hangup') leg.remoteHangup();
  else {
    if (!leg.renegotiate) return { found: true, error: { message: 'the call carries no WebRTC audio to renegotiate' } };
    try {
      return { found: true, sdp: await leg.renegotiate(action.sdp) };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      return { found: true, error: { ...(typeof code === 'string' ? { code: code.slice(0, 64) } : {}), message } };
    }
  }
  return { found: true };
}
