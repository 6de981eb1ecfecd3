/**
 * A device's connection to the bridge: opens the transport (WebSocket, falling back to
 * long-poll), says hello (resuming its session when it has one), keeps it alive with heartbeats,
 * reconnects with exponential backoff and full jitter, and carries requests so that each gets
 * exactly one answer or a typed error — never a hang. Sequenced server messages come out once
 * each, acknowledged, in order.
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
import { type DeviceClock, systemClock } from './clock.js';
import { KeepAlive, reconnectDelay } from './keepalive.js';
import { openTransport } from './open-transport.js';
import { pacedRequest } from './paced.js';
import { type RequestBody, type RequestResult, Requests } from './requests.js';
import type { Transport, TransportHandlers, WebSocketConstructor } from './transport.js';

export type { DeviceClock } from './clock.js';

export interface ConnectionOptions {
  /** Patchbay's base URL, e.g. `https://patchbay.example.com`. */
  readonly server: string;
  /** `auto` tries a WebSocket and falls back to long-poll. @default 'auto' */
  readonly transport?: 'auto' | 'websocket' | 'long-poll';
  /** The WebSocket implementation. @default globalThis.WebSocket (the Node entry point passes `ws`) */
  readonly WebSocket?: WebSocketConstructor | undefined;
  /** `fetch` for long-poll. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
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

export interface ConnectionEvents {
  /** A session is open: `resumed` when it is the one the device had (else everything starts over). */
  welcome: (welcome: Welcome, resumed: boolean) => void;
  /** A sequenced message other than a result, once. */
  message: (message: Exclude<Sequenced, { type: 'result' }>) => void;
  /** The connection dropped; reconnecting follows. */
  lost: (error: DeviceError) => void;
  /** Reconnecting stopped: the server refused the token (until `updateToken`). */
  refused: (error: DeviceError) => void;
  /** The server reported a problem with the connection or sent something malformed. */
  error: (error: DeviceError) => void;
}

/** Requests that still make sense (and are safe) with a token the device thinks is bad. */
const WITHOUT_TOKEN: ReadonlySet<ClientRequest['type']> = new Set(['token', 'hangup', 'digits', 'mute']);

/** A token problem (20100-20199) is final: retrying with the same token cannot succeed. */
const tokenProblem = (error: DeviceError) => error.code >= 20100 && error.code < 20200;

export class Connection extends EventEmitter<ConnectionEvents> {
  readonly clock: DeviceClock;
  private transport: Transport | undefined;
  private connecting: Promise<void> | undefined;
  private welcomed: Welcome | undefined;
  private sessionId: string | undefined;
  private received = 0;
  private readonly requests: Requests;
  private reconnectAttempt = 0;
  private cancelReconnect: (() => void) | undefined;
  private readonly keepAlive: KeepAlive;
  private ackScheduled = false;
  /** A token the server refused: no reconnecting until a new one. */
  private refusal: DeviceError | undefined;
  private closed = false;

  constructor(
    private readonly options: ConnectionOptions,
    private token: string,
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.requests = new Requests(this.clock, options.requestTimeoutMs ?? 10_000, options.server);
    this.keepAlive = new KeepAlive(this.clock);
  }

  /** The welcome of the open session, while connected. */
  get welcome(): Welcome | undefined {
    return this.transport ? this.welcomed : undefined;
  }

  get session(): string | undefined {
    return this.sessionId;
  }

  get transportKind(): Transport['kind'] | undefined {
    return this.transport?.kind;
  }

  /** Whether the connection is being made or is up. */
  get active(): boolean {
    return this.transport !== undefined || this.connecting !== undefined;
  }

  /** The token for the next hello; a refused one is forgotten. */
  setToken(token: string): void {
    this.token = token;
    this.refusal = undefined;
  }

  hasPending(type: ClientRequest['type']): boolean {
    return this.requests.has(type);
  }

  /** What is wrong with the token as far as the device can tell. */
  tokenProblem(): DeviceError | undefined {
    const claims = readTokenClaims(this.token);
    if (!claims) return new DeviceError('AccessTokenInvalid', 'the token is not a JWT');
    if (claims.expiresAt !== undefined && claims.expiresAt <= this.clock.now())
      return new DeviceError('AccessTokenExpired', 'the token has expired; pass a fresh one to updateToken()');
    return undefined;
  }

  /**
   * Sends a request (connecting first if needed); settles with its result or a DeviceError. One
   * the server refused for the device's pace is sent again a little later (paced.ts).
   */
  request<T extends ClientRequest['type']>(type: T, body: RequestBody<T>): Promise<RequestResult> {
    return pacedRequest(this.clock, type, () => this.send(type, body));
  }

  private send<T extends ClientRequest['type']>(type: T, body: RequestBody<T>): Promise<RequestResult> {
    if (this.closed) return Promise.reject(new DeviceError('GeneralError', 'the device was destroyed'));
    // Settle at once rather than wait on a server that will refuse.
    const problem = WITHOUT_TOKEN.has(type) ? undefined : (this.refusal ?? this.tokenProblem());
    if (problem) return Promise.reject(problem);
    return this.requests.add(type, body, (message) => {
      if (this.welcome && this.transport) {
        this.transport.send(message);
        return;
      }
      // The connection could not be made for a reason retrying will not fix: the request fails.
      void this.ensureConnected().catch((error: DeviceError) => this.requests.fail(message.id, error));
    });
  }

