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

/** What the leg's owner controls on an attached session. */
export interface AttachedSession {
  /**
   * While muted, the device's audio is replaced by silence before the engine hears it: others
   * hear nothing even from a device that keeps sending (its own mute is not trusted alone).
   */
  setMuted(muted: boolean): void;
}

const PCMU_SILENCE = 0xff;

export function attachSession(session: WebRtcSession, leg: EngineLeg): AttachedSession {
  const pipe = leg.pipe;
  if (!pipe) throw new WebRtcError('invalid-options', 'the leg is not external', leg.id);
  let muted = false;
  pipe.onSend((rtp) => session.send(rtp));
  session.onRtp((rtp) => {
    if (muted && rtp.byteLength > 12 && ((rtp[1] ?? 0) & 0x7f) === 0) {
      let header = 12 + ((rtp[0] ?? 0) & 0x0f) * 4;
      if ((rtp[0] ?? 0) & 0x10 && rtp.byteLength >= header + 4) {
        header += 4 + (((rtp[header + 2] ?? 0) << 8) | (rtp[header + 3] ?? 0)) * 4;
      }
      const copy = rtp.slice();
      copy.fill(PCMU_SILENCE, header);
      pipe.receive(copy);
      return;
    }
    pipe.receive(rtp);
  });
  const te = session.telephoneEvent;
  leg.configure({
    remote: PIPE_SOURCE,
    payloadType: 0,
    ...(te === undefined ? {} : { telephoneEvent: te }),
    ptime: 20,
    direction: 'sendrecv',
  });
  session.onClose(() => void leg.close());
  return {
    setMuted(next) {
      muted = next;
    },
  };
}
