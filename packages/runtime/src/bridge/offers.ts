/**
 * Patchbay's WebRTC offers to invited devices (bridge/invitations.ts): a leg per WebRTC device,
 * kept in `offered` until the device accepts (kept) or the ring ends (hung up).
 */
import { DeviceError } from '@patchbay/sdk/protocol';
import type { DeviceLeg } from '../media/types.js';
import type { DeviceSession } from './session.js';

/**
 * Patchbay's offer to each WebRTC device among `targets` (a device whose offer fails is invited
 * without one and answers without audio rather than not at all).
 */
export async function offersTo(
  host: { offerLeg(session: DeviceSession, callSid: string): DeviceLeg | undefined },
  callSid: string,
  targets: readonly DeviceSession[],
  offered: Map<DeviceSession, DeviceLeg>,
): Promise<Map<DeviceSession, string>> {
  const sdps = new Map<DeviceSession, string>();
  await Promise.all(
    targets
      .filter((session) => session.webrtc)
      .map(async (session) => {
        const leg = host.offerLeg(session, callSid);
        if (!leg) return;
        if (!leg.localSdp) return void leg.hangup().catch(() => undefined);
        offered.set(session, leg);
        const sdp = await leg.localSdp().catch(() => undefined);
        if (sdp === undefined) {
          offered.delete(session);
          await leg.hangup().catch(() => undefined);
        } else sdps.set(session, sdp);
      }),
  );
  return sdps;
}

/**
 * The accepting device's offered leg, completed with its answer: a refused answer hangs the leg
 * up (MalformedRequest), as does a ring that ended meanwhile (CallCancelled).
 */
export async function completeOffered(
  offered: DeviceLeg,
  sdp: string | undefined,
  callSid: string,
  stillRinging: () => boolean,
): Promise<DeviceLeg> {
  if (sdp !== undefined && offered.completeSdp) {
    try {
      await offered.completeSdp(sdp);
    } catch (error) {
      await offered.hangup().catch(() => undefined);
      throw new DeviceError('MalformedRequest', `the answer cannot carry the call: ${String(error)}`.slice(0, 500));
    }
  }
  if (!stillRinging()) {
    await offered.hangup().catch(() => undefined);
    throw new DeviceError('CallCancelled', `call ${callSid} is no longer ringing`);
  }
  return offered;
}
