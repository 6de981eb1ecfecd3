/**
 * The `Device`'s public shapes: its states, events and options.
 */
import type { DeviceError } from '../protocol/errors.js';
import type { DeviceNotice } from '../protocol/messages.js';
import type { Call } from './call.js';
import type { ConnectionOptions } from './connection.js';
import type { Device } from './device.js';
import type { Presence } from './following.js';
import type { CallMediaOptions } from './media.js';
import type { SoundName } from './sounds.js';

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
  /** A registration of this identity changed, or something waits for one of its devices (docs/registration.md). */
  notice: (notice: DeviceNotice) => void;
  destroyed: () => void;
}

export interface DeviceOptions extends ConnectionOptions {
  /** `tokenWillExpire` fires this long before the token expires. @default 10000 */
  readonly tokenRefreshMs?: number;
  /**
   * Call audio over WebRTC where the browser has it and the server carries it: TURN servers,
   * microphone constraints; `false` turns audio off. @default on, the ICE servers the server gives
   */
  readonly media?: CallMediaOptions | false;
  /** The sounds' URLs (the hosted SDK's names). @default `<server>/sdk/sounds/<name>.wav` */
  readonly sounds?: Partial<Record<SoundName, string>>;
}
