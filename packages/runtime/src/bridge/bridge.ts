/**
 * The device bridge: client devices register with an access token over a connection they open
 * themselves (WebSocket or long-poll, see transports), and are told of calls for their identity.
 * When `<Dial><Client>` rings an identity, the caller is held and every registration gets an
 * invitation with a sealed call token; the first device to call back with it is bridged in, the
 * others are told to stop ringing. Devices also place calls through their token's application
 * and control their calls (keys, mute, hang-up).
 *
 * Transport-independent: a transport calls `open` with the device's `hello`, then `receive` for
 * each message, and `lost` when its connection ends.
 */
import { hostname } from 'node:os';
import {
  type ClientMessage,
  type ClientRequest,
  DeviceError,
  type Hello,
  LIMITS,
  PROTOCOL_VERSION,
  type Welcome,
} from '@patchbay/sdk/protocol';
import { EventEmitter } from 'eventemitter3';
import type { Clock } from '../clock/clock.js';
import type { DeviceLeg, MediaAdapter, OriginateOutcome } from '../media/types.js';
import type { InboundApp } from '../runtime-types.js';
import { newSid } from '../sid.js';
import { type DeviceDirectory, type VerifiedToken, verifyAccessToken } from './access-tokens.js';
import { CallTokens } from './call-tokens.js';
import { Presence, type PresenceRecord } from './presence.js';
import { DeviceSession, type Link } from './session.js';

export interface DeviceBridgeOptions {
  readonly directory: DeviceDirectory;
  /** Where a device's outgoing calls go: the VoiceUrl and settings of an application. */
  readonly application: (accountSid: string, sid: string) => Promise<OutgoingApp | undefined>;
  /** Name of this node, sealed into call tokens. @default the host name */
  readonly node?: string;
  /** Key that seals call tokens (32 bytes; the same on every node of a cluster). @default random */
  readonly callTokenKey?: Uint8Array;
  /** Devices send something at least this often; silence for 2.5 times as long drops the connection. @default 10000 */
  readonly heartbeatMs?: number;
  /** How long a session outlives its connection, waiting for the device to resume. @default 30000 */
  readonly resumeMs?: number;
  /** Clock difference tolerated when checking a token's exp and nbf. @default 60000 */
  readonly skewMs?: number;
  /** Registrations per identity. @default 50 */
  readonly maxPerIdentity?: number;
  /** Sessions on this node. @default 100000 */
  readonly maxSessions?: number;
}

/** Where a device's outgoing calls go: an application's VoiceUrl and settings. */
export type OutgoingApp = InboundApp;

/** What the bridge asks of the runtime. */
export interface BridgeHost {
  readonly media: MediaAdapter;
  readonly clock: Clock;
  /** Starts a call from a device on its application. */
  startCall(call: {
    readonly sid: string;
    readonly leg: DeviceLeg;
    readonly account: { readonly sid: string; readonly authToken: string };
    readonly from: string;
    readonly to: string;
    readonly app: OutgoingApp;
    readonly extra: Record<string, string>;
  }): void;
}

/** `<Dial><Client>` asking to ring an identity. */
export interface ClientRing {
  readonly accountSid: string;
  readonly callSid: string;
  readonly identity: string;
  readonly from: string;
  readonly timeoutMs: number;
  readonly parameters: Readonly<Record<string, string>>;
}

export interface BridgeEvents {
  /** An identity came online, went offline, or changed its number of registrations. */
  presence: (record: PresenceRecord) => void;
  /** Something a device sent was refused (bad token, replayed call token, malformed message). */
  refused: (event: { readonly session?: string; readonly identity?: string; readonly error: DeviceError }) => void;
}

interface Ringing {
  readonly request: ClientRing;
  readonly invited: Set<DeviceSession>;
  settle(outcome: OriginateOutcome): void;
}

const watchKey = (accountSid: string, identity: string) => `${accountSid} ${identity}`;

function presenceMessage(record: PresenceRecord) {
  return {
    type: 'presence',
    identity: record.identity,
    status: record.status,
    registrations: record.registrations,
    lastSeenAt: record.lastSeenAt,
  } as const;
}

