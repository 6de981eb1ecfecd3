/**
 * A device's `renegotiate`: its network changed and it offers again (an ICE restart) for an open
 * call. The media adapter answers on the same leg, so the call goes on; its typed errors become
 * the protocol's: too many renegotiations → TooManyRequests (the call keeps its media path), an
 * offer that cannot carry the call → MalformedRequest, a call without WebRTC → GeneralError.
 *
 * @example
 * const { sdp } = await renegotiate(session, callSid, offer); // the result carries Patchbay's answer
 */
import { DeviceError } from '@patchbay/sdk/protocol';
import type { DeviceSession } from './session.js';

export async function renegotiate(session: DeviceSession, callSid: string, offer: string): Promise<{ sdp: string }> {
  const leg = session.calls.get(callSid);
  if (!leg) throw new DeviceError('NotFound', `no call ${callSid} on this device`);
  if (!leg.renegotiate) throw new DeviceError('GeneralError', `call ${callSid} carries no WebRTC audio to renegotiate`);
  try {
    return { sdp: await leg.renegotiate(offer) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = `${typeof code === 'string' ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`;
    if (code === 'renegotiation-limit') throw new DeviceError('TooManyRequests', reason.slice(0, 500));
    if (code === 'session-closed') throw new DeviceError('NotFound', reason.slice(0, 500));
    throw new DeviceError('MalformedRequest', `the offer cannot carry the call (${reason})`.slice(0, 500));
  }
}
