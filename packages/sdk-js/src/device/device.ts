/**
 * A client device: registers an identity with Patchbay over a connection it opens itself, is
 * told of incoming calls (`incoming`), and places calls through its token's application
 * (`connect`). The connection survives network trouble: the device reconnects with backoff and
 * jitter and resumes its session, and the server sends again whatever the device missed, in
 * order; nothing reaches the application twice. Requests never hang: a bad or expired token,
 * a lost server or a timeout rejects them with a typed DeviceError.
 *
 * @example
 * const device = new Device(token, { server: 'https://patchbay.example.com' });
 * device.on('incoming', (call) => void call.accept());
 * device.on('tokenWillExpire', async () => device.updateToken(await fetchToken()));
 * await device.register();
 */
import { EventEmitter } from 'eventemitter3';
import { DeviceError } from '../protocol/errors.js';
import {
  type ClientRequest,
  PROTOCOL_VERSION,
  type Sequenced,
  type ServerMessage,
  type Welcome,
} from '../protocol/messages.js';
import { readTokenClaims } from '../tokens/jwt.js';
import { Call, type CallLink } from './call.js';
import { openLongPoll } from './long-poll.js';
import { openWebSocket, type Transport, type TransportHandlers, type WebSocketConstructor } from './transport.js';

export type DeviceState = 'unregistered' | 'registering' | 'registered' | 'destroyed';

export interface DeviceEvents {
  registered: () => void;
  unregistered: () => void;
  registering: () => void;
  incoming: (call: Call) => void;
  error: (error: DeviceError, call?: Call) => void;
  /** The token expires within `tokenRefreshMs`: call `updateToken` with a fresh one. */
  tokenWillExpire: (device: Device) => void;
  /** An identity this device follows (`subscribe`) came online, went offline, or changed. */
  presence: (presence: Presence) => void;
  destroyed: () => void;
}

/** Presence of a followed identity. */
export interface Presence {
  readonly identity: string;
  readonly status: 'online' | 'offline';
  readonly registrations: number;
  /** When last seen, ms since the epoch (0: never). */
  readonly lastSeenAt: number;
}

/** Timers, injectable so tests control time. */
export interface DeviceClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): () => void;
}

const systemClock: DeviceClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export interface DeviceOptions {
  /** Patchbay's base URL, e.g. `https://patchbay.example.com`. */
  readonly server: string;
  /** `auto` tries a WebSocket and falls back to long-poll. @default 'auto' */
  readonly transport?: 'auto' | 'websocket' | 'long-poll';
  /** The WebSocket implementation. @default globalThis.WebSocket (the Node entry point passes `ws`) */
  readonly WebSocket?: WebSocketConstructor | undefined;
  /** `fetch` for long-poll. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** `tokenWillExpire` fires this long before the token expires. @default 10000 */
  readonly tokenRefreshMs?: number;
  /** A request with no answer for this long rejects (ConnectionError). @default 10000 */
  readonly requestTimeoutMs?: number;
  /** First reconnect delay; doubles up to `maxReconnectDelayMs`, with jitter. @default 250 */
  readonly reconnectDelayMs?: number;
  /** @default 15000 */
  readonly maxReconnectDelayMs?: number;
  /** Free-form description sent to the server for its logs. */
  readonly agent?: string;
  /** @default the system clock */
  readonly clock?: DeviceClock;
}

interface Pending {
  readonly message: ClientRequest;
  resolve(result: { callSid?: string; tokenExpiresAt?: number }): void;
  reject(error: DeviceError): void;
  cancelTimer(): void;
}

type RequestBody<T extends ClientRequest['type']> = Omit<Extract<ClientRequest, { type: T }>, 'type' | 'id'>;

