/**
 * Credentials checked again: before a session acts, and when its account's keys, auth token or
 * status change. A token that no longer verifies (its key deleted, its account suspended or
 * closed, the auth token that signed a capability token rotated away) ends the session: its calls
 * are hung up (the device hears each closed), then it gets the error, fatal, and its connection
 * closes. An expired token does not end it (the session waits for a fresh one), nor does a failure
 * to look the key up (the request fails).
 *
 * @example
 * await recheck(checks, session); // throws the verification error; revokes when it must
 */
import { DeviceError } from '@patchbay/sdk/protocol';
import type { VerifiedToken } from './access-tokens.js';
import type { DeviceSession } from './session.js';

export interface CredentialChecks {
  verify(jwt: string): Promise<VerifiedToken>;
  /** Whether the session is still one of the bridge's. */
  active(session: DeviceSession): boolean;
  /** Reports the refusal (events, log). */
  refuse(error: DeviceError, session: DeviceSession): void;
  /** Ends the session: registration, invitations, calls. */
  end(session: DeviceSession): void;
}

/** Whether a verification failure means the credentials are gone (not merely expired, nor a lookup that failed). */
const revokes = (error: unknown): error is DeviceError =>
  error instanceof DeviceError && error.code >= 20100 && error.code < 20200 && error.errorName !== 'AccessTokenExpired';

export async function recheck(checks: CredentialChecks, session: DeviceSession): Promise<void> {
  try {
    session.token = await checks.verify(session.token.jwt);
  } catch (error) {
    if (revokes(error)) revoke(checks, session, error);
    throw error;
  }
}

export function revoke(checks: CredentialChecks, session: DeviceSession, error: DeviceError): void {
  if (!checks.active(session)) return;
  checks.refuse(error, session);
  const link = session.link;
  // Ending hangs its calls up; the device hears each closed before the error.
  checks.end(session);
  link?.send({ type: 'error', fatal: true, error: error.toProtocol() });
  link?.close(4403, 'credentials revoked');
}
