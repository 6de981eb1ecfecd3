/**
 * Joins a WebRTC session to an external engine leg: decrypted RTP from the device enters the
 * leg's pipe (jitter buffer, DTMF, rooms, operations in the worker, like a SIP leg) and what the
 * leg sends goes out through the session. Closing either side closes the other.
 *
 * @example
 * const leg = await engine.openLeg({ external: true });
 * const session = await transport.answer(offer);
 * attachSession(session, leg); await session.connected;
 */
import type { EngineLeg } from '../engine/index.js';
import { PIPE_SOURCE } from '../engine/index.js';
import { WebRtcError } from './errors.js';
import type { WebRtcSession } from './transport.js';

export function attachSession(session: WebRtcSession, leg: EngineLeg): void {
  const pipe = leg.pipe;
  if (!pipe) throw new WebRtcError('invalid-options', 'the leg is not external', leg.id);
  pipe.onSend((rtp) => session.send(rtp));
  session.onRtp((rtp) => pipe.receive(rtp));
  const te = session.telephoneEvent;
  leg.configure({
    remote: PIPE_SOURCE,
    payloadType: 0,
    ...(te === undefined ? {} : { telephoneEvent: te }),
    ptime: 20,
    direction: 'sendrecv',
  });
  session.onClose(() => void leg.close());
}
