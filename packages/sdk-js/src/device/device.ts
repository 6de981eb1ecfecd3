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
import type { DeviceCommands, DeviceCommandsOptions } from '../commands/commands.js';
import { DeviceError } from '../protocol/errors.js';
import type { ClientRequest, RoomSummary } from '../protocol/messages.js';
import { readTokenClaims } from '../tokens/jwt.js';
import { CommandsAttachment, DeviceRooms } from './attachments.js';
import type { AudioHelper } from './audio.js';
import { Call, type CallLink } from './call.js';
import { CallTable } from './calls.js';
import { Connection } from './connection.js';
import { DeviceMedia } from './device-media.js';
import type { DeviceEvents, DeviceOptions, DeviceState } from './device-types.js';
import { warnBeforeExpiry } from './expiry.js';
import { Following, type Presence } from './following.js';
import { type Inbound, onMessage, onWelcome } from './inbound.js';
import type { RtcConfiguration } from './media.js';
import type { RequestBody, RequestResult } from './requests.js';
import type { Room } from './room.js';
import type { Transport } from './transport.js';

export type { DeviceClock } from './connection.js';
export type { DeviceEvents, DeviceOptions, DeviceState } from './device-types.js';
export type { Presence } from './following.js';

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
  private readonly table = new CallTable();
  /** Registered by the application's wish: restored after a new session. */
  private wantRegistered = false;
  /** Identities followed, with their latest presence: followed again after a new session. */
  private readonly following: Following;
  private cancelExpiryWarning: (() => void) | undefined;
  private readonly link: CallLink;
  /** Rooms this device holds (`room()`): followed again after a new session. */
  private readonly rooms = new DeviceRooms((type, body) => this.request(type, body));
  private readonly commandsOf = new CommandsAttachment((type, body) => this.request(type, body));
  private readonly media: DeviceMedia;
  private readonly inbound: Inbound;

  constructor(
    token: string,
    private readonly options: DeviceOptions,
  ) {
    super();
    if (!options?.server) throw new TypeError('options.server (the Patchbay URL) is required');
    this.currentToken = token;
    this.connection = new Connection(options, token);
    this.connection.on('welcome', (welcome, resumed) => onWelcome(this.inbound, welcome, resumed));
    this.connection.on('message', (message) => onMessage(this.inbound, message));
    this.connection.on('lost', (error) => {
      for (const call of this.table.calls) call._connection(false, error);
    });
    this.connection.on('refused', (error) => {
      this.emit('error', error);
      if (this.currentState === 'registered') this.setState('unregistered');
      // No session goes on without a token the server accepts: its calls and invitations are over.
      for (const call of this.table.all) call._lost(error);
    });
    this.connection.on('error', (error) => this.emit('error', error));
    this.media = new DeviceMedia(options);
    this.following = new Following((type, identities) => this.request(type, { identities }));
    this.link = {
      request: (type, body) => this.request(type, body),
      media: (rtc) => this.media.open(this.connection.welcome, rtc),
      settled: (call) => this.media.settled(call),
      sound: (name) => this.media.play(name),
      closed: (call) => {
        if (call.callSid) this.table.forget(call.callSid);
      },
    };
    this.inbound = {
      connection: this.connection,
      table: this.table,
      link: this.link,
      media: this.media,
      following: this.following,
      rooms: this.rooms,
      commands: this.commandsOf,
      wantsRegistration: () => this.wantRegistered,
      register: () => this.request('register', this.wantsWebRtc() ? { webrtc: true } : {}),
      setState: (state) => this.setState(state),
      emit: (event, ...args) => this.emit(event, ...args),
    };
    this.scheduleExpiryWarning();
  }

  /** A room on this device's channel: its commands, events and roster (docs/rooms.md). The same object for the same SID. */
  room(sid: string): Room {
    this.assertAlive();
    return this.rooms.get(sid);
  }

  /**
   * Commands for this device over its channel (docs/commands.md): attached now and again on each
   * new session. One per Device; its handlers run them, and the same object reads push and SMS forms.
   */
  commands(options: Omit<DeviceCommandsOptions, 'server'>): DeviceCommands {
    this.assertAlive();
    return this.commandsOf.get({ server: this.options.server, clock: this.connection.clock, ...options });
  }

  /** Microphone and speaker selection, sounds on or off (the hosted SDK's `device.audio`). */
  get audio(): AudioHelper {
    return this.media.audio;
  }

  /** Whether the ringtone of an incoming call plays now. */
  get isRinging(): boolean {
    return this.media.isRinging;
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
    return this.table.calls;
  }

  get isBusy(): boolean {
    return this.table.busy;
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
    await this.following.subscribe(identities);
  }

  async unsubscribe(identities: readonly string[]): Promise<void> {
    this.assertAlive();
    await this.following.unsubscribe(identities);
  }

  /**
   * The rooms whose member this token's identity is (at most 100, the newest memberships first),
   * each with `callInProgress` to offer a one-tap `room(sid).joinCall()` (the request `rooms`). A `notice` of kind
   * `room-added` tells the app when it is added to another.
   */
  async myRooms(): Promise<RoomSummary[]> {
    this.assertAlive();
    return [...((await this.request('rooms', {})).rooms ?? [])];
  }

  /** The latest presence of a followed identity. */
  presenceOf(identity: string): Presence | undefined {
    return this.following.presenceOf(identity);
  }

  /** Places a call: Patchbay runs the token's application with these params (and From=client:<identity>). */
  async connect(options: { params?: Record<string, string>; rtcConfiguration?: RtcConfiguration } = {}): Promise<Call> {
    this.assertAlive();
    const params = options.params ?? {};
    const call = new Call(this.link, 'OUTGOING', { ...params }, new Map(Object.entries(params)));
    await this.connection.ready();
    let offer: string | undefined;
    try {
      offer = await call._offer(options.rtcConfiguration);
    } catch (error) {
      throw new DeviceError('GeneralError', `no audio for the call: ${String(error)}`);
    }
    const { callSid, sdp } = await this.request('connect', { params, ...(offer ? { sdp: offer } : {}) });
    if (!callSid) throw new DeviceError('GeneralError', 'the server did not name the call');
    call._placed(callSid);
    call.once('accept', () => this.media.play('outgoing'));
    await call
      ._answered(sdp)
      .catch((error: unknown) =>
        call.emit('error', new DeviceError('GeneralError', `no audio for the call: ${String(error)}`)),
      );
    this.table.placed(callSid, call);
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
    for (const call of this.table.all) call.disconnect();
    this.connection.close();
    this.media.destroy();
    this.rooms.close();
    this.commandsOf.close();
    this.cancelExpiryWarning?.();
    this.setState('destroyed');
    this.emit('destroyed');
    this.removeAllListeners();
  }

  private wantsWebRtc(): boolean {
    return this.media.wanted;
  }

  private assertAlive(): void {
    if (this.currentState === 'destroyed') throw new DeviceError('GeneralError', 'the device was destroyed');
  }

  private request<T extends ClientRequest['type']>(type: T, body: RequestBody<T>): Promise<RequestResult> {
    return this.connection.request(type, body);
  }

  private scheduleExpiryWarning(): void {
    this.cancelExpiryWarning?.();
    const { clock } = this.connection;
    this.cancelExpiryWarning = warnBeforeExpiry(clock, this.currentToken, this.options.tokenRefreshMs ?? 10_000, () => {
      if (this.currentState !== 'destroyed') this.emit('tokenWillExpire', this);
    });
  }

  private setState(state: DeviceState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    if (state === 'registered') this.emit('registered');
    else if (state === 'unregistered') this.emit('unregistered');
    else if (state === 'registering') this.emit('registering');
  }
}