export class DeviceBridge {
  readonly events = new EventEmitter<BridgeEvents>();
  readonly presence: Presence<DeviceSession>;
  readonly heartbeatMs: number;
  private readonly resumeMs: number;
  private readonly skewMs: number;
  private readonly node: string;
  private readonly tokens: CallTokens;
  private readonly sessions = new Map<string, DeviceSession>();
  private readonly rings = new Map<string, Ringing>();
  /** Sessions following each identity's presence, by `account identity`. */
  private readonly watchers = new Map<string, Set<DeviceSession>>();
  private readonly stopSweep: () => void;
  private closed = false;

  constructor(
    private readonly options: DeviceBridgeOptions,
    private readonly host: BridgeHost,
  ) {
    const clock = host.clock;
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.resumeMs = options.resumeMs ?? 30_000;
    this.skewMs = options.skewMs ?? 60_000;
    this.node = options.node ?? hostname();
    this.tokens = new CallTokens(() => clock.now(), options.callTokenKey);
    this.presence = new Presence(
      () => clock.now(),
      (record) => {
        this.events.emit('presence', record);
        for (const watcher of this.watchers.get(watchKey(record.accountSid, record.identity)) ?? [])
          this.push(watcher, presenceMessage(record));
      },
    );
    let cancel = () => {};
    const sweep = () => {
      this.sweep();
      cancel = clock.setTimer(sweep, this.heartbeatMs / 2);
    };
    cancel = clock.setTimer(sweep, this.heartbeatMs / 2);
    this.stopSweep = () => cancel();
  }

  /** Sessions on this node. */
  get size(): number {
    return this.sessions.size;
  }

  private async verify(token: string): Promise<VerifiedToken> {
    return verifyAccessToken(token, this.options.directory, { now: this.host.clock.now(), skewMs: this.skewMs });
  }

  private refuse(error: DeviceError, session?: DeviceSession): DeviceError {
    this.events.emit('refused', {
      error,
      ...(session ? { session: session.id, identity: session.identity } : {}),
    });
    return error;
  }

  /**
   * A device says hello: verifies its token and opens a session, or resumes the one it names
   * (same account and identity). Throws a DeviceError the transport sends before closing.
   */
  async open(hello: Hello, link: Link): Promise<DeviceSession> {
    if (this.closed) throw new DeviceError('TemporarilyUnavailable', 'the server is shutting down');
    const token = await this.verify(hello.token).catch((error: DeviceError) => {
      throw this.refuse(error);
    });
    const now = this.host.clock.now();
    const earlier = hello.resume ? this.sessions.get(hello.resume.session) : undefined;
    let session: DeviceSession;
    let resumed = false;
    if (earlier && earlier.accountSid === token.accountSid && earlier.identity === token.identity) {
      session = earlier;
      session.token = token;
      session.expired = false;
      resumed = true;
    } else {
      if (this.sessions.size >= (this.options.maxSessions ?? 100_000))
        throw this.refuse(new DeviceError('TemporarilyUnavailable', 'this server has as many devices as it takes'));
      session = new DeviceSession(token, now);
      this.sessions.set(session.id, session);
    }
    const welcome: Welcome = {
      type: 'welcome',
      v: PROTOCOL_VERSION,
      session: session.id,
      resumed,
      identity: token.identity,
      accountSid: token.accountSid,
      registered: session.registered,
      heartbeatMs: this.heartbeatMs,
      tokenExpiresAt: token.expiresAt,
    };
    link.send(welcome);
    session.attach(link, resumed ? (hello.resume?.received ?? 0) : 0, now);
    return session;
  }

  /** An open session by id (long-poll requests name theirs). */
  session(id: string): DeviceSession | undefined {
    return this.sessions.get(id);
  }

  /** A long-poll connects `link` to `session`: what came after `received` is sent on it. */
  resume(session: DeviceSession, link: Link, received: number): void {
    session.attach(link, received, this.host.clock.now());
  }

  /** The connection of `session` ended; the session waits `resumeMs` for the device to come back. */
  lost(session: DeviceSession, link: Link): void {
    session.detach(link, this.host.clock.now());
  }

