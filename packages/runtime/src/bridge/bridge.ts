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
import { type ClientMessage, DeviceError, type Hello, type Outgoing } from '@patchbay/sdk/protocol';
import { EventEmitter } from 'eventemitter3';
import { ClusterSessionCap } from '../cluster/devices-limits.js';
import type { Forwarded } from '../cluster/devices-poll-relay.js';
import type { PresenceAcross } from '../cluster/devices-presence-across.js';
import type { ReachedSession } from '../cluster/devices-relay.js';
import type { ClusterDevices } from '../cluster/devices-ring.js';
import type { DeviceLeg, OriginateOutcome } from '../media/types.js';
import { type VerifiedToken, verifyAccessToken } from './access-tokens.js';
import { type BridgeCluster, bridgeCluster } from './bridge-cluster.js';
import { CallTokens } from './call-tokens.js';
import { CommandChannel } from './command-channel.js';
import type { RemoteDevice } from './elsewhere.js';
import { Followers } from './followers.js';
import { type ClientRing, Invitations, type Waking } from './invitations.js';
import { deviceLeg } from './legs.js';
import { type PollRequest, pollHere } from './poll.js';
import { Presence, type PresenceRecord } from './presence.js';
import { type Receiver, receiveMessage } from './receive.js';
import type { RequestContext } from './requests.js';
import { type CredentialChecks, recheck } from './revocation.js';
import { RoomChannel } from './room-channel.js';
import type { DeviceSession, Link } from './session.js';
import { SessionTable } from './sessions.js';
import { startSweeping } from './sweep.js';
import type { BridgeEvents, BridgeHost, DeviceBridgeOptions } from './types.js';
import { openSession } from './welcome.js';

export type { ClientRing, Waking } from './invitations.js';

/** Finds the offline devices a ring can wake: how to wake them once the ring is open, or undefined for none. */
export type RingWaker = (request: ClientRing) => Promise<Waking | undefined>;
export type { BridgeEvents, BridgeHost, DeviceBridgeOptions, OutgoingApp } from './types.js';

export class DeviceBridge {
  readonly events = new EventEmitter<BridgeEvents>();
  readonly presence: Presence<DeviceSession>;
  readonly heartbeatMs: number;
  private readonly skewMs: number;
  private readonly node: string;
  private readonly tokens: CallTokens;
  private readonly sessions: SessionTable;
  private readonly invitations: Invitations;
  private readonly followers: Followers;
  /** Room subscriptions and commands (the rooms control channel). */
  readonly rooms: RoomChannel;
  /** Devices' commands (docs/commands.md). */
  readonly commands: CommandChannel;
  private readonly receiver: Receiver;
  private readonly stopSweep: () => void;
  /** The cluster's parts (with a bus): devices and presence on other nodes, notices, relayed sessions. */
  private readonly clustered: BridgeCluster | undefined;
  private readonly cluster: ClusterDevices | undefined;
  private readonly across: PresenceAcross | undefined;
  private closed = false;
  private waker: RingWaker | undefined;
  private readonly checks: CredentialChecks = {
    verify: (jwt) => this.verify(jwt),
    active: (session) => this.sessions.has(session),
    refuse: (error, session) => void this.refuse(error, session),
    end: (session) => this.end(session),
  };

