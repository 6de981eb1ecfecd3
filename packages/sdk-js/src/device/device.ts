/**
 * A client device: registers an identity with Patchbay over a connection it opens itself, is
 * told of incoming calls (`incoming`), and places calls through its token's application
 * (`connect`). The connection (see connection.ts) survives network trouble: the device
 * reconnects with backoff and jitter and resumes its session, and the server sends again whatever
 * the device missed, in order; nothing reaches the application twice. Requests never hang: a bad
 * or expired token, a lost server or a timeout rejects them with a typed DeviceError.
 *
 * @example
 * const device = new Device(token, { server: 'https://patchbay.example.com' });
 * device.on('incoming', (call) => void call.accept());
 * device.on('tokenWillExpire', async () => device.updateToken(await fetchToken()));
 * await device.register();
 */
import { EventEmitter } from 'eventemitter3';
import { DeviceError } from '../protocol/errors.js';
import type { ClientRequest, Sequenced, Welcome } from '../protocol/messages.js';
import { readTokenClaims } from '../tokens/jwt.js';
import { Call, type CallLink } from './call.js';
import { Connection, type ConnectionOptions } from './connection.js';
import { CallMedia, type CallMediaOptions, webRtcAvailable } from './media.js';
import type { RequestBody, RequestResult } from './requests.js';
import type { Transport } from './transport.js';

export type { DeviceClock } from './connection.js';

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

export interface DeviceOptions extends ConnectionOptions {
  /** `tokenWillExpire` fires this long before the token expires. @default 10000 */
  readonly tokenRefreshMs?: number;
  /**
   * Call audio over WebRTC where the browser has it and the server carries it: TURN servers,
   * microphone constraints; `false` turns audio off. @default on, no ICE servers
   */
  readonly media?: CallMediaOptions | false;
}

