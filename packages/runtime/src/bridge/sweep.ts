/**
 * The bridge's periodic sweep over its sessions: a connection silent for 2.5 heartbeats is
 * closed (the device reconnects and resumes); a session detached longer than the resume window
 * ends; a session whose token expired is unregistered and told once (it waits for a fresh token).
 *
 * @example
 * sweepSessions(sessions.values(), clock.now(), { heartbeatMs, resumeMs }, { end, expire });
 */
import type { DeviceSession } from './session.js';

export interface SweepActions {
  /** The session is over: its registration, invitations and calls go. */
  end(session: DeviceSession): void;
  /** Its token expired: unregistered, and the device is told. */
  expire(session: DeviceSession): void;
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