  /** A message from a device with an open session. */
  receive(session: DeviceSession, message: ClientMessage, link: Link): void {
    const now = this.host.clock.now();
    session.lastSeen = now;
    if (!session.spend(now)) {
      // Over its rate: the message is dropped with an error (a request gets its failed result).
      const error = new DeviceError('TooManyRequests', 'more messages than a device may send; slow down');
      if ('id' in message && session.firstTime(message.id))
        this.push(session, { type: 'result', id: message.id, ok: false, error: error.toProtocol() });
      else link.send({ type: 'error', fatal: false, error: error.toProtocol() });
      return;
    }
    switch (message.type) {
      case 'ping':
        link.send({ type: 'pong' });
        return;
      case 'ack':
        session.ack(message.seq);
        return;
      case 'bye':
        this.end(session, 'unregistered');
        link.close(1000, 'bye');
        return;
      case 'hello':
        link.send({
          type: 'error',
          fatal: false,
          error: new DeviceError('MalformedRequest', 'hello was already said').toProtocol(),
        });
        return;
      default:
        if (!session.firstTime(message.id)) return;
        void this.request(session, message).then(
          (result) => this.push(session, { type: 'result', id: message.id, ok: true, ...result }),
          (error: unknown) => {
            const failure =
              error instanceof DeviceError
                ? error
                : new DeviceError('GeneralError', error instanceof Error ? error.message : String(error));
            this.push(session, { type: 'result', id: message.id, ok: false, error: failure.toProtocol() });
          },
        );
    }
  }

  private push(session: DeviceSession, ...[message, expiresAt]: Parameters<DeviceSession['push']>): void {
    if (session.push(message, expiresAt)) return;
    // A device this far behind is not reading: end it rather than hold an unbounded queue.
    session.link?.close(4008, 'too many unacknowledged messages');
    this.end(session, 'unregistered');
  }