/** Timers hold at most 2^31-1 ms (24.8 days). */
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
  private readonly connection: Connection;
  private readonly activeCalls = new Map<string, Call>();
  private readonly invitations = new Map<string, Call>();
  /** Call states that arrived before `connect` resolved (same batch). */
  private readonly early = new Map<string, 'ringing' | 'open' | 'closed'>();
  /** Registered by the application's wish: restored after a new session. */
  private wantRegistered = false;
  /** Identities followed, with their latest presence: followed again after a new session. */
  private readonly followed = new Map<string, Presence | undefined>();
  private cancelExpiryWarning: (() => void) | undefined;
  private readonly link: CallLink;

  constructor(
    token: string,
    private readonly options: DeviceOptions,
  ) {
    super();
    if (!options?.server) throw new TypeError('options.server (the Patchbay URL) is required');
    this.currentToken = token;
    this.connection = new Connection(options, token);
    this.connection.on('welcome', (welcome, resumed) => this.onWelcome(welcome, resumed));
    this.connection.on('message', (message) => this.onMessage(message));
    this.connection.on('lost', (error) => {
      for (const call of this.activeCalls.values()) call._connection(false, error);
    });
    this.connection.on('refused', (error) => {
      this.emit('error', error);
      if (this.currentState === 'registered') this.setState('unregistered');
      // No session goes on without a token the server accepts: its calls and invitations are over.
      for (const call of [...this.activeCalls.values(), ...this.invitations.values()]) call._lost(error);
    });
    this.connection.on('error', (error) => this.emit('error', error));
    this.link = {
      request: (type, body) => this.request(type, body),
      media: () => this.openMedia(),
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
    return this.connection.welcome?.identity ?? readTokenClaims(this.currentToken)?.identity;
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
    return this.connection.transportKind;
  }

  /** The session the server gave (for diagnostics). */
  get sessionId(): string | undefined {
    return this.connection.session;
  }

  /** Registers for incoming calls; resolves once registered. */
  async register(): Promise<void> {
    this.assertAlive();
    this.wantRegistered = true;
    this.setState('registering');
    try {
      await this.request('register', this.wantsWebRtc() ? { webrtc: true } : {});
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
    await this.connection.ready();
    let offer: string | undefined;
    try {
      offer = await call._offer();
    } catch (error) {
      throw new DeviceError('GeneralError', `no audio for the call: ${String(error)}`);
    }
    const { callSid, sdp } = await this.request('connect', { params, ...(offer ? { sdp: offer } : {}) });
    if (!callSid) throw new DeviceError('GeneralError', 'the server did not name the call');
    call._placed(callSid);
    await call
      ._answered(sdp)
      .catch((error: unknown) =>
        call.emit('error', new DeviceError('GeneralError', `no audio for the call: ${String(error)}`)),
      );
    this.activeCalls.set(callSid, call);
    const state = this.early.get(callSid);
    if (state) {
      this.early.delete(callSid);
      if (state !== 'ringing') call._state('ringing');
      call._state(state);
    }
    return call;
  }

  /** Swaps the token on the live connection: registrations and calls stay up. */
  async updateToken(token: string): Promise<void> {
    this.assertAlive();
    this.currentToken = token;
    this.connection.setToken(token);
    this.scheduleExpiryWarning();
    if (!this.connection.active) return;
    await this.request('token', { token });
  }

  /** Hangs up every call, unregisters and closes the connection for good. */
  destroy(): void {
    if (this.currentState === 'destroyed') return;
    for (const call of [...this.activeCalls.values(), ...this.invitations.values()]) call.disconnect();
    this.connection.close();
    this.cancelExpiryWarning?.();
    this.setState('destroyed');
    this.emit('destroyed');
    this.removeAllListeners();
  }

  private wantsWebRtc(): boolean {
    return this.options.media !== false && webRtcAvailable();
  }

  /** Audio for a call, when this browser and the server both carry WebRTC. */
  private async openMedia(): Promise<CallMedia | undefined> {
    if (!this.wantsWebRtc() || !this.connection.welcome?.webrtc) return undefined;
    return CallMedia.open(this.options.media || {});
  }

  private assertAlive(): void {
    if (this.currentState === 'destroyed') throw new DeviceError('GeneralError', 'the device was destroyed');
  }

  private request<T extends ClientRequest['type']>(type: T, body: RequestBody<T>): Promise<RequestResult> {
    return this.connection.request(type, body);
  }

  private onWelcome(welcome: Welcome, resumed: boolean): void {
    if (resumed) {
      for (const call of this.activeCalls.values()) call._connection(true);
    } else {
      // A new session: the old one's calls and invitations are gone.
      const lost = new DeviceError('ConnectionError', 'the session was lost; its calls ended');
      for (const call of [...this.activeCalls.values(), ...this.invitations.values()]) call._lost(lost);
      this.early.clear();
    }
    if (!resumed && this.wantRegistered && !welcome.registered && !this.connection.hasPending('register'))
      void this.request('register', this.wantsWebRtc() ? { webrtc: true } : {}).then(
        () => this.setState('registered'),
        (error: DeviceError) => this.emit('error', error),
      );
    if (!resumed && this.followed.size > 0 && !this.connection.hasPending('subscribe'))
      void this.request('subscribe', { identities: [...this.followed.keys()] }).catch((error: DeviceError) =>
        this.emit('error', error),
      );
  }

  private onMessage(message: Exclude<Sequenced, { type: 'result' }>): void {
    switch (message.type) {
      case 'invite': {
        if (message.expiresAt <= this.connection.clock.now()) return;
        const call = new Call(
          this.link,
          'INCOMING',
          message.parameters,
          new Map(Object.entries(message.customParameters)),
          message.callToken,
          message.sdp,
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

  private scheduleExpiryWarning(): void {
    this.cancelExpiryWarning?.();
    const expiresAt = readTokenClaims(this.currentToken)?.expiresAt;
    if (expiresAt === undefined) return;
    const clock = this.connection.clock;
    const wait = Math.max(0, expiresAt - (this.options.tokenRefreshMs ?? 10_000) - clock.now());
    if (wait > MAX_TIMER_MS) {
      this.cancelExpiryWarning = clock.setTimeout(() => this.scheduleExpiryWarning(), MAX_TIMER_MS);
      return;
    }
    this.cancelExpiryWarning = clock.setTimeout(() => {
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
}