  constructor(
    private readonly options: DeviceBridgeOptions,
    private readonly host: BridgeHost,
  ) {
    const clock = host.clock;
    const here = { find: (id: string) => this.sessions.get(id), end: (session: DeviceSession) => this.end(session) };
    this.sessions = new SessionTable(options.cluster && new ClusterSessionCap(options.cluster.bus, here));
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.skewMs = options.skewMs ?? 60_000;
    this.node = options.node ?? options.cluster?.bus.nodeId ?? hostname();
    this.tokens = new CallTokens(() => clock.now(), options.callTokenKey);
    this.followers = new Followers(
      (session, message) => this.push(session, message),
      (accountSid, identity, watching, told) => this.across?.watch(accountSid, identity, watching, told),
    );
    this.rooms = new RoomChannel((session, message) => this.push(session, message));
    this.commands = new CommandChannel(
      (session, message) => this.push(session, message),
      () => this.cluster,
    );
    this.presence = new Presence(
      () => clock.now(),
      (record) => {
        this.cluster?.presence.changed(record);
        this.events.emit('presence', record);
        if (this.across) this.across.changed(record);
        else this.followers.notify(record);
      },
    );
    this.clustered = bridgeCluster(options, host, {
      targets: (accountSid, identity) => this.targets(accountSid, [identity]),
      session: (id) => this.sessions.get(id),
      push: (session, message, expiresAt) => this.push(session, message, expiresAt),
      isOpen: (session) => this.sessions.has(session),
      invitations: () => this.invitations,
      commands: () => this.commands,
      local: (accountSid, identities) =>
        identities
          ? identities.flatMap((identity) => this.presence.list(accountSid, identity))
          : this.presence.list(accountSid),
      notify: (record) => this.followers.notify(record),
      tellHere: (accountSid, identity, message) => this.tellHere(accountSid, identity, message),
      open: (hello, link) => this.open(hello, link),
      receive: (session, message, link) => this.receive(session, message, link),
      lost: (session, link) => this.lost(session, link),
      poll: (session, request, signal, maxBytes) => pollHere(this, session, request, signal, maxBytes),
      heartbeatMs: this.heartbeatMs,
    });
    this.cluster = this.clustered?.devices;
    this.across = this.clustered?.across;
    this.invitations = new Invitations({
      remote: this.cluster,
      clock,
      tokens: this.tokens,
      node: this.node,
      push: (session, message, expiresAt) => this.push(session, message, expiresAt),
      refuse: (error, session) => this.refuse(error, session),
      attachLeg: (session, callSid) => this.attachLeg(session, callSid, () => {}),
      offerLeg: (session, callSid) =>
        this.host.media.capabilities.webrtc ? this.newLeg(session, callSid, () => {}, 'offer') : undefined,
      adoptLeg: (session, callSid, leg) => {
        session.calls.set(callSid, leg);
      },
      isOpen: (session) => this.sessions.has(session),
    });
    const requests: RequestContext = {
      now: () => clock.now(),
      verify: (jwt) => this.verify(jwt),
      refuse: (error, session) => this.refuse(error, session),
      recheck: (session) => recheck(this.checks, session),
      unregister: (session) => this.unregister(session),
      presence: this.presence,
      maxPerIdentity: options.maxPerIdentity ?? 50,
      invitations: this.invitations,
      followers: this.followers,
      ...(this.across ? { across: this.across } : {}),
      rooms: this.rooms,
      commands: this.commands,
      outgoing: {
        host,
        application: options.application,
        attachLeg: (session, callSid, onAnswered, sdp) => this.attachLeg(session, callSid, onAnswered, sdp),
        push: (session, message) => this.push(session, message),
        refuse: (error, session) => this.refuse(error, session),
      },
    };
    this.receiver = {
      now: () => clock.now(),
      push: (session, message) => this.push(session, message),
      end: (session) => this.end(session),
      requests,
    };
    const timings = { heartbeatMs: this.heartbeatMs, resumeMs: options.resumeMs ?? 30_000 };
    this.stopSweep = startSweeping(clock, () => this.sessions.values(), timings, {
      end: (session) => this.end(session),
      expire: (session) => {
        this.unregister(session);
        this.push(session, { type: 'expired' });
      },
    });
  }

  /** Sessions on this node. */
  get size(): number {
    return this.sessions.size;
  }

  private async verify(token: string): Promise<VerifiedToken> {
    return verifyAccessToken(token, this.options.directory, { now: this.host.clock.now(), skewMs: this.skewMs });
  }

