/**
 * A device's hello, decided: the session it resumes (the one it names, if of the same account
 * and identity) or a new one within the limits, and the `welcome` it is sent (with its ICE
 * servers). The bridge verifies the token first and sends what this answers.
 *
 * @example
 * const { session, resumed } = sessionFor(sessions, token, hello.resume, limits, now);
 * link.send(welcomeFor(session, token, resumed, settings, now));
 */
import { type Hello, PROTOCOL_VERSION, type Welcome } from '@patchbay/sdk/protocol';
import type { VerifiedToken } from './access-tokens.js';
import { type IceSettings, iceServersFor } from './ice-servers.js';
import { DeviceSession } from './session.js';
import type { SessionTable } from './sessions.js';

/** The session a hello opens: the one it resumes, or a new one (a refusal is thrown as a DeviceError). */
export function sessionFor(
  sessions: SessionTable,
  token: VerifiedToken,
  resume: Hello['resume'],
  limits: { readonly perAccount: number; readonly total: number },
  now: number,
): { session: DeviceSession; resumed: boolean } {
  const earlier = resume ? sessions.get(resume.session) : undefined;
  if (earlier && earlier.accountSid === token.accountSid && earlier.identity === token.identity) {
    earlier.token = token;
    earlier.expired = false;
    return { session: earlier, resumed: true };
  }
  const refusal = sessions.refusal(token, limits.perAccount, limits.total);
  if (refusal) throw refusal;
  const session = new DeviceSession(token, now);
  sessions.add(session);
  return { session, resumed: false };
}

/** The welcome a session's device is sent. */
export function welcomeFor(
  session: DeviceSession,
  resumed: boolean,
  settings: { readonly heartbeatMs: number; readonly webrtc: boolean; readonly ice: IceSettings | undefined },
  now: number,
): Welcome {
  const { token } = session;
  const welcome: Welcome = {
    type: 'welcome',
    v: PROTOCOL_VERSION,
    session: session.id,
    resumed,
    identity: token.identity,
    accountSid: token.accountSid,
    registered: session.registered,
    heartbeatMs: settings.heartbeatMs,
    tokenExpiresAt: token.expiresAt,
    ...(settings.webrtc ? { webrtc: true } : {}),
  };
  const iceServers = iceServersFor(settings.ice, token.identity, now);
  return iceServers.length > 0 ? { ...welcome, iceServers } : welcome;
}
