/**
 * A device's hello, decided: its token verified, the session it resumes (the one it names, if of
 * the same account and identity) or a new one within the limits (here, and across a cluster: see
 * sessions.ts), and the `welcome` sent on its link (with its ICE servers).
 *
 * @example
 * const session = await openSession({ sessions, verify, refuse, clock, limits, settings }, hello, link);
 */
import { type DeviceError, type Hello, PROTOCOL_VERSION, type Welcome } from '@patchbay/sdk/protocol';
import type { Clock } from '../clock/clock.js';
import type { VerifiedToken } from './access-tokens.js';
import { type IceSettings, iceServersFor } from './ice-servers.js';
import type { DeviceSession, Link } from './session.js';
import type { SessionTable } from './sessions.js';

type WelcomeSettings = {
  readonly heartbeatMs: number;
  readonly webrtc: boolean;
  readonly ice: IceSettings | undefined;
};

/** What opening a session needs from the bridge. */
export interface OpenDeps {
  readonly sessions: SessionTable;
  readonly clock: Clock;
  verify(jwt: string): Promise<VerifiedToken>;
  /** Reports a refusal; returns it to throw. */
  refuse(error: DeviceError): DeviceError;
  /** Device sessions per account (for tokens without the account's own) and on this node. */
  readonly limits: { readonly perAccount: number; readonly total: number };
  readonly settings: WelcomeSettings;
}

/** Opens (or resumes) the session of a device's hello and welcomes it; a refusal is thrown as a DeviceError. */
export async function openSession(deps: OpenDeps, hello: Hello, link: Link): Promise<DeviceSession> {
  const token = await deps.verify(hello.token).catch((error: DeviceError) => {
    throw deps.refuse(error);
  });
  const limits = { ...deps.limits, perAccount: token.limits?.deviceSessions ?? deps.limits.perAccount };
  let opened: Awaited<ReturnType<typeof sessionFor>>;
  try {
    opened = await sessionFor(deps.sessions, token, hello.resume, limits, deps.clock.now());
  } catch (refusal) {
    throw deps.refuse(refusal as DeviceError);
  }
  const { session, resumed } = opened;
  const now = deps.clock.now();
  link.send(welcomeFor(session, resumed, deps.settings, now));
  session.attach(link, resumed ? (hello.resume?.received ?? 0) : 0, now);
  return session;
}

/** Whether `session` is one of this account's identity's (a hello resumes only its own). */
export function ownedBy(
  session: DeviceSession | undefined,
  owner: { readonly accountSid: string; readonly identity: string },
): session is DeviceSession {
  return session?.accountSid === owner.accountSid && session.identity === owner.identity;
}

/** The session a hello opens: the one it resumes, or a new one (a refusal is thrown as a DeviceError). */
export async function sessionFor(
  sessions: SessionTable,
  token: VerifiedToken,
  resume: Hello['resume'],
  limits: { readonly perAccount: number; readonly total: number },
  now: number,
): Promise<{ session: DeviceSession; resumed: boolean }> {
  const earlier = resume ? sessions.get(resume.session) : undefined;
  if (ownedBy(earlier, token)) {
    earlier.token = token;
    earlier.expired = false;
    return { session: earlier, resumed: true };
  }
  return { session: await sessions.open(token, limits, now, resume?.session), resumed: false };
}

/** The welcome a session's device is sent. */
export function welcomeFor(session: DeviceSession, resumed: boolean, settings: WelcomeSettings, now: number): Welcome {
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
