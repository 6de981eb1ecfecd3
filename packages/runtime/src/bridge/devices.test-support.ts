/**
 * For device tests: API keys and access tokens for the harness's account, devices from the SDK
 * (real WebSockets or long-poll on loopback), and awaiting their events.
 */
import { AccessToken, Device, type DeviceOptions, VoiceGrant, type VoiceGrantOptions } from '@patchbay/sdk';
import type { EventEmitter } from 'eventemitter3';
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