  private refuse(error: DeviceError, session?: DeviceSession | RemoteDevice): DeviceError {
    const who = session && { session: 'id' in session ? session.id : session.session, identity: session.identity };
    this.events.emit('refused', { error, ...who });
    return error;
  }

  /**
   * A device says hello: verifies its token and opens a session, or resumes the one it names
   * (same account and identity). Throws a DeviceError the transport sends before closing.
   */
  async open(hello: Hello, link: Link): Promise<DeviceSession> {
    if (this.closed) throw new DeviceError('TemporarilyUnavailable', 'the server is shutting down');
    const { clock, media } = this.host;
    return openSession(
      {
        sessions: this.sessions,
        clock,
        verify: (jwt) => this.verify(jwt),
        refuse: (error) => this.refuse(error),
        limits: { perAccount: this.host.limits.deviceSessions, total: this.options.maxSessions ?? 100_000 },
        settings: { heartbeatMs: this.heartbeatMs, webrtc: media.capabilities.webrtc === true, ice: this.options.ice },
      },
      hello,
      link,
    );
  }

  /**
   * A WebSocket's hello: on a cluster, a hello resuming a session another node holds is relayed
   * there (cluster/devices-relay.ts); otherwise the session opens (or resumes) here.
   */
  async openAnywhere(hello: Hello, link: Link): Promise<{ session: DeviceSession } | { reached: ReachedSession }> {
    const reached =
      this.closed || !hello.resume || this.sessions.get(hello.resume.session)
        ? undefined
        : await this.clustered?.reach(hello, link);
    return reached ? { reached } : { session: await this.open(hello, link) };
  }

  /** On a cluster, long-poll requests for a session held elsewhere are answered there (`pollElsewhere`). */
  get pollsRelayed(): boolean {
    return this.clustered !== undefined && !this.closed;
  }

  /** A long-poll request for a session another node holds, answered there ('none': no live node holds it). */
  pollElsewhere(session: string, request: PollRequest, signal: AbortSignal): Promise<Forwarded> {
    return this.clustered?.poll(session, request, signal) ?? Promise.resolve('none');
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
    receiveMessage(this.receiver, session, message, link);
  }

  private push(session: DeviceSession, ...[message, expiresAt]: Parameters<DeviceSession['push']>): void {
    if (session.push(message, expiresAt)) return;
    // A device this far behind is not reading: end it rather than hold an unbounded queue.
    session.link?.close(4008, 'too many unacknowledged messages');
    this.end(session);
  }

  private unregister(session: DeviceSession): void {
    if (!session.registered) return;
    session.registered = false;
    this.presence.remove(session);
    this.invitations.withdraw(session);
    this.cluster?.withdraw(session);
  }

  /**
   * Rings every registration of an identity; settles when one accepts, rejects, or nobody can.
   * A registered number's offline devices are woken (see `wakeWith`) and offered the call when
   * they connect in time; on a cluster, the identity's devices on other nodes are rung too.
   */
  async ring(request: ClientRing, signal: AbortSignal, onRinging?: () => void): Promise<OriginateOutcome> {
    if (this.closed) return this.invitations.ring(request, [], signal, onRinging);
    const waking = request.number !== undefined ? await this.waker?.(request).catch(() => undefined) : undefined;
    const targets = this.targets(request.accountSid, [request.identity, ...(request.alsoIdentities ?? [])]);
    return this.invitations.ring(request, targets, signal, onRinging, waking);
  }

  /** Who wakes a registered number's offline devices for a ring (devices/ring-wake.ts); returns how to stop. */
  wakeWith(waker: RingWaker): () => void {
    this.waker = waker;
    return () => {
      if (this.waker === waker) this.waker = undefined;
    };
  }

  /** On a cluster: whether another node holds registrations of the identity (a ring invites them there). */
  async registeredElsewhere(accountSid: string, identity: string): Promise<boolean> {
    return (await this.clustered?.registeredElsewhere(accountSid, identity)) ?? false;
  }