  /** Says goodbye, stops reconnecting, and fails what is still pending. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transport?.send({ type: 'bye' });
    this.keepAlive.stop();
    this.cancelReconnect?.();
    this.transport?.close();
    this.transport = undefined;
    this.requests.failAll(new DeviceError('GeneralError', 'the device was destroyed'));
    this.removeAllListeners();
  }

  /** Connects (once) and resolves when the server has said welcome. */
  ready(): Promise<void> {
    return this.ensureConnected();
  }

  private ensureConnected(): Promise<void> {
    if (this.welcome && this.transport) return Promise.resolve();
    this.connecting ??= this.connectOnce().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    const problem = this.refusal ?? this.tokenProblem();
    if (problem) throw problem;
    let transport: Transport;
    let settleHello!: { resolve: () => void; reject: (error: DeviceError) => void };
    const hello = new Promise<void>((resolve, reject) => {
      settleHello = { resolve, reject };
    });
    const handlers: TransportHandlers = {
      message: (message) => this.onMessage(transport, message, settleHello),
      closed: (code, reason) => {
        const error = new DeviceError('ConnectionError', `connection closed (${code} ${reason})`);
        if (this.transport !== transport) settleHello.reject(error);
        else this.lost(error);
      },
      malformed: (reason) => this.emit('error', new DeviceError('MalformedRequest', `from the server: ${reason}`)),
    };
    try {
      transport = await openTransport(this.options, handlers);
    } catch (cause) {
      throw cause instanceof DeviceError
        ? cause
        : new DeviceError('TransportError', `cannot reach ${this.options.server}`, { cause });
    }
    if (this.closed) {
      transport.close();
      throw new DeviceError('GeneralError', 'the device was destroyed');
    }
    transport.send({
      type: 'hello',
      v: PROTOCOL_VERSION,
      token: this.token,
      ...(this.sessionId ? { resume: { session: this.sessionId, received: this.received } } : {}),
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
    this.keepAlive.heard();
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
          // Refused at hello: a token problem is final until a new token.
          if (tokenProblem(error)) this.refusal = error;
          hello.reject(error);
          return;
        }
        // The server ended the session because its credentials were revoked: no reconnecting.
        if (message.fatal && tokenProblem(error)) this.revoked(transport, error);
        else this.emit('error', error);
        return;
      }
      default:
        this.onSequenced(message);
    }
  }

  private onWelcome(transport: Transport, welcome: Welcome): void {
    const resumed = welcome.resumed && welcome.session === this.sessionId;
    this.transport = transport;
    this.welcomed = welcome;
    this.sessionId = welcome.session;
    this.reconnectAttempt = 0;
    if (!resumed) this.received = 0;
    // What was pending before this welcome is sent again (the server skips ids it has seen);
    // requests the listeners make now go out once, on their own.
    const resend = this.requests.snapshot();
    this.emit('welcome', welcome, resumed);
    for (const message of resend) if (this.requests.waiting(message.id)) transport.send(message);
    this.startHeartbeat(welcome.heartbeatMs);
  }

  private onSequenced(message: Sequenced): void {
    if (message.seq <= this.received) return;
    this.received = message.seq;
    this.scheduleAck();
    if (message.type === 'result') {
      this.requests.settle(message);
      return;
    }
    this.emit('message', message);
  }

  /** Acks are cumulative: one per batch of messages handled together is enough. */
  private scheduleAck(): void {
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    queueMicrotask(() => {
      this.ackScheduled = false;
      this.transport?.send({ type: 'ack', seq: this.received });
    });
  }

  private startHeartbeat(heartbeatMs: number): void {
    this.keepAlive.start(
      heartbeatMs,
      () => this.transport?.send({ type: 'ping' }),
      () => {
        this.transport?.close();
        this.lost(new DeviceError('ConnectionError', 'the server stopped answering'));
      },
    );
  }

  private revoked(transport: Transport, error: DeviceError): void {
    this.refusal = error;
    this.keepAlive.stop();
    this.transport = undefined;
    transport.close();
    this.requests.failAll(error);
    this.emit('refused', error);
  }

  private lost(error: DeviceError): void {
    if (this.closed) return;
    this.keepAlive.stop();
    this.transport = undefined;
    this.emit('lost', error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.cancelReconnect) return;
    const { reconnectDelayMs, maxReconnectDelayMs } = this.options;
    const delay = reconnectDelay(this.reconnectAttempt++, reconnectDelayMs, maxReconnectDelayMs);
    this.cancelReconnect = this.clock.setTimeout(() => {
      this.cancelReconnect = undefined;
      this.ensureConnected().then(
        // A connection that was still being made when the last one dropped may be gone already.
        () => {
          if (!this.transport) this.scheduleReconnect();
        },
        (error: DeviceError) => {
          if (this.refusal) {
            this.requests.failAll(error);
            this.emit('refused', error);
            return;
          }
          this.scheduleReconnect();
        },
      );
    }, delay);
  }
}
