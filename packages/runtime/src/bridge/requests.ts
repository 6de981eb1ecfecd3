/**
 * What each request of a device does (token, calls' keys and mute, register, answer, connect,
 * presence subscriptions). Requests that act on the token's grants first check it is still
 * valid: not expired, and still verifying (its key not deleted, its account still active).
 */
import {
  type ClientRequest,
  DeviceError,
  type Outgoing,
  type RoomSchedule,
  type RoomSummary,
} from '@patchbay/sdk/protocol';
import type { PresenceAcross } from '../cluster/devices-presence-across.js';
import type { VerifiedToken } from './access-tokens.js';
import type { CommandChannel } from './command-channel.js';
import type { Followers } from './followers.js';
import type { Invitations } from './invitations.js';
import { type OutgoingDeps, placeCall } from './outgoing.js';
import type { Presence } from './presence.js';
import { renegotiate } from './renegotiate.js';
import type { RoomChannel } from './room-channel.js';
import type { DeviceSession } from './session.js';

/** What requests need from the bridge. */
export interface RequestContext {
  now(): number;
  verify(jwt: string): Promise<VerifiedToken>;
  refuse(error: DeviceError, session: DeviceSession): DeviceError;
  /** Verifies the session's token again; throws (and ends the session) when it no longer does. */
  recheck(session: DeviceSession): Promise<void>;
  unregister(session: DeviceSession): void;
  readonly presence: Presence<DeviceSession>;
  readonly maxPerIdentity: number;
  readonly invitations: Invitations;
  readonly followers: Followers;
  /** Presence across the cluster (with a bus). */
  readonly across?: PresenceAcross;
  readonly rooms: RoomChannel;
  readonly commands: CommandChannel;
  readonly outgoing: OutgoingDeps;
}

/** Handles `message` and sends its result: ok with what the request gives, or its error (typed; anything else a GeneralError). */
export function answerRequest(
  context: RequestContext,
  session: DeviceSession,
  message: ClientRequest,
  send: (result: Outgoing) => void,
): Promise<void> {
  return handleRequest(context, session, message).then(
    (result) => send({ type: 'result', id: message.id, ok: true, ...result }),
    (error: unknown) => {
      const failure =
        error instanceof DeviceError
          ? error
          : new DeviceError('GeneralError', error instanceof Error ? error.message : String(error));
      send({ type: 'result', id: message.id, ok: false, error: failure.toProtocol() });
    },
  );
}

/** What a request's `result` carries besides ok. */
interface RequestAnswer {
  callSid?: string;
  tokenExpiresAt?: number;
  sdp?: string;
  roomSeq?: number;
  rooms?: RoomSummary[];
  schedules?: RoomSchedule[];
}

export async function handleRequest(
  context: RequestContext,
  session: DeviceSession,
  message: ClientRequest,
): Promise<RequestAnswer> {
  if (message.type === 'token') {
    const token = await context.verify(message.token).catch((error: DeviceError) => {
      throw context.refuse(error, session);
    });
    if (token.accountSid !== session.accountSid || token.identity !== session.identity)
      throw context.refuse(
        new DeviceError('AccessTokenInvalid', 'a new token must name the same account and identity'),
        session,
      );
    session.token = token;
    session.expired = false;
    return { tokenExpiresAt: token.expiresAt };
  }
  if (message.type === 'hangup' || message.type === 'digits' || message.type === 'mute') {
    const leg = session.calls.get(message.callSid);
    if (!leg) throw new DeviceError('NotFound', `no call ${message.callSid} on this device`);
    if (message.type === 'hangup') leg.remoteHangup();
    else if (message.type === 'digits') leg.press(message.digits);
    else leg.setMuted(message.muted);
    return {};
  }
  // like the call's other controls, allowed while the token awaits renewal: the call is open
  if (message.type === 'renegotiate') return renegotiate(session, message.callSid, message.sdp);
  // A command's result acts on the device credential checked at `commands-attach`, not on the
  // token's grants: like a call's controls, it needs no fresh verification of the token (a revoked
  // key still ends the session through revalidate).
  if (message.type === 'command-result') {
    await context.commands.result(session, message.device, message.command, {
      ok: message.ok,
      ...(message.result ? { result: message.result } : {}),
      ...(message.error !== undefined ? { error: message.error } : {}),
    });
    return {};
  }
  if (session.expired || session.token.expiresAt <= context.now())
    throw context.refuse(new DeviceError('AccessTokenExpired', 'the token has expired; send a fresh one'), session);
  await context.recheck(session);
  const { presence } = context;
  switch (message.type) {
    case 'register':
      if (!session.token.incoming)
        throw context.refuse(
          new DeviceError('AccessTokenGrantsInvalid', 'the token does not allow incoming calls'),
          session,
        );
      if (!session.registered) {
        if (presence.count(session.accountSid, session.identity) >= context.maxPerIdentity)
          throw new DeviceError(
            'RegistrationError',
            `identity ${session.identity} has as many registrations as allowed`,
          );
        session.registered = true;
        presence.add(session);
        session.webrtc = message.webrtc === true;
        // Calls already ringing its identity (a device woken for one) are offered to it.
        void context.invitations.join(session);
        return {};
      }
      session.webrtc = message.webrtc === true;
      return {};
    case 'unregister':
      context.unregister(session);
      return {};
    case 'accept':
    case 'reject':
      return context.invitations.answer(
        session,
        message.callToken,
        message.type,
        message.type === 'accept' ? message.sdp : undefined,
      );
    case 'connect':
      return placeCall(context.outgoing, session, message.params, message.sdp);
    case 'subscribe': {
      // On a cluster, followers start from the identities' presence on every node.
      const known = await context.across?.current(session.accountSid, message.identities);
      context.followers.follow(session, message.identities, (identity) =>
        known ? known.get(identity) : presence.list(session.accountSid, identity)[0],
      );
      return {};
    }
    case 'unsubscribe':
      for (const identity of message.identities) context.followers.unfollow(session, identity);
      return {};
    case 'room-subscribe':
      await context.rooms.subscribe(session, message.room, message.after ?? 0);
      return {};
    case 'room-unsubscribe':
      context.rooms.unsubscribe(session, message.room);
      return {};
    case 'room-command':
      return { roomSeq: await context.rooms.command(session, message.room, message.command) };
    case 'rooms':
      return { rooms: await context.rooms.rooms(session) };
    case 'room-schedules':
      return { schedules: await context.rooms.schedules(session, message.room) };
    case 'commands-attach':
      await context.commands.attach(session, message.device, message.secret, message.after);
      return {};
  }
}