  /** Sessions here that may be rung for the identities. */
  private targets(accountSid: string, identities: readonly string[]): DeviceSession[] {
    if (this.closed) return [];
    return identities
      .flatMap((identity) => this.presence.sessions(accountSid, identity))
      .filter((session) => session.token.incoming && !session.expired);
  }

  /** The device's media leg for `callSid`, kept with its session; `closed` goes to the device when it ends. */
  private attachLeg(session: DeviceSession, callSid: string, onAnswered: () => void, sdp?: string): DeviceLeg {
    const leg = this.newLeg(session, callSid, onAnswered, this.host.media.capabilities.webrtc ? sdp : undefined);
    session.calls.set(callSid, leg);
    return leg;
  }

  /** A device leg not yet kept with its session (an offer to an invited device: kept once it accepts). */
  private newLeg(session: DeviceSession, callSid: string, onAnswered: () => void, sdp?: string): DeviceLeg {
    return deviceLeg(this.host.media, session, { callSid, onAnswered, sdp }, (message) => this.push(session, message));
  }

  /**
   * Verifies the token of every session of `accountSid` again, after its keys, auth token or
   * status changed: a session whose token no longer verifies (its key deleted, its account
   * suspended or closed, the auth token that signed a capability token rotated away) ends with
   * that error; the others go on with what is true now (the current auth token signs their calls'
   * webhooks). A session whose token merely expired waits for a fresh one, as before.
   */
  async revalidate(accountSid: string): Promise<void> {
    await Promise.all(
      this.sessions.ofAccount(accountSid).map(async (session) => {
        await recheck(this.checks, session).catch(() => undefined);
      }),
    );
  }

  /** Ends a session: its registration, its invitations, its presence subscriptions, and its calls. */
  private end(session: DeviceSession): void {
    if (!this.sessions.delete(session)) return;
    this.followers.dropAll(session);
    this.rooms.dropAll(session);
    this.commands.dropAll(session);
    // Only registered sessions are invited: unregistering withdraws their invitations.
    this.unregister(session);
    for (const leg of session.calls.values()) leg.remoteHangup();
    session.calls.clear();
  }

  /**
   * Sends `message` to every open session of the identity (registered or not), on every node of a
   * cluster (a notice; cluster/devices-tell.ts): how many got it here.
   */
  tell(accountSid: string, identity: string, message: Outgoing): number {
    this.clustered?.publish(accountSid, identity, message);
    return this.tellHere(accountSid, identity, message);
  }

  private tellHere(accountSid: string, identity: string, message: Outgoing): number {
    const sessions = this.sessions.ofAccount(accountSid).filter((session) => session.identity === identity);
    for (const session of sessions) this.push(session, message);
    return sessions.length;
  }

  /** Presence of one identity, or of every identity of an account, on this node. */
  presenceOf(accountSid: string, identity?: string): PresenceRecord[] {
    return this.presence.list(accountSid, identity);
  }

  /** `presenceOf` (of one identity, several, or all) on every live node taken together (this node's alone without a bus). */
  async presenceEverywhere(accountSid: string, identity?: string | readonly string[]): Promise<PresenceRecord[]> {
    const identities = typeof identity === 'string' ? [identity] : identity;
    if (!this.across)
      return identities ? identities.flatMap((one) => this.presenceOf(accountSid, one)) : this.presenceOf(accountSid);
    return this.across.list(accountSid, identities);
  }

  /** Closes every connection (devices reconnect to the next server) and ends every session. */
  close(): void {
    this.closed = true;
    this.stopSweep();
    this.sessions.close();
    this.invitations.cancelAll();
    this.clustered?.close();
    for (const session of [...this.sessions.values()]) {
      session.link?.close(1012, 'server restarting');
      this.end(session);
    }
  }
}
