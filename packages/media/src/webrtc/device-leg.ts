/**
 * Joins a WebRTC session to an external engine leg: decrypted RTP from the device enters the
 * leg's pipe (jitter buffer, DTMF, rooms, operations in the worker, like a SIP leg) and what the
 * leg sends goes out through the session. Closing the leg closes the session; the session ending
 * closes the leg, unless a renegotiated session (an ICE restart after the device's network
 * changed) has taken its place: `replace()` moves the leg to the new session once it connects,
 * and closes the old one then (or at once, `dropCurrent`, when the device cannot go back to it),
 * so bridges, conferences and recordings on the leg never notice.
 *
 * @example
 * const leg = await engine.openLeg({ external: true });
 * const attached = attachSession(await transport.answer(offer), leg);
 * await attached.replace(await transport.answer(restartOffer)); // the same leg, a new path
 */
import type { EngineLeg } from '../engine/index.js';
import { PIPE_SOURCE } from '../engine/index.js';
import { WebRtcError } from './errors.js';
import type { WebRtcSession } from './transport.js';

/** What the leg's owner controls on an attached session. */
export interface AttachedSession {
  /** The session carrying the leg now. */
  readonly session: WebRtcSession;
  /**
   * While muted, the device's audio is replaced by silence before the engine hears it: others
   * hear nothing even from a device that keeps sending (its own mute is not trusted alone).
   */
  setMuted(muted: boolean): void;
  /**
   * Carries the leg on `next` once it connects, then closes the session it replaces. When `next`
   * fails to connect (or the leg ends first) it is closed, the leg keeps its session, and this
   * rejects with `next`'s error. With `dropCurrent` the carrying session closes at once instead
   * (for a device that cannot go back to it): the leg waits for `next`, and ends if it fails.
   */
  replace(next: WebRtcSession, options?: { readonly dropCurrent?: boolean }): Promise<void>;
  /** Closes the carrying session and any still connecting. */
  close(): void;
}

const PCMU_SILENCE = 0xff;

/** The packet with its PCMU payload replaced by silence (a copy; events pass unchanged). */
function silenced(rtp: Uint8Array): Uint8Array {
  if (rtp.byteLength <= 12 || ((rtp[1] ?? 0) & 0x7f) !== 0) return rtp;
  let header = 12 + ((rtp[0] ?? 0) & 0x0f) * 4;
  if ((rtp[0] ?? 0) & 0x10 && rtp.byteLength >= header + 4) {
    header += 4 + (((rtp[header + 2] ?? 0) << 8) | (rtp[header + 3] ?? 0)) * 4;
  }
  const copy = rtp.slice();
  copy.fill(PCMU_SILENCE, header);
  return copy;
}

/** `onEnded`: the carrying session ended for good (the device went away): the leg is closing. */
export function attachSession(first: WebRtcSession, leg: EngineLeg, onEnded?: () => void): AttachedSession {
  const pipe = leg.pipe;
  if (!pipe) throw new WebRtcError('invalid-options', 'the leg is not external', leg.id);
  let muted = false;
  let current = first;
  /** The newest renegotiated session, until it connects or fails. */
  let pending: WebRtcSession | undefined;
  /** The carrying session ended while a replacement was connecting: the leg waits for it. */
  let orphaned = false;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    pending?.close();
    onEnded?.();
    void leg.close();
  };
  const configure = (session: WebRtcSession) => {
    const te = session.telephoneEvent;
    leg.configure({
      remote: PIPE_SOURCE,
      payloadType: 0,
      ...(te === undefined ? {} : { telephoneEvent: te }),
      ptime: 20,
      direction: 'sendrecv',
    });
  };
  const follow = (session: WebRtcSession) => {
    // only the carrying session is heard: two paths at once would interleave two streams
    session.onRtp((rtp) => {
      if (session === current) pipe.receive(muted ? silenced(rtp) : rtp);
    });
    session.onClose(() => {
      if (session !== current || ended) return;
      if (pending) orphaned = true;
      else end();
    });
  };
  pipe.onSend((rtp) => current.send(rtp));
  follow(first);
  configure(first);
  return {
    get session() {
      return current;
    },
    setMuted(next) {
      muted = next;
    },
    async replace(next, options = {}) {
      if (ended) {
        next.close();
        throw new WebRtcError('session-closed', 'the leg has ended', next.id);
      }
      // the device only keeps its newest offer: an older restart still connecting is dropped
      pending?.close();
      pending = next;
      follow(next);
      if (options.dropCurrent) current.close();
      let failure: unknown;
      await next.connected.catch((e: unknown) => {
        failure = e;
      });
      if (pending === next) pending = undefined;
      else if (failure === undefined)
        failure = new WebRtcError('session-closed', 'a newer restart replaced it', next.id);
      if (failure === undefined && ended) {
        failure = new WebRtcError('session-closed', 'the leg ended before the new session connected', next.id);
      }
      if (failure !== undefined) {
        next.close();
        if (orphaned && !pending) end();
        throw failure;
      }
      const old = current;
      current = next;
      orphaned = false;
      if (next.telephoneEvent !== old.telephoneEvent) configure(next);
      old.close();
    },
    close() {
      pending?.close();
      current.close();
    },
  };
}
