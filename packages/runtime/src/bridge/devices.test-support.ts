/**
 * For device tests: API keys and access tokens for the harness's account, devices from the SDK
 * (real WebSockets or long-poll on loopback), and awaiting their events.
 */
import {
  AccessToken,
  Device,
  DeviceError,
  type DeviceOptions,
  VoiceGrant,
  type VoiceGrantOptions,
} from '@patchbay/sdk';
import type { ServerMessage } from '@patchbay/sdk/protocol';
import type { EventEmitter } from 'eventemitter3';
import { WebSocket } from 'ws';
import type { ApiHarness } from '../api/harness.test-support.js';

export interface Key {
  readonly sid: string;
  readonly secret: string;
}

/** A new API key of the harness's account (through the REST API). */
export async function newKey(harness: ApiHarness): Promise<Key> {
  const key = await harness.client.newKeys.create({ friendlyName: 'devices' });
  return { sid: key.sid, secret: key.secret };
}

export function tokenFor(
  harness: ApiHarness,
  key: Key,
  identity: string,
  grant: VoiceGrantOptions = { incomingAllow: true },
  options: { ttl?: number; iat?: number; nbf?: number; accountSid?: string } = {},
): string {
  const token = new AccessToken(options.accountSid ?? harness.account.sid, key.sid, key.secret, {
    identity,
    ...(options.ttl === undefined ? {} : { ttl: options.ttl }),
    ...(options.iat === undefined ? {} : { iat: options.iat }),
    ...(options.nbf === undefined ? {} : { nbf: options.nbf }),
  });
  return token.addGrant(new VoiceGrant(grant)).toJwt();
}

export function deviceFor(harness: ApiHarness, token: string, options: Partial<DeviceOptions> = {}): Device {
  return new Device(token, { server: harness.base, reconnectDelayMs: 20, ...options });
}

/** The arguments of the next `event` from `emitter`. */
export function next<T extends EventEmitter.ValidEventTypes, K extends EventEmitter.EventNames<T>>(
  emitter: EventEmitter<T>,
  event: K,
): Promise<Parameters<EventEmitter.EventListener<T, K>>> {
  return new Promise((resolve) => {
    emitter.once(event, ((...args: Parameters<EventEmitter.EventListener<T, K>>) => resolve(args)) as never);
  });
}

/** The arguments of the first `event` from `emitter` that satisfy `match`. */
export function until<T extends EventEmitter.ValidEventTypes, K extends EventEmitter.EventNames<T>>(
  emitter: EventEmitter<T>,
  event: K,
  match: (...args: Parameters<EventEmitter.EventListener<T, K>>) => boolean,
): Promise<Parameters<EventEmitter.EventListener<T, K>>> {
  return new Promise((resolve) => {
    const listener = (...args: Parameters<EventEmitter.EventListener<T, K>>) => {
      if (!match(...args)) return;
      emitter.off(event, listener as never);
      resolve(args);
    };
    emitter.on(event, listener as never);
  });
}

/** A device speaking the protocol by hand over a raw WebSocket, to test what the SDK would never send. */
/** The typed error a request was refused with (fails the test when it was not). */
export async function refusal(promise: Promise<unknown>): Promise<DeviceError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof DeviceError)) throw new Error(`expected a DeviceError, got ${String(outcome)}`);
  return outcome;
}

export class RawDevice {
  readonly received: ServerMessage[] = [];
  private readonly waiters: Array<{ match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      this.received.push(message);
      for (const waiter of [...this.waiters]) {
        if (!waiter.match(message)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static async connect(harness: ApiHarness): Promise<RawDevice> {
    const socket = new WebSocket(`${harness.base.replace('http', 'ws')}/devices/v1/ws`);
    const device = new RawDevice(socket);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return device;
  }

  /** Connects and says hello; resolves with the welcome (or the refusal). */
  static async open(
    harness: ApiHarness,
    token: string,
    resume?: { session: string; received: number },
  ): Promise<{ device: RawDevice; welcome: ServerMessage }> {
    const device = await RawDevice.connect(harness);
    const answer = device.next((m) => m.type === 'welcome' || m.type === 'error');
    device.send({ type: 'hello', v: 1, token, ...(resume ? { resume } : {}) });
    return { device, welcome: await answer };
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message (already received or next) matching. */
  next(match: (message: ServerMessage) => boolean, after = 0): Promise<ServerMessage> {
    const seen = this.received.slice(after).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Sends a request and resolves with its result. */
  request(message: { type: string; [key: string]: unknown }): Promise<ServerMessage> {
    const id = `${message.type}-${Math.random().toString(36).slice(2)}`;
    const result = this.next((m) => m.type === 'result' && m.id === id);
    this.send({ ...message, id });
    return result;
  }

  close(): void {
    this.socket.terminate();
  }
}