let requestCounter = 0;
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Device extends EventEmitter<DeviceEvents> {
  static readonly State = {
    Unregistered: 'unregistered',
    Registering: 'registering',
    Registered: 'registered',
    Destroyed: 'destroyed',
  } as const;

  private currentState: DeviceState = 'unregistered';
  private currentToken: string;
  private readonly clock: DeviceClock;
  private transport: Transport | undefined;
  private connecting: Promise<void> | undefined;
  private session: string | undefined;
  private received = 0;
  private welcome: Welcome | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly activeCalls = new Map<string, Call>();
  private readonly invitations = new Map<string, Call>();
  /** Registered by the application's wish: restored after a new session. */
  private wantRegistered = false;
  /** Identities followed, with their latest presence: followed again after a new session. */
  private readonly followed = new Map<string, Presence | undefined>();
  private reconnectAttempt = 0;
  private cancelReconnect: (() => void) | undefined;
  private cancelHeartbeat: (() => void) | undefined;
  private cancelWatchdog: (() => void) | undefined;
  private cancelExpiryWarning: (() => void) | undefined;
  private lastHeard = 0;
  /** A token the server refused: no reconnecting until `updateToken`. */
  private refused: DeviceError | undefined;
  private readonly link: CallLink;

  constructor(
    token: string,
    private readonly options: DeviceOptions,
  ) {
    super();
    if (!options?.server) throw new TypeError('options.server (the Patchbay URL) is required');
    this.currentToken = token;
    this.clock = options.clock ?? systemClock;
    this.link = {
      request: (type, body) => this.request(type, body),
      closed: (call) => {
        if (call.callSid) {
          this.activeCalls.delete(call.callSid);
          this.invitations.delete(call.callSid);
        }
      },
    };
    this.scheduleExpiryWarning();
  }

  get state(): DeviceState {
    return this.currentState;
  }

  get token(): string {
    return this.currentToken;
  }

  /** The identity in the token. */
  get identity(): string | undefined {
    return this.welcome?.identity ?? readTokenClaims(this.currentToken)?.identity;
  }

  /** Calls in progress (not invitations). */
  get calls(): Call[] {
    return [...this.activeCalls.values()];
  }

  get isBusy(): boolean {
    return this.activeCalls.size > 0;
  }

  /** Which transport carries the connection now. */
  get transportKind(): Transport['kind'] | undefined {
    return this.transport?.kind;
  }

  /** Registers for incoming calls; resolves once registered. */
  async register(): Promise<void> {
    this.assertAlive();
    this.wantRegistered = true;
    this.setState('registering');
    try {
      await this.request('register', {});
    } catch (error) {
      this.wantRegistered = false;
      this.setState('unregistered');
      throw error;
    }
    this.setState('registered');
  }

  /** Stops receiving incoming calls; calls in progress go on. */
  async unregister(): Promise<void> {
    this.assertAlive();
    this.wantRegistered = false;
    if (this.currentState === 'unregistered') return;
    await this.request('unregister', {});
    this.setState('unregistered');
  }

  /**
   * Follows the presence of identities of the same account: a `presence` event for each now,
   * and on every change. At most 100 per device.
   */
  async subscribe(identities: readonly string[]): Promise<void> {
    this.assertAlive();
    const fresh = identities.filter((identity) => !this.followed.has(identity));
    if (fresh.length === 0) return;
    for (const identity of fresh) this.followed.set(identity, undefined);
    try {
      await this.request('subscribe', { identities: fresh });
    } catch (error) {
      for (const identity of fresh) this.followed.delete(identity);
      throw error;
    }
  }

  async unsubscribe(identities: readonly string[]): Promise<void> {
    this.assertAlive();
    const known = identities.filter((identity) => this.followed.delete(identity));
    if (known.length > 0) await this.request('unsubscribe', { identities: known });
  }

  /** The latest presence of a followed identity. */
  presenceOf(identity: string): Presence | undefined {
    return this.followed.get(identity);
  }

  /** Places a call: Patchbay runs the token's application with these params (and From=client:<identity>). */
  async connect(options: { params?: Record<string, string> } = {}): Promise<Call> {
    this.assertAlive();
    const params = options.params ?? {};
    const call = new Call(this.link, 'OUTGOING', { ...params }, new Map(Object.entries(params)));
    const { callSid } = await this.request('connect', { params });
    if (!callSid) throw new DeviceError('GeneralError', 'the server did not name the call');
    call._placed(callSid);
    this.activeCalls.set(callSid, call);
    this.replayEarly(callSid, call);
    return call;
  }

  /** Swaps the token on the live connection: registrations and calls stay up. */
  async updateToken(token: string): Promise<void> {
    this.assertAlive();
    this.currentToken = token;
    this.refused = undefined;
    this.scheduleExpiryWarning();
    if (!this.transport && !this.connecting) return;
    await this.request('token', { token });
  }

  /** Hangs up every call, unregisters and closes the connection for good. */
  destroy(): void {
    if (this.currentState === 'destroyed') return;
    for (const call of [...this.activeCalls.values(), ...this.invitations.values()]) call.disconnect();
    this.transport?.send({ type: 'bye' });
    this.stopConnection();
    this.transport?.close();
    this.transport = undefined;
    this.cancelExpiryWarning?.();
    this.cancelReconnect?.();
    for (const pending of this.pending.values()) {
      pending.cancelTimer();
      pending.reject(new DeviceError('GeneralError', 'the device was destroyed'));
    }
    this.pending.clear();
    this.setState('destroyed');
    this.emit('destroyed');
    this.removeAllListeners();
  }

  // ---- requests ----

  private assertAlive(): void {
    if (this.currentState === 'destroyed') throw new DeviceError('GeneralError', 'the device was destroyed');
  }

  private tokenProblem(): DeviceError | undefined {
    const claims = readTokenClaims(this.currentToken);
    if (!claims) return new DeviceError('AccessTokenInvalid', 'the token is not a JWT');
    if (claims.expiresAt !== undefined && claims.expiresAt <= this.clock.now())
      return new DeviceError('AccessTokenExpired', 'the token has expired; pass a fresh one to updateToken()');
    return undefined;
  }

  private request<T extends ClientRequest['type']>(
    type: T,
    body: RequestBody<T>,
  ): Promise<{ callSid?: string; tokenExpiresAt?: number }> {
    // Settle at once rather than wait on a server that will refuse.
    const problem = type === 'token' ? undefined : (this.refused ?? this.tokenProblem());
    if (problem && type !== 'hangup' && type !== 'digits' && type !== 'mute') return Promise.reject(problem);
    const id = `${(++requestCounter).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const message = { type, id, ...body } as ClientRequest;
    return new Promise((resolve, reject) => {
      const cancelTimer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        reject(new DeviceError('ConnectionError', `no answer from ${this.options.server} to ${type}`));
      }, this.options.requestTimeoutMs ?? 10_000);
      this.pending.set(id, { message, resolve, reject, cancelTimer });
      if (this.welcome && this.transport) this.transport.send(message);
      else
        void this.ensureConnected().catch((error: DeviceError) => {
          // The connection could not be made for a reason retrying will not fix.
          if (!this.pending.has(id)) return;
          this.pending.delete(id);
          cancelTimer();
          reject(error);
        });
    });
  }

  private failPending(error: DeviceError): void {
    for (const pending of this.pending.values()) {
      pending.cancelTimer();
      pending.reject(error);
    }
    this.pending.clear();
  }

  // ---- the connection ----

  private ensureConnected(): Promise<void> {
    if (this.welcome && this.transport) return Promise.resolve();
    this.connecting ??= this.connectOnce().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async openTransport(handlers: TransportHandlers): Promise<Transport> {
    const kind = this.options.transport ?? 'auto';
    const WebSocketImpl = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (kind !== 'long-poll' && WebSocketImpl) {
      try {
        return await openWebSocket(this.options.server, WebSocketImpl, handlers);
      } catch (error) {
        if (kind === 'websocket') throw error;
      }
    } else if (kind === 'websocket') {
      throw new DeviceError('TransportError', 'no WebSocket implementation: pass options.WebSocket');
    }
    const fetchImpl = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    return openLongPoll(this.options.server, fetchImpl, handlers);
  }

  private async connectOnce(): Promise<void> {
    const problem = this.refused ?? this.tokenProblem();
    if (problem) throw problem;
    let transport: Transport;
    let settleHello!: { resolve: () => void; reject: (error: DeviceError) => void };
    const hello = new Promise<void>((resolve, reject) => {
      settleHello = { resolve, reject };
    });
    const handlers: TransportHandlers = {
      message: (message) => this.onMessage(transport, message, settleHello),
      closed: (code, reason) => {
        if (this.transport !== transport) {
          settleHello.reject(new DeviceError('ConnectionError', `connection closed (${code} ${reason})`));
          return;
        }
        this.connectionLost(new DeviceError('ConnectionError', `connection closed (${code} ${reason})`));
      },
      malformed: (reason) => this.emit('error', new DeviceError('MalformedRequest', `from the server: ${reason}`)),
    };
    try {
      transport = await this.openTransport(handlers);
    } catch (cause) {
      throw cause instanceof DeviceError
        ? cause
        : new DeviceError('TransportError', `cannot reach ${this.options.server}`, { cause });
    }
    if (this.currentState === 'destroyed') {
      transport.close();
      throw new DeviceError('GeneralError', 'the device was destroyed');
    }
    transport.send({
      type: 'hello',
      v: PROTOCOL_VERSION,
      token: this.currentToken,
      ...(this.session ? { resume: { session: this.session, received: this.received } } : {}),
      ...(this.options.agent ? { agent: this.options.agent } : {}),
    });
    const timeout = this.clock.setTimeout(
      () => settleHello.reject(new DeviceError('ConnectionError', 'no welcome from the server')),
      this.options.requestTimeoutMs ?? 10_000,
    );
    try {
      await hello;
    } catch (error) {
      transport.close();
      throw error;
    } finally {
      timeout();
    }
  }

  private onMessage(
    transport: Transport,
    message: ServerMessage,
    hello: { resolve: () => void; reject: (error: DeviceError) => void },
  ): void {
    this.lastHeard = this.clock.now();
    switch (message.type) {
      case 'welcome':
        this.onWelcome(transport, message);
        hello.resolve();
        return;
      case 'pong':
        return;
      case 'error': {
        const error = DeviceError.fromProtocol(message.error);
        if (this.transport !== transport) {
          // Refused at hello: a token problem is final until updateToken().
          if (error.code >= 20100 && error.code < 20200) this.refused = error;
          hello.reject(error);
          return;
        }
        this.emit('error', error);
        return;
      }
      default:
        this.onSequenced(message);
    }
  }

  private onWelcome(transport: Transport, welcome: Welcome): void {
    const resumed = welcome.resumed && welcome.session === this.session;
    this.transport = transport;
    this.welcome = welcome;
    this.session = welcome.session;
    this.reconnectAttempt = 0;
    if (!resumed) {
      this.received = 0;
      // A new session: the old one's calls and invitations are gone.
      const lost = new DeviceError('ConnectionError', 'the session was lost; its calls ended');
      for (const call of [...this.activeCalls.values(), ...this.invitations.values()]) call._lost(lost);
    } else {
      for (const call of this.activeCalls.values()) call._connection(true);
    }
    // Decided before the pending requests go out: a register among them may be answered at once.
    const reregister = !resumed && this.wantRegistered && !welcome.registered && !this.hasPending('register');
    const refollow = !resumed && this.followed.size > 0 && !this.hasPending('subscribe');
    // Everything not yet answered is sent again; the server skips ids it has seen.
    for (const pending of this.pending.values()) transport.send(pending.message);
    if (reregister)
      void this.request('register', {}).then(
        () => this.setState('registered'),
        (error: DeviceError) => this.emit('error', error),
      );
    if (refollow)
      void this.request('subscribe', { identities: [...this.followed.keys()] }).catch((error: DeviceError) =>
        this.emit('error', error),
      );
    this.startHeartbeat(welcome.heartbeatMs);
  }

  private hasPending(type: ClientRequest['type']): boolean {
    for (const pending of this.pending.values()) if (pending.message.type === type) return true;
    return false;
  }

  private onSequenced(message: Sequenced): void {
    if (message.seq <= this.received) return;
    this.received = message.seq;
    this.transport?.send({ type: 'ack', seq: message.seq });
    switch (message.type) {
      case 'result': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        pending.cancelTimer();
        if (message.ok)
          pending.resolve({
            ...(message.callSid ? { callSid: message.callSid } : {}),
            ...(message.tokenExpiresAt ? { tokenExpiresAt: message.tokenExpiresAt } : {}),
          });
        else pending.reject(DeviceError.fromProtocol(message.error));
        return;
      }
      case 'invite': {
        if (message.expiresAt <= this.clock.now()) return;
        const call = new Call(
          this.link,
          'INCOMING',
          message.parameters,
          new Map(Object.entries(message.customParameters)),
          message.callToken,
        );
        this.invitations.set(message.callSid, call);
        call.once('accept', () => {
          this.invitations.delete(message.callSid);
          this.activeCalls.set(message.callSid, call);
        });
        this.emit('incoming', call);
        return;
      }
      case 'cancel':
        this.invitations.get(message.callSid)?._cancel(message.reason);
        return;
      case 'call': {
        const call = this.activeCalls.get(message.callSid) ?? this.invitations.get(message.callSid);
        if (call) call._state(message.state);
        else this.early.set(message.callSid, message.state);
        return;
      }
      case 'presence': {
        if (!this.followed.has(message.identity)) return;
        const { type: _type, seq: _seq, ...presence } = message;
        this.followed.set(message.identity, presence);
        this.emit('presence', presence);
        return;
      }
      case 'expired':
        this.setState('unregistered');
        this.emit('error', new DeviceError('AccessTokenExpired', 'the token expired; call updateToken()'));
        return;
    }
  }

  /** Call states that arrived before `connect` resolved (same batch). */
  private readonly early = new Map<string, 'ringing' | 'open' | 'closed'>();

  private replayEarly(callSid: string, call: Call): void {
    const state = this.early.get(callSid);
    if (!state) return;
    this.early.delete(callSid);
    if (state !== 'ringing') call._state('ringing');
    call._state(state);
  }

  private startHeartbeat(heartbeatMs: number): void {
    this.cancelHeartbeat?.();
    this.cancelWatchdog?.();
    const beat = () => {
      this.transport?.send({ type: 'ping' });
      this.cancelHeartbeat = this.clock.setTimeout(beat, heartbeatMs);
    };
    this.cancelHeartbeat = this.clock.setTimeout(beat, heartbeatMs);
    const watch = () => {
      if (this.clock.now() - this.lastHeard > heartbeatMs * 2.5) {
        this.transport?.close();
        this.connectionLost(new DeviceError('ConnectionError', 'the server stopped answering'));
        return;
      }
      this.cancelWatchdog = this.clock.setTimeout(watch, heartbeatMs);
    };
    this.cancelWatchdog = this.clock.setTimeout(watch, heartbeatMs);
  }

  private stopConnection(): void {
    this.cancelHeartbeat?.();
    this.cancelWatchdog?.();
    this.cancelHeartbeat = undefined;
    this.cancelWatchdog = undefined;
  }

  private connectionLost(error: DeviceError): void {
    if (this.currentState === 'destroyed') return;
    this.stopConnection();
    this.transport = undefined;
    this.welcome = undefined;
    for (const call of this.activeCalls.values()) call._connection(false, error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.currentState === 'destroyed' || this.cancelReconnect) return;
    const base = this.options.reconnectDelayMs ?? 250;
    const max = this.options.maxReconnectDelayMs ?? 15_000;
    const ceiling = Math.min(max, base * 2 ** this.reconnectAttempt++);
    // Full jitter: a restarted server is not hit by every device at the same instant.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.cancelReconnect = this.clock.setTimeout(() => {
      this.cancelReconnect = undefined;
      this.ensureConnected().then(
        // A connection that was still being made when the last one dropped may be gone already.
        () => {
          if (!this.transport) this.scheduleReconnect();
        },
        (error: DeviceError) => {
          if (this.refused) {
            this.failPending(error);
            this.emit('error', error);
            if (this.currentState === 'registered') this.setState('unregistered');
            return;
          }
          this.scheduleReconnect();
        },
      );
    }, delay);
  }

  private scheduleExpiryWarning(): void {
    this.cancelExpiryWarning?.();
    const expiresAt = readTokenClaims(this.currentToken)?.expiresAt;
    if (expiresAt === undefined) return;
    const at = expiresAt - (this.options.tokenRefreshMs ?? 10_000);
    const wait = Math.max(0, at - this.clock.now());
    // Timers hold at most 2^31-1 ms (24.8 days): a longer wait is taken in steps.
    if (wait > MAX_TIMER_MS) {
      this.cancelExpiryWarning = this.clock.setTimeout(() => this.scheduleExpiryWarning(), MAX_TIMER_MS);
      return;
    }
    this.cancelExpiryWarning = this.clock.setTimeout(() => {
      if (this.currentState !== 'destroyed') this.emit('tokenWillExpire', this);
    }, wait);
  }

  private setState(state: DeviceState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    if (state === 'registered') this.emit('registered');
    else if (state === 'unregistered') this.emit('unregistered');
    else if (state === 'registering') this.emit('registering');
  }

  /** @internal for tests: the session id the server gave. */
  get sessionId(): string | undefined {
    return this.session;
  }
}
