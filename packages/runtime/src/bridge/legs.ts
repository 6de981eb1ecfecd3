/**
 * A device's media leg for one call, from the server's media adapter: with the device's SDP (or
 * `'offer'` when Patchbay offers), its offer carrying candidates for devices that never trickle
 * (the hosted browser SDK), and the device told `closed` when the leg ends.
 *
 * @example
 * const leg = deviceLeg(media, session, { callSid, onAnswered, sdp: 'offer' }, (m) => push(session, m));
 */
import { DeviceError, type Outgoing } from '@patchbay/sdk/protocol';
import type { DeviceLeg, MediaAdapter } from '../media/types.js';
import type { DeviceSession } from './session.js';

export function deviceLeg(
  media: MediaAdapter,
  session: DeviceSession,
  call: { readonly callSid: string; readonly onAnswered: () => void; readonly sdp?: string | undefined },
  push: (message: Outgoing) => void,
): DeviceLeg {
  if (!media.deviceLeg) throw new DeviceError('GeneralError', `the ${media.name} media adapter cannot carry devices`);
  const { callSid, sdp } = call;
  return media.deviceLeg({
    identity: session.identity,
    callSid,
    ...(sdp === undefined ? {} : { sdp }),
    ...(sdp === 'offer' && session.candidatesInOffer ? { candidatesInOffer: true } : {}),
    onAnswered: call.onAnswered,
    onEnded: () => {
      if (!session.calls.delete(callSid)) return;
      push({ type: 'call', callSid, state: 'closed' });
    },
  });
}