  private async request(
    session: DeviceSession,
    message: ClientRequest,
  ): Promise<{ callSid?: string; tokenExpiresAt?: number }> {
    if (message.type === 'token') {
      const token = await this.verify(message.token).catch((error: DeviceError) => {
        throw this.refuse(error, session);
      });
      if (token.accountSid !== session.accountSid || token.identity !== session.identity)
        throw this.refuse(
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
    if (session.expired || session.token.expiresAt <= this.host.clock.now())
      throw this.refuse(new DeviceError('AccessTokenExpired', 'the token has expired; send a fresh one'), session);
    switch (message.type) {
      case 'register':
        if (!session.token.incoming)
          throw this.refuse(
            new DeviceError('AccessTokenGrantsInvalid', 'the token does not allow incoming calls'),
            session,
          );
        if (!session.registered) {
          if (this.presence.count(session.accountSid, session.identity) >= (this.options.maxPerIdentity ?? 50))
            throw new DeviceError(
              'RegistrationError',
              `identity ${session.identity} has as many registrations as allowed`,
            );
          session.registered = true;
          this.presence.add(session);
        }
        return {};
      case 'unregister':
        this.unregister(session, 'unregistered');
        return {};
      case 'accept':
      case 'reject':
        return this.answer(session, message.callToken, message.type);
      case 'connect':
        return { callSid: await this.connect(session, message.params) };
      case 'subscribe':
        this.follow(session, message.identities);
        return {};
      case 'unsubscribe':
        for (const identity of message.identities) this.unfollow(session, identity);
        return {};
    }
  }

  private unregister(session: DeviceSession, reason: 'unregistered'): void {
    if (!session.registered) return;
    session.registered = false;
    this.presence.remove(session);
    for (const callSid of [...session.invitations]) this.uninvite(callSid, session, reason);
  }

  /** `session` no longer rings for `callSid`; with nobody left to ring, the call is not answered. */
  private uninvite(callSid: string, session: DeviceSession, reason: 'unregistered'): void {
    session.invitations.delete(callSid);
    const ringing = this.rings.get(callSid);
    if (!ringing?.invited.delete(session)) return;
    if (this.sessions.has(session.id)) this.push(session, { type: 'cancel', callSid, reason });
    if (ringing.invited.size === 0) this.finishRing(callSid, { outcome: 'no-answer' }, 'no-answer');
  }

  private finishRing(
    callSid: string,
    outcome: OriginateOutcome,
    reason: 'canceled' | 'answered-elsewhere' | 'rejected-elsewhere' | 'no-answer',
    except?: DeviceSession,
  ): void {
    const ringing = this.rings.get(callSid);
    if (!ringing) return;
    this.rings.delete(callSid);
    for (const session of ringing.invited) {
      session.invitations.delete(callSid);
      if (session !== except) this.push(session, { type: 'cancel', callSid, reason });
    }
    ringing.settle(outcome);
  }

  /** Rings every registration of an identity; settles when one accepts, rejects, or nobody can. */
  async ring(request: ClientRing, signal: AbortSignal, onRinging?: () => void): Promise<OriginateOutcome> {
    const targets = this.presence
      .sessions(request.accountSid, request.identity)
      .filter((session) => session.token.incoming && !session.expired);
    if (targets.length === 0 || this.closed) return { outcome: 'no-answer', reason: 'no device registered' };
    if (signal.aborted) return { outcome: 'canceled' };
    const clock = this.host.clock;
    const expiresAt = clock.now() + request.timeoutMs;
    const outcome = new Promise<OriginateOutcome>((resolve) => {
      this.rings.set(request.callSid, { request, invited: new Set(targets), settle: resolve });
    });
    const callToken = this.tokens.seal({
      callSid: request.callSid,
      node: this.node,
      accountSid: request.accountSid,
      identity: request.identity,
      expiresAt,
    });
    const parameters = {
      CallSid: request.callSid,
      AccountSid: request.accountSid,
      From: request.from,
      To: `client:${request.identity}`,
      ApiVersion: '2010-04-01',
    };
    for (const session of targets) {
      session.invitations.add(request.callSid);
      this.push(
        session,
        {
          type: 'invite',
          callSid: request.callSid,
          callToken,
          parameters,
          customParameters: { ...request.parameters },
          expiresAt,
        },
        expiresAt,
      );
    }
    onRinging?.();
    const cancelTimer = clock.setTimer(
      () => this.finishRing(request.callSid, { outcome: 'no-answer' }, 'no-answer'),
      request.timeoutMs,
    );
    const onAbort = () => this.finishRing(request.callSid, { outcome: 'canceled' }, 'canceled');
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await outcome;
    } finally {
      cancelTimer();
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** A device called back with an invitation's call token. */
  private async answer(
    session: DeviceSession,
    callToken: string,
    how: 'accept' | 'reject',
  ): Promise<{ callSid: string }> {
    let claims: ReturnType<CallTokens['open']>;
    try {
      claims = this.tokens.open(callToken);
    } catch (error) {
      throw this.refuse(error as DeviceError, session);
    }
    if (claims.accountSid !== session.accountSid || claims.identity !== session.identity)
      throw this.refuse(new DeviceError('CallTokenInvalid', 'the call token was issued to another identity'), session);
    try {
      this.tokens.spend(claims);
    } catch (error) {
      throw this.refuse(error as DeviceError, session);
    }
    const ringing = this.rings.get(claims.callSid);
    if (!ringing) throw new DeviceError('CallCancelled', `call ${claims.callSid} is no longer ringing`);
    if (how === 'reject') {
      this.finishRing(
        claims.callSid,
        { outcome: 'busy', reason: 'rejected by the device' },
        'rejected-elsewhere',
        session,
      );
      return { callSid: claims.callSid };
    }
    const media = this.host.media;
    if (!media.deviceLeg) throw new DeviceError('GeneralError', `the ${media.name} media adapter cannot carry devices`);
    const leg = this.attachLeg(session, claims.callSid, media.deviceLeg.bind(media), () => {});
    this.finishRing(claims.callSid, { outcome: 'answered', leg }, 'answered-elsewhere', session);
    this.push(session, { type: 'call', callSid: claims.callSid, state: 'open' });
    return { callSid: claims.callSid };
  }

  private attachLeg(
    session: DeviceSession,
    callSid: string,
    create: NonNullable<MediaAdapter['deviceLeg']>,
    onAnswered: () => void,
  ): DeviceLeg {
    const leg = create({
      identity: session.identity,
      callSid,
      onAnswered,
      onEnded: () => {
        if (!session.calls.delete(callSid)) return;
        this.push(session, { type: 'call', callSid, state: 'closed' });
      },
    });
    session.calls.set(callSid, leg);
    return leg;
  }

  /** A device places a call: its token's application runs with From=client:<identity>. */
  private async connect(session: DeviceSession, params: Record<string, string>): Promise<string> {
    const outgoing = session.token.outgoing;
    if (!outgoing)
      throw this.refuse(new DeviceError('AccessTokenGrantsInvalid', 'the token has no outgoing application'), session);
    const app = await this.options.application(session.accountSid, outgoing.applicationSid);
    if (!app) throw new DeviceError('ApplicationNotFound', `no application ${outgoing.applicationSid}`);
    const media = this.host.media;
    if (!media.deviceLeg) throw new DeviceError('GeneralError', `the ${media.name} media adapter cannot carry devices`);
    const callSid = newSid('CA');
    const leg = this.attachLeg(session, callSid, media.deviceLeg.bind(media), () =>
      this.push(session, { type: 'call', callSid, state: 'open' }),
    );
    this.host.startCall({
      sid: callSid,
      leg,
      account: { sid: session.accountSid, authToken: session.token.authToken },
      from: `client:${session.identity}`,
      to: params.To ?? '',
      app,
      extra: { ApplicationSid: outgoing.applicationSid, ...outgoing.params, ...params },
    });
    this.push(session, { type: 'call', callSid, state: 'ringing' });
    return callSid;
  }

  /** `session` follows these identities' presence: their state now, then every change. */
  private follow(session: DeviceSession, identities: readonly string[]): void {
    const fresh = identities.filter((identity) => !session.following.has(identity));
    if (session.following.size + fresh.length > LIMITS.maxSubscriptions)
      throw new DeviceError('TooManyRequests', `a session follows at most ${LIMITS.maxSubscriptions} identities`);
    for (const identity of fresh) {
      session.following.add(identity);
      const key = watchKey(session.accountSid, identity);
      let watchers = this.watchers.get(key);
      if (!watchers) {
        watchers = new Set();
        this.watchers.set(key, watchers);
      }
      watchers.add(session);
      const [record] = this.presence.list(session.accountSid, identity);
      this.push(
        session,
        presenceMessage(
          record ?? { accountSid: session.accountSid, identity, status: 'offline', registrations: 0, lastSeenAt: 0 },
        ),
      );
    }
  }

  private unfollow(session: DeviceSession, identity: string): void {
    if (!session.following.delete(identity)) return;
    const key = watchKey(session.accountSid, identity);
    const watchers = this.watchers.get(key);
    watchers?.delete(session);
    if (watchers?.size === 0) this.watchers.delete(key);
  }

  /** Ends a session: its registration, its invitations, its presence subscriptions, and its calls. */
  private end(session: DeviceSession, reason: 'unregistered'): void {
    if (!this.sessions.delete(session.id)) return;
    for (const identity of [...session.following]) this.unfollow(session, identity);
    this.unregister(session, reason);
    for (const callSid of [...session.invitations]) this.uninvite(callSid, session, reason);
    for (const leg of session.calls.values()) leg.remoteHangup();
    session.calls.clear();
  }

  private sweep(): void {
    const now = this.host.clock.now();
    for (const session of this.sessions.values()) {
      if (session.link && now - session.lastSeen > this.heartbeatMs * 2.5) {
        const link = session.link;
        session.detach(link, now);
        link.close(4000, 'no heartbeat');
      }
      if (!session.link && session.detachedAt !== undefined && now - session.detachedAt > this.resumeMs) {
        this.end(session, 'unregistered');
        continue;
      }
      if (!session.expired && session.token.expiresAt <= now) {
        session.expired = true;
        this.unregister(session, 'unregistered');
        this.push(session, { type: 'expired' });
      }
    }
  }

  /** Presence of one identity, or of every identity of an account. */
  presenceOf(accountSid: string, identity?: string): PresenceRecord[] {
    return this.presence.list(accountSid, identity);
  }

  /** Closes every connection (devices reconnect to the next server) and ends every session. */
  close(): void {
    this.closed = true;
    this.stopSweep();
    for (const [callSid] of this.rings) this.finishRing(callSid, { outcome: 'canceled' }, 'canceled');
    for (const session of [...this.sessions.values()]) {
      session.link?.close(1012, 'server restarting');
      this.end(session, 'unregistered');
    }
  }
}
