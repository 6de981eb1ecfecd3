/**
 * The bridge's periodic sweep over its sessions: a connection silent for 2.5 heartbeats is
 * closed (the device reconnects and resumes); a session detached longer than the resume window
 * ends; a session whose token expired is unregistered and told once (it waits for a fresh token).
 *
 * @example
 * const stop = startSweeping(clock, () => sessions.values(), { heartbeatMs, resumeMs }, { end, expire });
 */
import type { Clock } from '../clock/clock.js';
import type { DeviceSession } from './session.js';

export interface SweepActions {
  /** The session is over: its registration, invitations and calls go. */
  end(session: DeviceSession): void;
  /** Its token expired: unregistered, and the device is told. */
  expire(session: DeviceSession): void;
}

/** Sweeps every half heartbeat on `clock`, until the returned function is called. */
export function startSweeping(
  clock: Clock,
  sessions: () => Iterable<DeviceSession>,
  limits: { readonly heartbeatMs: number; readonly resumeMs: number },
  actions: SweepActions,
): () => void {
  let cancel = () => {};
  const sweep = () => {
    sweepSessions(sessions(), clock.now(), limits, actions);
    cancel = clock.setTimer(sweep, limits.heartbeatMs / 2);
  };
  cancel = clock.setTimer(sweep, limits.heartbeatMs / 2);
  return () => cancel();
}

export function sweepSessions(
  sessions: Iterable<DeviceSession>,
  now: number,
  limits: { readonly heartbeatMs: number; readonly resumeMs: number },
  actions: SweepActions,
): void {
  for (const session of [...sessions]) {
    if (session.link && now - session.lastSeen > limits.heartbeatMs * 2.5) {
      const link = session.link;
      session.detach(link, now);
      link.close(4000, 'no heartbeat');
    }
    if (!session.link && session.detachedAt !== undefined && now - session.detachedAt > limits.resumeMs) {
      actions.end(session);
      continue;
    }
    if (!session.expired && session.token.expiresAt <= now) {
      session.expired = true;
      actions.expire(session);
    }
  }
}
